"""The Python SDK against the real registry server (``registry_server`` fixture: a ``platformxe serve``
process on a temp SQLite file, or on PostgreSQL when the fixture is parametrised that way).

Every ``client.events.custom`` method is driven end to end, and these exception classes are raised
from real answers: InvalidNamespace, ReservedNamespace, NamespaceNotAllowed, InvalidName,
InvalidVersionFormat, CannotRegisterGenericEvent, VersionAlreadyExists, VersionDowngrade,
VersionInvalidJump, PatchMustBeByteEqual, MinorMustBeBackwardsCompatible, SchemaTooDeep, SchemaTooWide,
InvalidJsonSchema, PayloadExampleDoesNotMatchSchema, RegistrationQuotaExceeded, EventNotRegistered,
EventNotPublished, PayloadInvalid, PayloadTooLarge, CannotArchiveGenericEvent, InvalidStatusTransition,
Unauthenticated, InvalidRequest, NotFound, ConnectError. (MonthlyEmitQuotaExceeded needs 1,001 emits
and is provoked by the registry's own suite; chain_depth_exceeded and bus_relay_failed are not
produced by this service yet.)
"""

from __future__ import annotations

import secrets
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import platformxe
from platformxe.client import Client, errors

pytestmark = pytest.mark.contract

# The reference "Register a typed event" schema (examples/schemas/).
FAVORITED = {
    "type": "object",
    "properties": {
        "propertyId": {"type": "string", "maxLength": 64},
        "subjectId": {"type": "string", "maxLength": 64},
        "favoritedAt": {"type": "string", "format": "date-time"},
    },
    "required": ["propertyId", "subjectId"],
    "additionalProperties": False,
}
GOOD_PAYLOAD = {"propertyId": "p_123", "subjectId": "sub_456", "favoritedAt": "2026-05-04T10:00:00Z"}


class Org:
    """One organisation (made by the fixture's ``admin org create --json``) and an SDK client for it."""

    def __init__(self, server: Any, plan: str) -> None:
        created = server.new_org(plan, "sdk")
        self.slug: str = created["slug"]
        self.id: str = created["organizationId"]
        self.api_key: str = created["apiKey"]
        self.client = Client(server.url, self.api_key, max_retries=0)
        self.custom = self.client.events.custom

    def unique_name(self, stem: str) -> str:
        """An event name no other test in this organisation uses."""
        return f"{stem}.{secrets.token_hex(3)}"


@pytest.fixture(scope="module")
def pro(registry_server: Any) -> Iterator[Org]:
    org = Org(registry_server, "pro")
    yield org
    org.client.close()


@pytest.fixture
def new_org(registry_server: Any) -> Iterator[Callable[[str], Org]]:
    made: list[Org] = []

    def make(plan: str) -> Org:
        made.append(Org(registry_server, plan))
        return made[-1]

    yield make
    for org in made:
        org.client.close()


def register(org: Org, name: str, version: str = "1.0.0", schema: Any = None, **extra: Any) -> Any:
    return org.custom.register(
        namespace=org.slug, name=name, version=version, payload_schema=schema or FAVORITED, **extra
    )


# --- the SDK snippets of docs/sdk.md ------------------------------------------------------------------------


def test_the_seed_python_emit_snippet_works_on_the_free_tier(new_org: Callable[[str], Org]) -> None:
    client = new_org("free").client
    result = client.events.custom.emit(
        name="platformxe.generic",
        payload={
            "kind": "user.signed_up",
            "summary": "New user joined",
            "data": {"userId": "usr_123", "plan": "free"},
        },
    )
    assert result.status == "queued"
    assert result.canonical_name == result.canonicalName
    assert result.canonicalName.startswith("TENANT_CUSTOM:org_")
    assert result.canonicalName.endswith(":platformxe.generic@1.0.0")
    assert result.event_id and result.duplicate is False


