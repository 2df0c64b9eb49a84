"""Federation against a real server with its embedded bus (docs/federation.md): groups, invitations,
memberships, pushes and HTTPS peers; the fan-out of an owner's emit to peers' own subscriptions;
what a peer lacking the version, an exhausted peer quota, leaving and removing a push do; 402 per
plan; and isolation — another organisation's ids are 404 and a peer sees only what is pushed to it."""

from __future__ import annotations

import json
import time
import uuid
from contextlib import ExitStack
from typing import Any

import httpx
import pytest
from bus_helpers import SCHEMA, emit, subscribe, wait_status
from test_registry_openapi import _validate
from test_registry_plans import seed_accepted_emits

from platformxe import Client, verify_webhook
from platformxe.client import EventNotRegistered, FederationConflict, NotFound, PlanUpgradeRequired
from platformxe.registry.app import api_routes
from platformxe.registry.clock import month_of, now_text
from platformxe.registry.openapi import document
from platformxe.registry.storage import emits as emit_rows
from platformxe.registry.storage import open_store
from support.registry_data import error_of, register
from support.webhook_receiver import WebhookReceiver

GROUPS = "/federation/groups"
INVITATIONS = "/federation/invitations"
EVENT = "order.placed"
OPENAPI = document(api_routes())
BASE = "/v1/events/custom"


def _ok(response: httpx.Response, status: int, template: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    if template is not None:
        _validate(OPENAPI, BASE + template, response.request.method.lower(), response)
    return dict(response.json())


def lifecycle(client: httpx.Client) -> list[dict[str, Any]]:
    """The organisation's whole lifecycle log (no cursor on the first page)."""
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 500}
    while True:
        page = _ok(client.get("/lifecycle-events", params=params), 200)
        items += page["items"]
        if not page["nextCursor"]:
            return items
        params["cursor"] = page["nextCursor"]


def _types(client: httpx.Client) -> list[str]:
    return [e["type"] for e in lifecycle(client)]


class Federation:
    """An Enterprise owner with ``<slug>.order.placed@1.0.0`` and an Enterprise peer allowed to register
    the same name; both clients are closed by the ``ExitStack``."""

    def __init__(self, server: Any, stack: ExitStack, peer_plan: str = "enterprise") -> None:
        self.server = server
        self.owner_org = server.new_org("enterprise", "own")
        self.peer_org = server.new_org(peer_plan, "peer")
        self.owner = stack.enter_context(server.client(self.owner_org["apiKey"]))
        self.peer = stack.enter_context(server.client(self.peer_org["apiKey"]))
        self.namespace = self.owner_org["slug"]
        self.ref = f"{self.namespace}.{EVENT}@1.0.0"
        register(self.owner, self.namespace, EVENT, "1.0.0", payloadSchema=SCHEMA)
        server.admin("namespace", "grant", "--org", self.peer_org["slug"], "--namespace", self.namespace)

    def peer_registers(self) -> None:
        register(self.peer, self.namespace, EVENT, "1.0.0", payloadSchema=SCHEMA)

    def group(self, name: str = "partners") -> dict[str, Any]:
        return _ok(self.owner.post(GROUPS, json={"name": name}), 201, "/federation/groups")

    def invite(self, group_id: str) -> dict[str, Any]:
        body = {"organizationId": self.peer_org["organizationId"]}
        return _ok(
            self.owner.post(f"{GROUPS}/{group_id}/invitations", json=body),
            201,
            "/federation/groups/{id}/invitations",
        )

    def join(self) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        """(group, accepted invitation, push) with the peer a member and the owner's ref pushed."""
        group = self.group()
        invitation = self.invite(group["id"])
        accepted = _ok(
            self.peer.post(f"{INVITATIONS}/{invitation['id']}/accept"),
            200,
            "/federation/invitations/{id}/accept",
        )
        push = _ok(
            self.owner.post(f"{GROUPS}/{group['id']}/pushes", json={"event": self.ref}),
            201,
            "/federation/groups/{id}/pushes",
        )
        return group, accepted, push

    @property
    def peer_canonical(self) -> str:
        return f"TENANT_CUSTOM:{self.peer_org['organizationId']}:{self.ref}"


def _federated(detail: dict[str, Any]) -> list[dict[str, Any]]:
    return [d for d in detail["deliveries"] if "federation" in d]


