"""The OpenAPI document drives the SDK surface: every operation has an SDK method and vice versa.

For each operation of ``/v1/openapi.json`` (``platformxe.registry.openapi.document``) the table
below names the SDK call that serves it. The test fails when the document gains an operation
without an SDK method, when the SDK gains a public method no operation backs, or when a call
sends a method, path, query or body the operation does not accept (paths are matched against
the documented parameters' patterns, bodies validated against the documented request schema).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from platformxe.client import Client
from platformxe.client._custom_events import CustomEvents
from platformxe.client._federation import Federation
from platformxe.client._marketplace import Marketplace
from platformxe.client._subscriptions import Subscriptions
from platformxe.registry.app import api_routes
from platformxe.registry.bus.signing import new_secret
from platformxe.registry.cursors import encode_opaque_cursor
from platformxe.registry.openapi import document

DOC = document(api_routes())
METHODS = ("get", "post", "put", "patch", "delete")
SCHEMA = {"type": "object", "properties": {"propertyId": {"type": "string", "maxLength": 64}}}
NS, NAME = "lettings", "property.favorited"
LISTING_ID = "lst_0123456789abcdef01234567"
SUB_ID, EVENT_ID = "sub_0123456789abcdef01234567", "evt_0123456789abcdef0123456789abcdef"
GROUP_ID, INVITATION_ID = "fgr_0123456789abcdef01234567", "fin_0123456789abcdef01234567"
PUSH_ID, PEER_ID = "fpu_0123456789abcdef01234567", "fhp_0123456789abcdef01234567"

#: A nextCursor as the registry makes them (subscriptions and listings share the form).
OPAQUE_CURSOR = encode_opaque_cursor("2026-05-04T10:00:00.123456Z", SUB_ID)

#: operationId → the SDK call serving it.
CALLS: dict[str, Callable[[Client], Any]] = {
    "healthz": lambda c: c.healthz(),
    "openapi": lambda c: c.openapi(),
    "dryRun": lambda c: c.events.custom.dry_run(
        namespace=NS, name=NAME, version="1.0.0", payload_schema=SCHEMA, status="draft"
    ),
    "dryRunBatch": lambda c: c.events.custom.dry_run_batch(
        [{"namespace": NS, "name": NAME, "version": "1.0.0", "payloadSchema": SCHEMA}]
    ),
    "register": lambda c: c.events.custom.register(
        namespace=NS, name=NAME, version="1.0.0", payload_schema=SCHEMA, description="d"
    ),
    "listRegistrations": lambda c: c.events.custom.list(
        namespace=NS, name=NAME, status="published", limit=10, cursor=f"{NS}/{NAME}/1.0.0"
    ),
    "getRegistration": lambda c: c.events.custom.get(namespace=NS, name=NAME, version="1.0.0"),
    "updateRegistration": lambda c: c.events.custom.update(
        namespace=NS, name=NAME, version="1.0.0", status="archived", description=None
    ),
    "archiveRegistration": lambda c: c.events.custom.archive(namespace=NS, name=NAME, version="1.0.0"),
    "getRegistrationUsage": lambda c: c.events.custom.usage(namespace=NS, name=NAME, version="latest"),
    "emit": lambda c: c.events.custom.emit(
        name=f"{NS}.{NAME}", payload={"propertyId": "p"}, version="1.0.0", idempotency_key="k-1"
    ),
    "health": lambda c: c.events.custom.health(),
    "lifecycleEvents": lambda c: c.events.custom.lifecycle_events(cursor="12", limit=5),
    "getEventPolicy": lambda c: c.events.custom.get_policy(namespace=NS, name=NAME),
    "setEventPolicy": lambda c: c.events.custom.set_policy(
        namespace=NS, name=NAME, compatibility_policy="lenient"
    ),
    "publishListing": lambda c: c.events.custom.marketplace.publish(
        namespace=NS, name=NAME, version="1.0.0", title="Favorites", summary="s", tags=["crm"]
    ),
    "browseListings": lambda c: c.events.custom.marketplace.list(
        q="favourites", namespace=NS, tag="crm", limit=10, cursor=OPAQUE_CURSOR
    ),
    "getListing": lambda c: c.events.custom.marketplace.get(LISTING_ID),
    "unpublishListing": lambda c: c.events.custom.marketplace.unpublish(LISTING_ID),
    "forkListing": lambda c: c.events.custom.marketplace.fork(LISTING_ID, namespace=NS),
    "createFederationGroup": lambda c: c.events.custom.federation.create_group(name="partners"),
    "listFederationGroups": lambda c: c.events.custom.federation.list_groups(limit=10, cursor=OPAQUE_CURSOR),
    "getFederationGroup": lambda c: c.events.custom.federation.get_group(GROUP_ID),
    "deleteFederationGroup": lambda c: c.events.custom.federation.delete_group(GROUP_ID),
    "inviteToFederationGroup": lambda c: c.events.custom.federation.invite(
        GROUP_ID, organization_id="org_0123456789abcdef"
    ),
    "listFederationGroupInvitations": lambda c: c.events.custom.federation.list_group_invitations(
        GROUP_ID, status="accepted", limit=5
    ),
    "leaveFederationGroup": lambda c: c.events.custom.federation.leave_group(GROUP_ID),
    "declareFederationPush": lambda c: c.events.custom.federation.declare_push(
        GROUP_ID, event=f"{NS}.{NAME}@1.0.0"
    ),
    "listFederationPushes": lambda c: c.events.custom.federation.list_pushes(GROUP_ID, limit=5),
    "removeFederationPush": lambda c: c.events.custom.federation.remove_push(GROUP_ID, PUSH_ID),
    "addFederationHttpsPeer": lambda c: c.events.custom.federation.add_https_peer(
        GROUP_ID, url="https://hooks.example.com/peer", description="partner"
    ),
    "listFederationHttpsPeers": lambda c: c.events.custom.federation.list_https_peers(GROUP_ID),
    "removeFederationHttpsPeer": lambda c: c.events.custom.federation.remove_https_peer(GROUP_ID, PEER_ID),
    "listFederationInvitations": lambda c: c.events.custom.federation.list_invitations(status="all"),
    "getFederationInvitation": lambda c: c.events.custom.federation.get_invitation(INVITATION_ID),
    "revokeFederationInvitation": lambda c: c.events.custom.federation.revoke_invitation(INVITATION_ID),
    "acceptFederationInvitation": lambda c: c.events.custom.federation.accept_invitation(INVITATION_ID),
    "declineFederationInvitation": lambda c: c.events.custom.federation.decline_invitation(INVITATION_ID),
    "getEmit": lambda c: c.events.custom.get_emit(EVENT_ID),
    "replayEmit": lambda c: c.events.custom.replay_emit(EVENT_ID),
    "createSubscription": lambda c: c.events.custom.subscriptions.create(
        url="https://hooks.example.com/px", events=[f"{NS}.{NAME}@1.0.0"], description="d"
    ),
    "listSubscriptions": lambda c: c.events.custom.subscriptions.list(limit=10, cursor=OPAQUE_CURSOR),
    "getSubscription": lambda c: c.events.custom.subscriptions.get(SUB_ID),
    "updateSubscription": lambda c: c.events.custom.subscriptions.update(SUB_ID, enabled=False),
    "deleteSubscription": lambda c: c.events.custom.subscriptions.delete(SUB_ID),
    "rotateSubscriptionSecret": lambda c: c.events.custom.subscriptions.rotate_secret(SUB_ID),
    "replaySubscription": lambda c: c.events.custom.subscriptions.replay(SUB_ID, "2026-12-01T00:00:00Z"),
}
GENERIC = "platformxe.generic@1.0.0"
#: More calls of the same operations with the other shapes their bodies take (each is checked
#: like the ones above: what the SDK sends is what the operation accepts).
MORE_CALLS: list[tuple[str, Callable[[Client], Any]]] = [
    (
        "createSubscription",
        lambda c: c.events.custom.subscriptions.create(
            kind="workflow", events=[GENERIC], workflow={"emit": f"{NS}.{NAME}", "payloadPointer": "/order"}
        ),
    ),
    (
        "createSubscription",
        lambda c: c.events.custom.subscriptions.create(
            url="http://[::1]:8080/hook?x=1",
            events=[GENERIC],
            kinds=["user.signed_up"],
            secret=new_secret(),
            enabled=False,
        ),
    ),
    (
        "updateSubscription",
        lambda c: c.events.custom.subscriptions.update(
            SUB_ID,
            url="https://hooks.example.com/v2",
            events=[f"{NS}.{NAME}@1.0.0"],
            kinds=None,
            description=None,
        ),
    ),
    (
        "forkListing",
        lambda c: c.events.custom.marketplace.fork(LISTING_ID, namespace=NS, name="fav", version="2.0.0"),
    ),
    (
        "publishListing",
        lambda c: c.events.custom.marketplace.publish(
            namespace=NS, name=NAME, version="1.0.0", title="Favourites"
        ),
    ),
    ("listSubscriptions", lambda c: c.events.custom.subscriptions.list()),
    ("browseListings", lambda c: c.events.custom.marketplace.list()),
]
#: Public SDK methods that are conveniences over an operation above, not operations of their own.
CONVENIENCES = {
    "iter_all": "listRegistrations",
    "list_all": "listRegistrations",
    "iter_lifecycle_events": "lifecycleEvents",
    "dryRun": "dryRun",
}
#: The same for ``client.events.custom.marketplace`` (method → operation).
MARKETPLACE_METHODS = {
    "publish": "publishListing",
    "list": "browseListings",
    "browse": "browseListings",
    "iter_all": "browseListings",
    "get": "getListing",
    "unpublish": "unpublishListing",
    "fork": "forkListing",
}
#: The same for ``client.events.custom.federation`` (method → operation; camelCase spellings too).
FEDERATION_METHODS = {
    "create_group": "createFederationGroup",
    "list_groups": "listFederationGroups",
    "iter_groups": "listFederationGroups",
    "get_group": "getFederationGroup",
    "delete_group": "deleteFederationGroup",
    "invite": "inviteToFederationGroup",
    "list_group_invitations": "listFederationGroupInvitations",
    "list_invitations": "listFederationInvitations",
    "get_invitation": "getFederationInvitation",
    "accept_invitation": "acceptFederationInvitation",
    "decline_invitation": "declineFederationInvitation",
    "revoke_invitation": "revokeFederationInvitation",
    "leave_group": "leaveFederationGroup",
    "declare_push": "declareFederationPush",
    "list_pushes": "listFederationPushes",
    "remove_push": "removeFederationPush",
    "add_https_peer": "addFederationHttpsPeer",
    "list_https_peers": "listFederationHttpsPeers",
    "remove_https_peer": "removeFederationHttpsPeer",
}
FEDERATION_METHODS |= {
    "".join(w if i == 0 else w.title() for i, w in enumerate(m.split("_"))): op
    for m, op in FEDERATION_METHODS.items()
    if "_" in m and m != "iter_groups"
}
#: The same for ``client.events.custom.subscriptions`` (method → operation).
SUBSCRIPTION_METHODS = {
    "create": "createSubscription",
    "list": "listSubscriptions",
    "iter_all": "listSubscriptions",
    "get": "getSubscription",
    "update": "updateSubscription",
    "delete": "deleteSubscription",
    "rotate_secret": "rotateSubscriptionSecret",
    "rotateSecret": "rotateSubscriptionSecret",
    "replay": "replaySubscription",
}


def _operations() -> dict[str, tuple[str, str, dict[str, Any]]]:
    out = {}
    for path, item in DOC["paths"].items():
        for method in METHODS:
            if method in item:
                # Parameters may sit on the path item (shared) and on the operation.
                operation = {**item[method]}
                operation["parameters"] = [*item.get("parameters", []), *operation.get("parameters", [])]
                out[operation["operationId"]] = (method.upper(), path, operation)
    return out


OPERATIONS = _operations()


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    registry = Registry().with_resource(
        "urn:doc", Resource.from_contents(DOC, default_specification=DRAFT202012)
    )
    absolute = json.loads(json.dumps(schema).replace('"#/components/', '"urn:doc#/components/'))
    return Draft202012Validator(absolute, registry=registry)


def _answer(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if (
        "/federation/" in path
        and request.method == "GET"
        and not path.split("/")[-1].startswith(("fgr_", "fin_"))
    ):
        return httpx.Response(200, json={"items": [], "nextCursor": None})
    if path.endswith("/marketplace/listings") and request.method == "GET":
        return httpx.Response(200, json={"items": [], "nextCursor": None})
    if path.endswith("/lifecycle-events") or (path.endswith("/registrations") and request.method == "GET"):
        return httpx.Response(200, json={"items": [], "nextCursor": None})
    if path.endswith("/dry-run/batch"):
        return httpx.Response(200, json={"results": [{"verdict": {"valid": True}}]})
    if path == "/v1/openapi.json":
        return httpx.Response(200, json=DOC)
    return httpx.Response(200, json={"organizationId": "org_1", "status": "ok"})


def _sent(call: Callable[[Client], Any]) -> httpx.Request:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return _answer(request)

    client = Client("http://registry.test", "pxe_k", transport=httpx.MockTransport(handler))
    call(client)
    return requests[-1]


def test_every_operation_has_an_sdk_call_and_every_call_an_operation() -> None:
    assert set(CALLS) == set(OPERATIONS), (
        "operations without an SDK call: "
        f"{sorted(set(OPERATIONS) - set(CALLS))}; SDK calls without an operation: "
        f"{sorted(set(CALLS) - set(OPERATIONS))}"
    )


def test_every_public_sdk_method_is_an_operation_or_a_named_convenience() -> None:
    public = {m for m in vars(CustomEvents) if not m.startswith("_") and callable(getattr(CustomEvents, m))}
    named = {
        "register",
        "dry_run",
        "dry_run_batch",
        "dryRunBatch",
        "get",
        "list",
        "update",
        "usage",
        "archive",
        "emit",
        "health",
    }
    named |= {"lifecycle_events", "get_emit", "replay_emit", "getEmit", "replayEmit"}
    named |= {"get_policy", "set_policy", "getPolicy", "setPolicy"}
    assert public == named | set(CONVENIENCES), sorted(public ^ (named | set(CONVENIENCES)))
    assert set(CONVENIENCES.values()) <= set(OPERATIONS)
    subscriptions = {
        m for m in vars(Subscriptions) if not m.startswith("_") and callable(getattr(Subscriptions, m))
    }
    assert subscriptions == set(SUBSCRIPTION_METHODS), sorted(subscriptions ^ set(SUBSCRIPTION_METHODS))
    assert set(SUBSCRIPTION_METHODS.values()) <= set(OPERATIONS)
    marketplace = {
        m for m in vars(Marketplace) if not m.startswith("_") and callable(getattr(Marketplace, m))
    }
    assert marketplace == set(MARKETPLACE_METHODS), sorted(marketplace ^ set(MARKETPLACE_METHODS))
    assert set(MARKETPLACE_METHODS.values()) <= set(OPERATIONS)
    federation = {m for m in vars(Federation) if not m.startswith("_") and callable(getattr(Federation, m))}
    assert federation == set(FEDERATION_METHODS), sorted(federation ^ set(FEDERATION_METHODS))
    assert set(FEDERATION_METHODS.values()) == {o for o in OPERATIONS if "Federation" in o}


@pytest.mark.parametrize(
    ("operation_id", "call"),
    [*sorted(CALLS.items()), *MORE_CALLS],
    ids=[*sorted(CALLS), *(f"{op}-{i}" for i, (op, _) in enumerate(MORE_CALLS))],
)
def test_the_sdk_call_sends_what_the_operation_accepts(
    operation_id: str, call: Callable[[Client], Any]
) -> None:
    method, template, operation = OPERATIONS[operation_id]
    request = _sent(call)
    assert request.method == method
    params = {p["name"]: p for p in operation.get("parameters", [])}
    # The path: each {placeholder} filled with a value its documented pattern accepts.
    names = re.findall(r"\{(\w+)\}", template)
    regex = re.escape(template)
    for name in names:
        regex = regex.replace(re.escape("{" + name + "}"), "([^/]+)")
    match = re.fullmatch(regex, request.url.path)
    assert match is not None, f"{request.url.path} is not {template}"
    for name, raw in zip(names, match.groups(), strict=True):
        errors = list(_validator(params[name]["schema"]).iter_errors(unquote(raw)))
        assert not errors, (name, unquote(raw), [e.message for e in errors])
    # The query: only documented parameters, each valid per its schema.
    for name, value in request.url.params.multi_items():
        assert name in params and params[name]["in"] == "query", f"undocumented query parameter {name}"
        schema = params[name]["schema"]
        typed: Any = int(value) if schema.get("type") == "integer" else value
        errors = list(_validator(schema).iter_errors(typed))
        assert not errors, (name, value, [e.message for e in errors])
    # The body: present exactly when documented, valid against the documented schema.
    if "requestBody" in operation:
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        body = json.loads(request.content)
        errors = list(_validator(schema).iter_errors(body))
        assert not errors, [e.message for e in errors]
    else:
        assert not request.content