def test_the_seed_typescript_register_object_works_as_one_dict(pro: Org) -> None:
    name = pro.unique_name("property.favorited")
    registration = pro.custom.register(
        {
            "namespace": pro.slug,
            "name": name,
            "version": "1.0.0",
            "status": "published",
            "description": "Fired when a customer favorites a property",
            "payloadSchema": FAVORITED,
        }
    )
    assert registration.canonical_name == f"TENANT_CUSTOM:{pro.id}:{pro.slug}.{name}@1.0.0"
    assert registration.organization_id == pro.id
    assert registration.payload_schema == FAVORITED
    assert registration["schemaFlavour"] == "json-schema-2020-12"
    assert len(registration.schema_hash) == 64
    result = pro.custom.emit({"name": f"{pro.slug}.{name}", "payload": GOOD_PAYLOAD, "version": "1.0.0"})
    assert result.canonicalName == registration.canonical_name
    assert result.status == "queued"


def test_the_seed_dry_run_and_health_snippets(pro: Org) -> None:
    name = pro.unique_name("dry")
    verdict = pro.custom.dryRun(
        {"namespace": pro.slug, "name": name, "version": "1.0.0", "payloadSchema": FAVORITED}
    )
    assert verdict.valid is True
    assert verdict.semverBump == verdict.semver_bump == "initial"
    assert len(verdict.schemaHash) == 64
    assert verdict.schemaFlavour == "json-schema-2020-12"
    h = pro.custom.health()
    assert h.plan == "PRO"
    assert h.registrations.limit == 25
    assert isinstance(h.registrations.used, int)
    assert h.emits.monthlyLimit == 100_000
    assert isinstance(h.recent_failures, list)


# --- every method end to end ----------------------------------------------------------------------


def test_register_get_update_archive_round_trip(pro: Org) -> None:
    name = pro.unique_name("lifecycle")
    first = register(pro, name, description="v1")
    assert first.status == "published" and first.description == "v1" and first.payload_example is None
    assert pro.custom.get(pro.slug, name) == first
    assert pro.custom.get(pro.slug, name, "1.0.0") == first

    # A description-only change is a legal patch; as a draft it does not become "latest".
    verdict = pro.custom.dry_run(
        namespace=pro.slug, name=name, version="1.0.1", payload_schema={**FAVORITED, "description": "x"}
    )
    assert verdict.valid and verdict.semver_bump == "patch" and verdict.previous_version == "1.0.0"
    draft = register(pro, name, "1.0.1", {**FAVORITED, "description": "x"}, status="draft")
    assert draft.status == "draft"
    assert pro.custom.get(pro.slug, name).version == "1.0.0"

    published = pro.custom.update(pro.slug, name, "1.0.1", status="published", description="now live")
    assert published.status == "published" and published.description == "now live"
    assert pro.custom.get(pro.slug, name, "latest").version == "1.0.1"
    again = pro.custom.update(
        {"namespace": pro.slug, "name": name, "version": "1.0.1", "status": "published"}
    )
    assert again.status == "published"

    archived = pro.custom.archive(pro.slug, name, "1.0.0")
    assert archived.status == "archived" and archived.version == "1.0.0"
    assert pro.custom.archive(pro.slug, name, "1.0.0").status == "archived"  # idempotent
    with pytest.raises(errors.InvalidStatusTransition, match="published") as info:
        pro.custom.update(pro.slug, name, "1.0.1", status="draft")
    assert info.value.status == 409


def test_list_filters_and_iter_all_walks_every_page_in_version_order(pro: Org) -> None:
    name = pro.unique_name("paged")
    versions = ["1.0.0", "1.0.1", "1.0.2", "1.0.3", "1.0.4"]
    for i, version in enumerate(versions):
        register(
            pro, name, version, {**FAVORITED, "description": f"rev {i}"}, status="draft" if i == 4 else None
        )
    page = pro.custom.list(namespace=pro.slug, name=name, limit=2)
    assert [r.version for r in page] == ["1.0.0", "1.0.1"]
    assert page.next_cursor
    second = pro.custom.list(namespace=pro.slug, name=name, limit=2, cursor=page.next_cursor)
    assert [r.version for r in second] == ["1.0.2", "1.0.3"]
    assert [r.version for r in pro.custom.iter_all(namespace=pro.slug, name=name, page_size=2)] == versions
    assert [r.version for r in pro.custom.list_all(name=name, status="draft")] == ["1.0.4"]
    everything = list(pro.custom.iter_all(page_size=3))
    assert {(r.namespace, r.name) for r in everything} >= {("platformxe", "generic"), (pro.slug, name)}