def test_full_path_the_peer_receives_the_owner_emit_once_with_causation(bus_server) -> None:
    with ExitStack() as stack:
        fed = Federation(bus_server, stack)
        fed.peer_registers()
        rx = stack.enter_context(WebhookReceiver())
        group = fed.group()
        assert group["id"].startswith("fgr_") and group["role"] == "owner" and group["memberCount"] == 0
        invitation = fed.invite(group["id"])
        assert invitation["id"].startswith("fin_") and invitation["status"] == "pending"
        # The invitee finds it among its pending invitations (and the group is not visible to it yet).
        pending = _ok(fed.peer.get(INVITATIONS), 200, "/federation/invitations")
        assert [i["id"] for i in pending["items"]] == [invitation["id"]]
        assert pending["items"][0]["groupName"] == "partners"
        assert error_of(fed.peer.get(f"{GROUPS}/{group['id']}"))["code"] == "not_found"
        accepted = _ok(fed.peer.post(f"{INVITATIONS}/{invitation['id']}/accept"), 200)
        assert accepted["status"] == "accepted"
        assert _ok(fed.peer.get(INVITATIONS), 200)["items"] == []
        member_view = _ok(fed.peer.get(f"{GROUPS}/{group['id']}"), 200, "/federation/groups/{id}")
        assert member_view["role"] == "member" and member_view["memberCount"] == 1
        push = _ok(fed.owner.post(f"{GROUPS}/{group['id']}/pushes", json={"event": fed.ref}), 201)
        assert push["event"] == fed.ref and push["id"].startswith("fpu_")
        owner_list = _ok(
            fed.owner.get(f"{GROUPS}/{group['id']}/invitations"), 200, "/federation/groups/{id}/invitations"
        )
        assert [(i["id"], i["status"]) for i in owner_list["items"]] == [(invitation["id"], "accepted")]
        for side in (fed.owner, fed.peer):
            seen = _ok(side.get(f"{INVITATIONS}/{invitation['id']}"), 200, "/federation/invitations/{id}")
            assert seen["status"] == "accepted"
        # The member sees what is pushed to it.
        pushes = _ok(fed.peer.get(f"{GROUPS}/{group['id']}/pushes"), 200, "/federation/groups/{id}/pushes")
        assert [p["event"] for p in pushes["items"]] == [fed.ref]
        sub = subscribe(fed.peer, rx.url, fed.ref)
        before = fed.peer.get("/health").json()["emits"]["thisMonth"]

        original = emit(fed.owner, fed.ref, {"n": 1})
        [got] = rx.wait_for(1)
        settled = wait_status(fed.owner, original["eventId"], "DELIVERED", "FAILED")
        assert settled["deliveryStatus"] == "DELIVERED", settled
        [delivery] = _federated(settled)
        assert delivery["federation"]["kind"] == "organization"
        assert delivery["federation"]["organizationId"] == fed.peer_org["organizationId"]
        assert delivery["federation"]["groupId"] == group["id"]
        assert delivery["federation"]["outcome"] == "relayed"
        relayed_id = delivery["federation"]["relayedEventId"]
        _validate(OPENAPI, BASE + "/emits/{eventId}", "get", fed.owner.get(f"/emits/{original['eventId']}"))

        # The peer's own subscription got the peer's event: its canonical name, one chain step deeper.
        body = verify_webhook(sub["secret"], got.headers, got.body)
        assert body["eventId"] == relayed_id != original["eventId"]
        assert body["canonicalName"] == fed.peer_canonical
        assert body["organizationId"] == fed.peer_org["organizationId"]
        assert body["payload"] == {"n": 1} and body["chainDepth"] == 1
        peer_event = wait_status(fed.peer, relayed_id, "DELIVERED")
        assert peer_event["causationId"] == original["eventId"] and peer_event["chainDepth"] == 1
        # Counted against the peer's monthly emits.
        assert fed.peer.get("/health").json()["emits"]["thisMonth"] == before + 1
        time.sleep(0.5)
        assert len(rx.requests) == 1  # once

        owner_types, peer_log = _types(fed.owner), lifecycle(fed.peer)
        for t in ("GROUP_CREATED", "INVITATION_SENT", "INVITATION_ACCEPTED", "PUSH_DECLARED", "RELAYED"):
            assert f"CUSTOM_EVENT_FEDERATION_{t}" in owner_types, t
        peer_types = [e["type"] for e in peer_log]
        for t in ("INVITATION_SENT", "INVITATION_ACCEPTED", "RELAYED"):
            assert f"CUSTOM_EVENT_FEDERATION_{t}" in peer_types, t
        # The peer's log is its own: never the owner's group creation or push declaration.
        assert "CUSTOM_EVENT_FEDERATION_GROUP_CREATED" not in peer_types
        assert "CUSTOM_EVENT_FEDERATION_PUSH_DECLARED" not in peer_types
        assert all(e["organizationId"] == fed.peer_org["organizationId"] for e in peer_log)
        [requested] = [
            e
            for e in peer_log
            if e["type"] == "CUSTOM_EVENT_EMIT_REQUESTED" and e["data"]["eventId"] == relayed_id
        ]
        assert requested["data"]["federatedFrom"]["eventId"] == original["eventId"]


def test_an_https_peer_gets_a_signed_delivery_and_its_secret_is_shown_once(bus_server) -> None:
    with ExitStack() as stack:
        fed = Federation(bus_server, stack)
        rx = stack.enter_context(WebhookReceiver())
        group = fed.group()
        _ok(fed.owner.post(f"{GROUPS}/{group['id']}/pushes", json={"event": fed.ref}), 201)
        peer = _ok(
            fed.owner.post(
                f"{GROUPS}/{group['id']}/https-peers", json={"url": rx.url, "description": "partner"}
            ),
            201,
            "/federation/groups/{id}/https-peers",
        )
        assert peer["id"].startswith("fhp_") and peer["secret"].startswith("whsec_")
        listed = _ok(
            fed.owner.get(f"{GROUPS}/{group['id']}/https-peers"), 200, "/federation/groups/{id}/https-peers"
        )
        assert [p["id"] for p in listed["items"]] == [peer["id"]]
        assert "secret" not in listed["items"][0]
        assert peer["secret"] not in json.dumps(lifecycle(fed.owner))
        # Never logged (the server's own log file).
        assert peer["secret"] not in bus_server.log_path.read_text(encoding="utf-8", errors="replace")

        original = emit(fed.owner, fed.ref, {"n": 2})
        [got] = rx.wait_for(1)
        body = verify_webhook(peer["secret"], got.headers, got.body)
        assert body["eventId"] == original["eventId"] and body["payload"] == {"n": 2}
        assert got.headers["webhook-id"] == original["eventId"]
        settled = wait_status(fed.owner, original["eventId"], "DELIVERED")
        [delivery] = _federated(settled)
        assert delivery["subscriptionId"] == peer["id"]
        assert delivery["federation"] == {
            "kind": "https",
            "httpsPeerId": peer["id"],
            "outcome": "delivered",
            "relayedEventId": None,
        }
        assert delivery["attempts"][0]["statusCode"] == 200
        # Removed: the next emit goes nowhere.
        _ok(fed.owner.delete(f"{GROUPS}/{group['id']}/https-peers/{peer['id']}"), 200)
        later = emit(fed.owner, fed.ref, {"n": 3})
        assert wait_status(fed.owner, later["eventId"], "DELIVERED")["deliveries"] == []
        types = _types(fed.owner)
        assert "CUSTOM_EVENT_FEDERATION_HTTPS_PEER_ADDED" in types
        assert "CUSTOM_EVENT_FEDERATION_HTTPS_PEER_REMOVED" in types


def test_an_https_peer_is_retried_on_the_webhook_schedule_then_failed(bus_server) -> None:
    with ExitStack() as stack:
        fed = Federation(bus_server, stack)
        rx = stack.enter_context(WebhookReceiver())
        rx.respond(500, times=10)
        group = fed.group()
        _ok(fed.owner.post(f"{GROUPS}/{group['id']}/pushes", json={"event": fed.ref}), 201)
        _ok(fed.owner.post(f"{GROUPS}/{group['id']}/https-peers", json={"url": rx.url}), 201)
        original = emit(fed.owner, fed.ref, {"n": 4})
        settled = wait_status(fed.owner, original["eventId"], "FAILED")
        [delivery] = _federated(settled)
        # The bus server's schedule has three attempts (0, 0.2, 0.2 s).
        assert [a["statusCode"] for a in delivery["attempts"]] == [500, 500, 500]
        assert delivery["federation"]["outcome"] == "failed"
        failed = [e for e in lifecycle(fed.owner) if e["type"] == "CUSTOM_EVENT_FEDERATION_RELAY_FAILED"]
        assert failed and failed[-1]["data"]["eventId"] == original["eventId"]