def test_emit_idempotency_key_returns_the_first_answer_and_counts_once(new_org: Callable[[str], Org]) -> None:
    org = new_org("basic")
    name = org.unique_name("idem")
    register(org, name)
    first = org.custom.emit(name=f"{org.slug}.{name}", payload=GOOD_PAYLOAD, idempotency_key="order-42")
    replay = org.custom.emit(name=f"{org.slug}.{name}", payload=GOOD_PAYLOAD, idempotencyKey="order-42")
    other = org.custom.emit(name=f"{org.slug}.{name}", payload=GOOD_PAYLOAD, idempotency_key="order-43")
    assert replay.event_id == first.event_id and replay.duplicate is True and first.duplicate is False
    assert other.event_id != first.event_id
    h = org.custom.health()
    assert h.emits.this_month == 2
    assert h.registrations.used == 1 and h.registrations.limit == 5 and h.plan == "BASIC"


def test_lifecycle_events_page_by_page_equal_one_big_page(new_org: Callable[[str], Org]) -> None:
    org = new_org("basic")
    name = org.unique_name("log")
    register(org, name)
    event_id = org.custom.emit(f"{org.slug}.{name}", GOOD_PAYLOAD).event_id
    # The bus writes EMIT_RELAYED / EMIT_DELIVERED after the 202: wait until the emit is settled
    # so both walks read the same log.
    deadline = time.monotonic() + 30
    while org.custom.get_emit(event_id).delivery_status not in ("DELIVERED", "FAILED"):
        assert time.monotonic() < deadline, "the emit never settled"
        time.sleep(0.05)
    whole = org.custom.lifecycle_events(limit=500)
    assert whole.next_cursor is None
    walked = list(org.custom.iter_lifecycle_events(page_size=2))
    assert [e.to_dict() for e in walked] == [e.to_dict() for e in whole]
    types = [e.type for e in walked]
    assert types[0] == "CUSTOM_EVENT_GENERIC_SEEDED"
    registration_chain = [
        "CUSTOM_EVENT_REQUESTED",
        "CUSTOM_EVENT_VALIDATED",
        "CUSTOM_EVENT_PERSISTED",
        "CUSTOM_EVENT_MATERIALISED",
        "CUSTOM_EVENT_REGISTERED",
    ]
    assert [t for t in types if t in registration_chain] == registration_chain
    assert "CUSTOM_EVENT_EMIT_REQUESTED" in types
    assert all(e.organization_id == org.id for e in walked)


def test_low_level_request_healthz_and_organization_check(registry_server: Any, pro: Org) -> None:
    body = pro.client.request("GET", "/v1/events/custom/health")
    assert type(body) is dict and body["plan"] == "PRO"
    assert pro.client.healthz().status == "ok"
    with pytest.raises(errors.NotFound):
        pro.client.request("GET", "/v1/events/custom/nope")
    with pytest.raises(errors.InvalidRequest) as info:
        pro.client.request("POST", "/v1/events/custom/emit", json={"payload": {}})
    assert info.value.details.get("field") == "name"
    assert pro.client.verify_organization() == pro.id
    with Client(registry_server.url + "/v1/", pro.api_key, organization_id=pro.id) as checked:
        assert checked.events.custom.health().plan == "PRO"
    wrong = Client(registry_server.url, pro.api_key, organization_id="org_someone_else")
    with wrong, pytest.raises(errors.ConfigurationError, match="org_someone_else"):
        wrong.events.custom.health()