def test_a_peer_without_the_version_is_recorded_never_dropped_and_a_replay_relays_once_registered(
    bus_server,
) -> None:
    with ExitStack() as stack:
        fed = Federation(bus_server, stack)
        fed.join()
        original = emit(fed.owner, fed.ref, {"n": 5})
        settled = wait_status(fed.owner, original["eventId"], "FAILED")
        [delivery] = _federated(settled)
        assert delivery["status"] == "FAILED" and len(delivery["attempts"]) == 1
        assert delivery["federation"]["outcome"] == "peer_not_registered"
        assert "event_not_registered" in delivery["attempts"][0]["error"]
        # Never creates the peer's registration.
        missing = fed.peer.get(f"/registrations/{fed.namespace}/{EVENT}/versions/1.0.0")
        assert error_of(missing)["code"] == "event_not_registered"
        peer_failed = [e for e in lifecycle(fed.peer) if e["type"] == "CUSTOM_EVENT_FEDERATION_RELAY_FAILED"]
        assert peer_failed and peer_failed[-1]["data"]["outcome"] == "peer_not_registered"
        assert peer_failed[-1]["data"]["eventId"] == original["eventId"]
        # Once registered, a replay of the owner's emit relays it.
        fed.peer_registers()
        assert fed.owner.post(f"/emits/{original['eventId']}/replay").json()["queued"] == 1
        settled = wait_status(fed.owner, original["eventId"], "DELIVERED")
        assert _federated(settled)[0]["federation"]["outcome"] == "relayed"


def test_an_exhausted_peer_quota_fails_that_peer_with_the_code_and_is_not_retried(bus_server) -> None:
    with ExitStack() as stack:
        fed = Federation(bus_server, stack)
        fed.peer_registers()
        fed.join()
        # A peer downgraded after joining follows its new plan's emit rules: Basic allows 10,000 a month.
        bus_server.admin("plan", "set", "--org", fed.peer_org["slug"], "--plan", "basic")
        seed_accepted_emits(bus_server.db, fed.peer_org["organizationId"], 10_000)
        original = emit(fed.owner, fed.ref, {"n": 6})
        settled = wait_status(fed.owner, original["eventId"], "FAILED")
        [delivery] = _federated(settled)
        assert delivery["federation"]["outcome"] == "peer_quota_exceeded"
        assert len(delivery["attempts"]) == 1 and delivery["nextAttemptAt"] is None
        assert "monthly_emit_quota_exceeded" in delivery["attempts"][0]["error"]
        assert fed.peer.get("/health").json()["emits"]["thisMonth"] == 10_000


def test_leaving_removing_the_push_or_deleting_the_group_stops_pushes_at_once(bus_server) -> None:
    with ExitStack() as stack:
        fed = Federation(bus_server, stack)
        fed.peer_registers()
        group, invitation, push = fed.join()

        def relayed_to_peer() -> bool:
            event = emit(fed.owner, fed.ref, {"n": 7})
            settled = wait_status(fed.owner, event["eventId"], "DELIVERED", "FAILED")
            return bool(_federated(settled))

        assert relayed_to_peer()
        left = _ok(fed.peer.post(f"{GROUPS}/{group['id']}/leave"), 200, "/federation/groups/{id}/leave")
        assert left["status"] == "left" and left["id"] == invitation["id"]
        count = fed.peer.get("/health").json()["emits"]["thisMonth"]
        assert not relayed_to_peer()
        assert fed.peer.get("/health").json()["emits"]["thisMonth"] == count
        assert error_of(fed.peer.get(f"{GROUPS}/{group['id']}"))["code"] == "not_found"
        assert "CUSTOM_EVENT_FEDERATION_MEMBER_LEFT" in _types(fed.owner)
        # Invited again and accepted: pushed again; the owner removes the push: not pushed.
        again = fed.invite(group["id"])
        _ok(fed.peer.post(f"{INVITATIONS}/{again['id']}/accept"), 200)
        assert relayed_to_peer()
        _ok(fed.owner.delete(f"{GROUPS}/{group['id']}/pushes/{push['id']}"), 200)
        assert not relayed_to_peer()
        # Declared again, then the group is deleted: not pushed, and the group is gone for both.
        _ok(fed.owner.post(f"{GROUPS}/{group['id']}/pushes", json={"event": fed.ref}), 201)
        assert relayed_to_peer()
        _ok(fed.owner.delete(f"{GROUPS}/{group['id']}"), 200, "/federation/groups/{id}")
        assert not relayed_to_peer()
        assert error_of(fed.owner.get(f"{GROUPS}/{group['id']}"))["code"] == "not_found"
        assert "CUSTOM_EVENT_FEDERATION_GROUP_DELETED" in _types(fed.peer)


def test_a_declined_or_revoked_invitation_pushes_nothing(bus_server) -> None:
    with ExitStack() as stack:
        fed = Federation(bus_server, stack)
        fed.peer_registers()
        group = fed.group()
        _ok(fed.owner.post(f"{GROUPS}/{group['id']}/pushes", json={"event": fed.ref}), 201)
        first = fed.invite(group["id"])
        declined = _ok(fed.peer.post(f"{INVITATIONS}/{first['id']}/decline"), 200)
        assert declined["status"] == "declined"
        again = error_of(fed.peer.post(f"{INVITATIONS}/{first['id']}/accept"))
        assert again["code"] == "federation_conflict" and again["details"]["status"] == "declined"
        event = emit(fed.owner, fed.ref, {"n": 8})
        assert wait_status(fed.owner, event["eventId"], "DELIVERED")["deliveries"] == []
        second = fed.invite(group["id"])
        _ok(fed.peer.post(f"{INVITATIONS}/{second['id']}/accept"), 200)
        revoked = _ok(fed.owner.delete(f"{INVITATIONS}/{second['id']}"), 200, "/federation/invitations/{id}")
        assert revoked["status"] == "revoked"
        event = emit(fed.owner, fed.ref, {"n": 9})
        assert wait_status(fed.owner, event["eventId"], "DELIVERED")["deliveries"] == []
        peer_types = _types(fed.peer)
        assert "CUSTOM_EVENT_FEDERATION_INVITATION_DECLINED" in peer_types
        assert "CUSTOM_EVENT_FEDERATION_INVITATION_REVOKED" in peer_types


def test_only_enterprise_creates_joins_or_pushes_402_naming_the_plan(registry_server) -> None:
    pro = registry_server.new_org("pro", "pro")
    owner = registry_server.new_org("enterprise", "ent")
    with registry_server.client(pro["apiKey"]) as low, registry_server.client(owner["apiKey"]) as high:
        refused = low.post(GROUPS, json={"name": "mine"})
        assert refused.status_code == 402
        _validate(OPENAPI, BASE + "/federation/groups", "post", refused)
        error = error_of(refused)
        assert error["code"] == "plan_upgrade_required" and error["details"]["field"] == "plan"
        assert error["details"]["plan"] == "pro" and error["details"]["requiredPlans"] == ["enterprise"]
        assert "Enterprise" in error["message"]
        group = _ok(high.post(GROUPS, json={"name": "g"}), 201)
        # A non-Enterprise organisation may be invited (documented) but cannot accept; it may decline.
        invitation = _ok(
            high.post(f"{GROUPS}/{group['id']}/invitations", json={"organizationId": pro["organizationId"]}),
            201,
        )
        accept = low.post(f"{INVITATIONS}/{invitation['id']}/accept")
        assert accept.status_code == 402 and error_of(accept)["code"] == "plan_upgrade_required"
        assert low.get(f"{INVITATIONS}/{invitation['id']}").json()["status"] == "pending"
        assert _ok(low.post(f"{INVITATIONS}/{invitation['id']}/decline"), 200)["status"] == "declined"
        # An owner downgraded later cannot push or add HTTPS peers.
        registry_server.admin("plan", "set", "--org", owner["slug"], "--plan", "pro")
        register(high, owner["slug"], EVENT, "1.0.0", payloadSchema=SCHEMA)
        push = high.post(f"{GROUPS}/{group['id']}/pushes", json={"event": f"{owner['slug']}.{EVENT}@1.0.0"})
        assert push.status_code == 402 and error_of(push)["details"]["requiredPlans"] == ["enterprise"]