def test_the_environment_configures_the_top_level_client(
    registry_server: Any, pro: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLATFORMXE_ENDPOINT", registry_server.url)
    monkeypatch.setenv("PLATFORMXE_API_KEY", pro.api_key)
    with platformxe.Client() as client:
        assert client.events.custom.get("platformxe", "generic").organization_id == pro.id


# --- real error answers become the right exception classes -------------------------------------------


def test_version_already_exists_carries_the_existing_schema_hash(pro: Org) -> None:
    name = pro.unique_name("exists")
    stored = register(pro, name)
    with pytest.raises(errors.VersionAlreadyExists) as same:
        register(pro, name)
    assert same.value.details["schemaHash"] == stored.schema_hash
    assert same.value.details["sameSchema"] is True
    assert same.value.details["existing"]["canonicalName"] == stored.canonical_name
    with pytest.raises(errors.VersionAlreadyExists) as other:
        register(pro, name, schema={"type": "object"})
    assert other.value.details["sameSchema"] is False
    assert other.value.status == 400 and other.value.code == "version_already_exists"
    assert isinstance(other.value, errors.SemverError)


def test_semver_rule_errors(pro: Org) -> None:
    name = pro.unique_name("semver")
    register(pro, name)
    with pytest.raises(errors.VersionInvalidJump):
        register(pro, name, "1.2.0")
    with pytest.raises(errors.PatchMustBeByteEqual):
        register(pro, name, "1.0.1", {**FAVORITED, "required": ["propertyId"]})
    with pytest.raises(errors.MinorMustBeBackwardsCompatible) as info:
        register(pro, name, "1.1.0", {**FAVORITED, "required": [*FAVORITED["required"], "favoritedAt"]})
    assert "2.0.0" in info.value.message
    register(pro, name, "2.0.0", {**FAVORITED, "required": ["propertyId"]})
    with pytest.raises(errors.VersionDowngrade):
        register(pro, name, "1.5.0")


@pytest.mark.parametrize(
    ("namespace", "name", "version", "expected"),
    [
        ("Bad-Namespace", "ok.name", "1.0.0", errors.InvalidNamespace),
        ("platform", "ok.name", "1.0.0", errors.ReservedNamespace),
        ("someoneelse", "ok.name", "1.0.0", errors.NamespaceNotAllowed),
        (None, "9starts-with-digit", "1.0.0", errors.InvalidName),
        (None, "ok.name", "1.0", errors.InvalidVersionFormat),
        ("platformxe", "generic", "1.0.1", errors.CannotRegisterGenericEvent),
    ],
)
def test_naming_errors(pro: Org, namespace: str | None, name: str, version: str, expected: type) -> None:
    with pytest.raises(expected) as info:
        pro.custom.register(
            namespace=namespace or pro.slug, name=name, version=version, payload_schema=FAVORITED
        )
    assert isinstance(info.value, errors.NamingError)
    assert info.value.errors, "details.errors lists every broken rule"


def _nested(depth: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(depth - 1):
        schema = {"type": "object", "properties": {"x": schema}}
    return schema


@pytest.mark.parametrize(
    ("schema", "example", "expected"),
    [
        (_nested(6), None, errors.SchemaTooDeep),
        (
            {"type": "object", "properties": {f"p{i}": {"type": "string"} for i in range(51)}},
            None,
            errors.SchemaTooWide,
        ),
        ({"type": "object", "properties": {"a": {"type": "strng"}}}, None, errors.InvalidJsonSchema),
        (FAVORITED, {"propertyId": 1}, errors.PayloadExampleDoesNotMatchSchema),
    ],
)
def test_schema_errors(pro: Org, schema: Any, example: Any, expected: type) -> None:
    with pytest.raises(expected) as info:
        register(pro, pro.unique_name("schema"), schema=schema, payload_example=example)
    assert isinstance(info.value, errors.SchemaError)
    # The dry-run reports the same problem without raising.
    verdict = pro.custom.dry_run(
        namespace=pro.slug, name="dry.schema", version="1.0.0", payload_schema=schema, payload_example=example
    )
    assert verdict.valid is False
    assert expected.code_value in [e.code for e in verdict.errors]


def test_emit_errors(pro: Org) -> None:
    name = pro.unique_name("emits")
    register(pro, name)
    full = f"{pro.slug}.{name}"
    with pytest.raises(errors.PayloadInvalid) as bad:
        pro.custom.emit(name=full, payload={"propertyId": 5, "extra": True})
    paths = {e["path"] for e in bad.value.errors}
    assert "payload/propertyId" in paths
    assert {e["pointer"] for e in bad.value.errors} >= {"/propertyId", ""}
    assert "payload/propertyId" in str(bad.value)
    with pytest.raises(errors.PayloadTooLarge):
        pro.custom.emit(name=full, payload={**GOOD_PAYLOAD, "propertyId": "x" * 262_145})
    with pytest.raises(errors.EventNotRegistered):
        pro.custom.emit(name=f"{pro.slug}.never.registered", payload={})
    with pytest.raises(errors.EventNotRegistered):
        pro.custom.emit(name=full, payload=GOOD_PAYLOAD, version="9.9.9")
    draft_name = pro.unique_name("drafty")
    register(pro, draft_name, status="draft")
    with pytest.raises(errors.EventNotPublished):
        pro.custom.emit(name=f"{pro.slug}.{draft_name}", payload=GOOD_PAYLOAD)
    # Refused emits are in the lifecycle log, not in health.recent_failures (failed deliveries).
    assert pro.custom.health().recent_failures == []
    rejected = [e for e in pro.custom.iter_lifecycle_events() if e.type == "CUSTOM_EVENT_EMIT_REJECTED"]
    assert rejected[-1].data["code"] == "event_not_published"


def test_basic_plan_pins_only_the_latest_version(new_org: Callable[[str], Org]) -> None:
    org = new_org("basic")
    name = org.unique_name("pinned")
    register(org, name)
    register(org, name, "1.0.1", {**FAVORITED, "description": "same shape"})
    assert org.custom.emit(f"{org.slug}.{name}", GOOD_PAYLOAD).version == "1.0.1"
    with pytest.raises(errors.EventNotPublished, match=r"(?i)basic"):
        org.custom.emit(f"{org.slug}.{name}", GOOD_PAYLOAD, version="1.0.0")


def test_generic_event_is_system_managed_and_free_cannot_register(new_org: Callable[[str], Org]) -> None:
    free = new_org("free")
    with pytest.raises(errors.CannotArchiveGenericEvent) as info:
        free.custom.archive("platformxe", "generic", "1.0.0")
    assert info.value.status == 403
    with pytest.raises(errors.RegistrationQuotaExceeded) as quota:
        register(free, "first.event")
    assert isinstance(quota.value, errors.QuotaError) and quota.value.status == 402


def test_tenant_isolation_through_the_sdk(pro: Org, new_org: Callable[[str], Org]) -> None:
    name = pro.unique_name("private")
    register(pro, name)
    other = new_org("pro")
    with pytest.raises(errors.EventNotRegistered):
        other.custom.get(pro.slug, name, "1.0.0")
    with pytest.raises(errors.EventNotRegistered):
        other.custom.emit(f"{pro.slug}.{name}", GOOD_PAYLOAD)
    assert all(r.organization_id == other.id for r in other.custom.iter_all())


def test_wrong_key_and_unreachable_server(registry_server: Any) -> None:
    stranger = Client(registry_server.url, "pxe_not_a_real_key")
    with stranger, pytest.raises(errors.Unauthenticated) as info:
        stranger.events.custom.health()
    assert info.value.status == 401 and "pxe_not_a_real_key" not in str(info.value)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    nowhere = Client(f"http://127.0.0.1:{closed_port}", "k", max_retries=1, sleep=lambda _s: None)
    with nowhere, pytest.raises(errors.ConnectError, match="cannot connect"):
        nowhere.events.custom.health()


def test_compatibility_policy_get_set_and_judge(pro: Org) -> None:
    name = pro.unique_name("policy")
    open_schema = {k: v for k, v in FAVORITED.items() if k != "additionalProperties"}
    with_note = {**open_schema, "properties": {**open_schema["properties"], "note": {"type": "string"}}}
    register(pro, name, schema=open_schema)
    assert pro.custom.get_policy(pro.slug, name).compatibility_policy == "strict"
    strict = pro.custom.dry_run(namespace=pro.slug, name=name, version="1.1.0", payload_schema=with_note)
    assert not strict.valid and strict.compatibility_policy == "strict"
    lenient = pro.custom.dry_run(
        namespace=pro.slug,
        name=name,
        version="1.1.0",
        payload_schema=with_note,
        compatibility_policy="lenient",
    )
    assert lenient.valid and lenient.compatibility_policy == "lenient"
    changed = pro.custom.set_policy(pro.slug, name, "lenient")
    assert changed.compatibility_policy == "lenient" and changed.updated_at is not None
    assert pro.custom.getPolicy({"namespace": pro.slug, "name": name}).compatibility_policy == "lenient"
    register(pro, name, "1.1.0", with_note)
    with pytest.raises(errors.InvalidRequest, match="compatibilityPolicy"):
        pro.custom.set_policy(pro.slug, name, "loose")
    with pytest.raises(errors.EventNotRegistered):
        pro.custom.get_policy(pro.slug, pro.unique_name("missing"))