def test_another_organisations_ids_are_404_and_members_only_read(bus_server) -> None:
    with ExitStack() as stack:
        fed = Federation(bus_server, stack)
        stranger_org = bus_server.new_org("enterprise", "str")
        stranger = stack.enter_context(bus_server.client(stranger_org["apiKey"]))
        group, invitation, push = fed.join()
        url = "http://127.0.0.1:9/h"
        hp = _ok(fed.owner.post(f"{GROUPS}/{group['id']}/https-peers", json={"url": url}), 201)
        g = f"{GROUPS}/{group['id']}"
        calls = [
            ("GET", g, None),
            ("DELETE", g, None),
            ("POST", g + "/invitations", {"organizationId": stranger_org["organizationId"]}),
            ("GET", g + "/invitations", None),
            ("POST", g + "/leave", None),
            ("POST", g + "/pushes", {"event": fed.ref}),
            ("GET", g + "/pushes", None),
            ("DELETE", f"{g}/pushes/{push['id']}", None),
            ("POST", g + "/https-peers", {"url": "http://127.0.0.1:9/other"}),
            ("GET", g + "/https-peers", None),
            ("DELETE", f"{g}/https-peers/{hp['id']}", None),
            ("GET", f"{INVITATIONS}/{invitation['id']}", None),
            ("DELETE", f"{INVITATIONS}/{invitation['id']}", None),
            ("POST", f"{INVITATIONS}/{invitation['id']}/accept", None),
            ("POST", f"{INVITATIONS}/{invitation['id']}/decline", None),
        ]
        for method, path, body in calls:
            answer = stranger.request(method, path, json=body)
            assert answer.status_code == 404, (method, path, answer.text)
            assert error_of(answer)["code"] == "not_found"
        assert stranger.get(GROUPS).json()["items"] == []
        # The member reads the group and its pushes, never changes it nor sees its HTTPS peers.
        for method, path, body in calls[1:3] + calls[3:4] + calls[5:6] + calls[7:11] + calls[12:13]:
            answer = fed.peer.request(method, path, json=body)
            assert answer.status_code == 404, (method, path, answer.text)
        assert [x["id"] for x in fed.peer.get(GROUPS).json()["items"]] == [group["id"]]
        assert fed.peer.get(g + "/pushes").status_code == 200
        # Nothing changed.
        assert fed.owner.get(g).json()["pushCount"] == 1 and fed.owner.get(g).json()["httpsPeerCount"] == 1


def test_a_peer_never_reads_the_owners_registrations_subscriptions_or_emits(bus_server) -> None:
    with ExitStack() as stack:
        fed = Federation(bus_server, stack)
        fed.join()
        sub = subscribe(fed.owner, "http://127.0.0.1:9/never", fed.ref)
        event = emit(fed.owner, fed.ref, {"n": 10})
        wait_status(fed.owner, event["eventId"], "DELIVERED", "FAILED")
        assert fed.peer.get(f"/registrations/{fed.namespace}/{EVENT}/versions/1.0.0").status_code == 404
        assert fed.peer.get("/registrations", params={"namespace": fed.namespace}).json()["items"] == []
        assert error_of(fed.peer.get(f"/subscriptions/{sub['id']}"))["code"] == "not_found"
        assert error_of(fed.peer.get(f"/emits/{event['eventId']}"))["code"] == "not_found"
        assert fed.peer.post(f"/emits/{event['eventId']}/replay").status_code == 404
        assert all(e["organizationId"] == fed.peer_org["organizationId"] for e in lifecycle(fed.peer))
        # causationId must be the peer's own event: the owner's id is not one.
        refused = fed.peer.post(
            "/emit", json={"name": "platformxe.generic", "payload": {}, "causationId": event["eventId"]}
        )
        assert refused.status_code == 404 and error_of(refused)["details"]["field"] == "causationId"


def test_fields_duplicates_and_conflicts(bus_server) -> None:
    with ExitStack() as stack:
        fed = Federation(bus_server, stack)
        owner = fed.owner
        for body, field in (({}, "name"), ({"name": "  "}, "name"), ({"name": "x", "extra": 1}, "extra")):
            error = error_of(owner.post(GROUPS, json=body))
            assert error["code"] == "invalid_request" and error["details"]["field"] == field, error
        group = fed.group("dup")
        dup = owner.post(GROUPS, json={"name": "dup"})
        assert dup.status_code == 409 and error_of(dup)["code"] == "federation_conflict"
        assert error_of(dup)["details"]["existingGroup"]["id"] == group["id"]
        g = f"{GROUPS}/{group['id']}"
        me = error_of(
            owner.post(g + "/invitations", json={"organizationId": fed.owner_org["organizationId"]})
        )
        assert me["code"] == "invalid_request" and me["details"]["field"] == "organizationId"
        nobody = owner.post(g + "/invitations", json={"organizationId": "org_" + "0" * 16})
        assert nobody.status_code == 404 and error_of(nobody)["details"]["field"] == "organizationId"
        # Not of an organisation id's shape (org_ + 16 hex digits, as published): 400 naming it.
        malformed = owner.post(g + "/invitations", json={"organizationId": "org_nobody"})
        assert malformed.status_code == 400 and error_of(malformed)["details"]["field"] == "organizationId"
        invitation = fed.invite(group["id"])
        twice = error_of(
            owner.post(g + "/invitations", json={"organizationId": fed.peer_org["organizationId"]})
        )
        assert twice["code"] == "federation_conflict" and twice["details"]["status"] == "pending"
        _ok(fed.peer.post(f"{INVITATIONS}/{invitation['id']}/accept"), 200)
        member = error_of(
            owner.post(g + "/invitations", json={"organizationId": fed.peer_org["organizationId"]})
        )
        assert member["code"] == "federation_conflict" and member["details"]["status"] == "accepted"
        assert (
            error_of(fed.peer.post(f"{INVITATIONS}/{invitation['id']}/accept"))["code"]
            == "federation_conflict"
        )
        for ref, code in (
            ("nodot@1.0.0", "invalid_request"),
            (f"{fed.namespace}.{EVENT}", "invalid_request"),
            (f"{fed.namespace}.{EVENT}@1.0", "invalid_version_format"),
            (f"{fed.namespace}.other@1.0.0", "event_not_registered"),
            ("platformxe.generic@1.0.0", "reserved_namespace"),
        ):
            error = error_of(owner.post(g + "/pushes", json={"event": ref}))
            assert error["code"] == code and error["details"]["field"] == "event", (ref, error)
        _ok(owner.post(g + "/pushes", json={"event": fed.ref}), 201)
        again = owner.post(g + "/pushes", json={"event": fed.ref})
        assert again.status_code == 409 and error_of(again)["code"] == "federation_conflict"
        bad_url = error_of(owner.post(g + "/https-peers", json={"url": "ftp://127.0.0.1/x"}))
        assert bad_url["code"] == "invalid_webhook_url" and bad_url["details"]["field"] == "url"
        bad_secret = error_of(
            owner.post(g + "/https-peers", json={"url": "http://127.0.0.1:9/h", "secret": "s"})
        )
        assert bad_secret["code"] == "invalid_request" and bad_secret["details"]["field"] == "secret"
        mine = "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk="
        made = _ok(owner.post(g + "/https-peers", json={"url": "http://127.0.0.1:9/h", "secret": mine}), 201)
        assert made["secret"] == mine
        dup_url = owner.post(g + "/https-peers", json={"url": "http://127.0.0.1:9/h"})
        assert dup_url.status_code == 409 and error_of(dup_url)["code"] == "federation_conflict"
        assert error_of(owner.post(g + "/leave"))["details"]["field"] == "id"
        assert error_of(owner.get(GROUPS, params={"cursor": "nope"}))["details"]["field"] == "cursor"
        assert error_of(fed.peer.get(INVITATIONS, params={"status": "maybe"}))["details"]["field"] == "status"
        # Paging: one group per page, then the end.
        fed.group("second")
        first = owner.get(GROUPS, params={"limit": 1}).json()
        assert len(first["items"]) == 1 and first["nextCursor"]
        rest = owner.get(GROUPS, params={"limit": 1, "cursor": first["nextCursor"]}).json()
        assert [i["name"] for i in first["items"] + rest["items"]] == ["dup", "second"] and rest[
            "nextCursor"
        ] is None


def _seed_event_at_depth(db: str, org_id: str, canonical: str, ref: str, depth: int) -> str:
    """An accepted emit of ``ref`` at ``depth`` written straight into the database (a long chain's end)."""
    store = open_store(db, pool_size=1)
    now = now_text()
    event_id = "evt_" + uuid.uuid4().hex
    name, _, version = ref.partition("@")
    namespace, _, short = name.partition(".")
    try:
        with store.write(org_id) as tx:
            emit_rows.insert_emit(
                tx,
                {
                    "event_id": event_id,
                    "organization_id": org_id,
                    "namespace": namespace,
                    "name": short,
                    "version": version,
                    "canonical_name": canonical,
                    "payload": json.dumps({"n": 0}),
                    "idempotency_key": None,
                    "created_at": now,
                    "month": month_of(now),
                    "chain_depth": depth,
                },
            )
    finally:
        store.close()
    return event_id


def test_the_re_emit_is_one_chain_step_deeper_and_stops_at_the_cap(bus_server) -> None:
    with ExitStack() as stack:
        fed = Federation(bus_server, stack)
        fed.peer_registers()
        fed.join()
        owner_id = fed.owner_org["organizationId"]
        canonical = f"TENANT_CUSTOM:{owner_id}:{fed.ref}"
        cause = _seed_event_at_depth(bus_server.db, owner_id, canonical, fed.ref, 49)
        # The owner's emit is at depth 50 (allowed); the peer's re-emit would be 51: refused, recorded.
        event = emit(fed.owner, fed.ref, {"n": 11}, causationId=cause)
        settled = wait_status(fed.owner, event["eventId"], "FAILED")
        assert settled["chainDepth"] == 50
        [delivery] = _federated(settled)
        assert delivery["federation"]["outcome"] == "chain_depth_exceeded"
        assert "chain_depth_exceeded" in delivery["attempts"][0]["error"]
        assert any(e["type"] == "CUSTOM_EVENT_CHAIN_TRUNCATED" for e in lifecycle(fed.peer))


def test_a_payload_the_peers_schema_refuses_is_peer_refused_with_the_code(bus_server) -> None:
    with ExitStack() as stack:
        fed = Federation(bus_server, stack)
        strict = {"type": "object", "properties": {"n": {"type": "string"}}, "required": ["n"]}
        register(fed.peer, fed.namespace, EVENT, "1.0.0", payloadSchema=strict)
        fed.join()
        event = emit(fed.owner, fed.ref, {"n": 12})
        [delivery] = _federated(wait_status(fed.owner, event["eventId"], "FAILED"))
        assert delivery["federation"]["outcome"] == "peer_refused"
        assert "payload_invalid" in delivery["attempts"][0]["error"]


def test_the_sdk_drives_federation_with_typed_errors(bus_server) -> None:
    with ExitStack() as stack:
        fed = Federation(bus_server, stack)
        fed.peer_registers()
        owner = stack.enter_context(Client(bus_server.url, fed.owner_org["apiKey"], max_retries=0))
        peer = stack.enter_context(Client(bus_server.url, fed.peer_org["apiKey"], max_retries=0))
        low_org = bus_server.new_org("basic", "low")
        low = stack.enter_context(Client(bus_server.url, low_org["apiKey"], max_retries=0))
        o, p = owner.events.custom.federation, peer.events.custom.federation
        with pytest.raises(PlanUpgradeRequired) as refused:
            low.events.custom.federation.create_group(name="nope")
        assert refused.value.details["requiredPlans"] == ["enterprise"]
        group = o.create_group({"name": "sdk"})
        with pytest.raises(FederationConflict):
            o.createGroup(name="sdk")
        invitation = o.invite(group.id, organizationId=fed.peer_org["organizationId"])
        assert [i.id for i in p.list_invitations()] == [invitation.id]
        assert [i.id for i in o.list_group_invitations(group.id, status="pending")] == [invitation.id]
        assert o.get_invitation(invitation.id).status == "pending"
        assert p.accept_invitation(invitation.id).status == "accepted"
        with pytest.raises(FederationConflict):
            p.acceptInvitation(invitation.id)
        push = o.declare_push(group.id, event=fed.ref)
        assert [x.id for x in p.list_pushes(group.id)] == [push.id]
        with pytest.raises(NotFound):
            p.delete_group(group.id)
        with pytest.raises(EventNotRegistered):
            o.declare_push(group.id, event=f"{fed.namespace}.missing@1.0.0")
        hook = o.add_https_peer(group.id, url="http://127.0.0.1:9/sdk")
        assert hook.secret.startswith("whsec_")
        assert "secret" not in next(iter(o.list_https_peers(group.id))).to_dict()
        assert [g.id for g in p.iter_groups()] == [group.id] and p.get_group(group.id).role == "member"
        assert p.leave_group(group.id).status == "left"
        o.remove_https_peer(group.id, hook.id)
        o.remove_push(group.id, push.id)
        assert o.delete_group(group.id).deleted is True
        with pytest.raises(NotFound):
            o.get_group(group.id)
