"""Every error code the registry API can produce, provoked over HTTP against a real server.

Seed codes provoked here (status in brackets):
invalid_namespace (400), reserved_namespace (400), namespace_not_allowed (400), invalid_name (400),
invalid_version_format (400), cannot_register_generic_event (400), version_already_exists (400),
version_downgrade (400), version_invalid_jump (400), patch_must_be_byte_equal (400),
minor_must_be_backwards_compatible (400), schema_too_deep (400), schema_too_wide (400),
invalid_json_schema (400), payload_example_does_not_match_schema (400),
registration_quota_exceeded (402), event_not_registered (404), event_not_published (409),
payload_invalid (400), payload_too_large (413), cannot_archive_generic_event (403).
Contract codes beyond the error-code table: invalid_status_transition (409), unauthenticated (401),
invalid_request (400), not_found (404, in test_registry_api.py).
monthly_emit_quota_exceeded (402) is provoked in test_registry_plans.py.

Not producible by this API: chain_depth_exceeded (422) needs workflow chains and
bus_relay_failed (502) needs the bus relaying the outbox — both arrive with the bus, a later
piece; the registry only queues emits.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from support.registry_data import (
    FAVORITED_PAYLOAD,
    FAVORITED_SCHEMA,
    all_codes,
    error_of,
    register,
    registration_body,
    with_description,
    with_optional_note,
    with_required_reason,
)


@pytest.fixture(scope="module")
def shared_api(registry_server):
    """One organisation for the tests that only send malformed requests (they change nothing)."""
    tenant = registry_server.new_org("pro", "malformed")
    with registry_server.client(tenant["apiKey"]) as client:
        yield client


def assert_error(
    response: httpx.Response, status: int, code: str, field: str | None = None
) -> dict[str, Any]:
    """The response is ``status`` with top-level ``code`` (and ``details.field``)."""
    assert response.status_code == status, response.text
    error = error_of(response)
    assert error["code"] == code, error
    if field is not None:
        assert error["details"]["field"] == field, error
    return error


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"namespace": "Lettings!"}, "invalid_namespace", "namespace"),
        ({"namespace": "auth"}, "reserved_namespace", "namespace"),
        ({"namespace": "someone-else"}, "namespace_not_allowed", "namespace"),
        ({"name": "Property"}, "invalid_name", "name"),
        ({"version": "1.0"}, "invalid_version_format", "version"),
        ({"version": "1.0.0-beta.1"}, "invalid_version_format", "version"),
        ({"namespace": "platformxe", "name": "generic"}, "cannot_register_generic_event", "name"),
        ({"payloadSchema": {"type": "nope"}}, "invalid_json_schema", "payloadSchema"),
        ({"payloadSchema": "{not json"}, "invalid_json_schema", "payloadSchema"),
        (
            {"payloadExample": {"propertyId": 1, "subjectId": "s"}},
            "payload_example_does_not_match_schema",
            "payloadExample",
        ),
    ],
)
def test_registration_shape_errors(org, api, overrides, code, field) -> None:
    body = {**registration_body(org["slug"]), **overrides}
    error = assert_error(api.post("/registrations", json=body), 400, code)
    assert any(p["code"] == code and p["field"] == field for p in error["details"]["errors"]), error
    # The dry-run reports the same problem with a 200.
    verdict = api.post("/dry-run", json=body).json()
    assert verdict["valid"] is False and code in {e["code"] for e in verdict["errors"]}


def test_schema_too_deep_and_too_wide(org, api) -> None:
    deep: dict[str, Any] = {"type": "string"}
    for _ in range(6):
        deep = {"type": "object", "properties": {"x": deep}}
    error = assert_error(
        api.post("/registrations", json=registration_body(org["slug"], payloadSchema=deep)),
        400,
        "schema_too_deep",
    )
    assert error["details"]["field"] == "payloadSchema"
    wide = {"type": "object", "properties": {f"p{i}": {"type": "string"} for i in range(51)}}
    assert_error(
        api.post("/registrations", json=registration_body(org["slug"], payloadSchema=wide)),
        400,
        "schema_too_wide",
    )


def test_several_broken_rules_answer_with_the_first_in_seed_order_and_list_all(org, api) -> None:
    body = registration_body("auth", name="X", version="1.0", payloadSchema={"type": "nope"})
    error = assert_error(api.post("/registrations", json=body), 400, "reserved_namespace")
    codes = all_codes(api.post("/registrations", json=body))
    assert {"reserved_namespace", "invalid_name", "invalid_version_format", "invalid_json_schema"} <= set(
        codes
    )
    for problem in error["details"]["errors"]:
        assert {"code", "message", "path", "field", "pointer"} <= set(problem)


def test_version_rules(org, api) -> None:
    ns = org["slug"]
    first = register(api, ns)
    register(api, ns, version="2.0.0", payloadSchema=with_optional_note(FAVORITED_SCHEMA))

    same = api.post("/registrations", json=registration_body(ns))
    error = assert_error(same, 400, "version_already_exists", "version")
    assert error["details"]["schemaHash"] == first["schemaHash"]
    assert error["details"]["sameSchema"] is True
    assert error["details"]["existing"]["version"] == "1.0.0"
    other = api.post(
        "/registrations", json=registration_body(ns, payloadSchema=with_optional_note(FAVORITED_SCHEMA))
    )
    assert assert_error(other, 400, "version_already_exists")["details"]["sameSchema"] is False

    assert_error(
        api.post("/registrations", json=registration_body(ns, version="1.5.0")),
        400,
        "version_downgrade",
        "version",
    )
    jump = assert_error(
        api.post("/registrations", json=registration_body(ns, version="2.2.0")), 400, "version_invalid_jump"
    )
    for legal in ("2.0.1", "2.1.0", "3.0.0"):
        assert legal in jump["message"]


def test_patch_and_minor_content_rules(org, api) -> None:
    ns = org["slug"]
    register(api, ns)
    patch = assert_error(
        api.post(
            "/registrations",
            json=registration_body(ns, version="1.0.1", payloadSchema=with_optional_note(FAVORITED_SCHEMA)),
        ),
        400,
        "patch_must_be_byte_equal",
        "payloadSchema",
    )
    assert patch["message"]
    minor = assert_error(
        api.post(
            "/registrations",
            json=registration_body(ns, version="1.1.0", payloadSchema=with_required_reason(FAVORITED_SCHEMA)),
        ),
        400,
        "minor_must_be_backwards_compatible",
        "payloadSchema",
    )
    assert "2.0.0" in minor["message"]
    # The description-only patch passes.
    register(api, ns, version="1.0.1", payloadSchema=with_description(FAVORITED_SCHEMA, "better words"))


def test_registration_quota_on_free_and_basic(registry_server) -> None:
    free = registry_server.new_org("free", "free")
    with registry_server.client(free["apiKey"]) as client:
        error = assert_error(
            client.post("/registrations", json=registration_body(free["slug"])),
            402,
            "registration_quota_exceeded",
        )
        assert "Free" in error["message"]
    basic = registry_server.new_org("basic", "basic")
    with registry_server.client(basic["apiKey"]) as client:
        for i in range(5):
            register(client, basic["slug"], name=f"event{i}")
        error = assert_error(
            client.post("/registrations", json=registration_body(basic["slug"], name="event5")),
            402,
            "registration_quota_exceeded",
        )
        assert error["details"]["limit"] == 5 and error["details"]["used"] == 5
        # A new version of an existing event is not a new registration.
        register(
            client,
            basic["slug"],
            name="event0",
            version="2.0.0",
            payloadSchema=with_optional_note(FAVORITED_SCHEMA),
        )
        # Archiving every version of an event frees its slot...
        for version in ("1.0.0", "2.0.0"):
            client.delete(f"/registrations/{basic['slug']}/event0/versions/{version}")
        register(client, basic["slug"], name="event5")
        # ...and re-publishing an archived one would exceed the cap again.
        assert_error(
            client.patch(
                f"/registrations/{basic['slug']}/event0/versions/1.0.0", json={"status": "published"}
            ),
            402,
            "registration_quota_exceeded",
        )
        assert client.get("/health").json()["registrations"] == {"used": 5, "limit": 5}


def test_emit_errors(org, api) -> None:
    ns = org["slug"]
    register(api, ns)
    register(api, ns, version="1.0.1", status="draft", payloadSchema=with_description(FAVORITED_SCHEMA, "d"))
    name = f"{ns}.property.favorited"

    assert_error(
        api.post("/emit", json={"name": f"{ns}.nothing.here", "payload": {}}), 404, "event_not_registered"
    )
    assert_error(api.post("/emit", json={"name": "nodot", "payload": {}}), 404, "event_not_registered")
    assert_error(
        api.post("/emit", json={"name": name, "payload": FAVORITED_PAYLOAD, "version": "7.0.0"}),
        404,
        "event_not_registered",
        "version",
    )
    assert_error(
        api.post("/emit", json={"name": name, "payload": FAVORITED_PAYLOAD, "version": "1.0.1"}),
        409,
        "event_not_published",
        "version",
    )
    assert_error(
        api.post("/emit", json={"name": name, "payload": FAVORITED_PAYLOAD, "version": "v1"}),
        400,
        "invalid_version_format",
    )

    invalid = assert_error(
        api.post("/emit", json={"name": name, "payload": {"propertyId": 5, "extra": True}}),
        400,
        "payload_invalid",
    )
    pointers = {p["pointer"] for p in invalid["details"]["errors"]}
    assert "/propertyId" in pointers  # wrong type, named by its JSON pointer
    assert all(p["code"] == "payload_invalid" for p in invalid["details"]["errors"])
    bad_format = assert_error(
        api.post("/emit", json={"name": name, "payload": {**FAVORITED_PAYLOAD, "favoritedAt": "yesterday"}}),
        400,
        "payload_invalid",
    )
    assert bad_format["details"]["errors"][0]["pointer"] == "/favoritedAt"

    big = {"kind": "big", "data": {"blob": "x" * 262_200}}
    assert_error(
        api.post("/emit", json={"name": "platformxe.generic", "payload": big}),
        413,
        "payload_too_large",
        "payload",
    )

    api.delete(f"/registrations/{ns}/property.favorited/versions/1.0.0")
    # Exists, but no published version left.
    assert_error(
        api.post("/emit", json={"name": name, "payload": FAVORITED_PAYLOAD}), 409, "event_not_published"
    )


def test_generic_event_cannot_be_archived(api) -> None:
    path = "/registrations/platformxe/generic/versions/1.0.0"
    assert_error(api.delete(path), 403, "cannot_archive_generic_event")
    assert_error(api.patch(path, json={"status": "archived"}), 403, "cannot_archive_generic_event")
    assert api.get(path).json()["status"] == "published"


def test_invalid_status_transition_names_the_legal_targets(org, api) -> None:
    register(api, org["slug"])
    error = assert_error(
        api.patch(
            f"/registrations/{org['slug']}/property.favorited/versions/1.0.0", json={"status": "draft"}
        ),
        409,
        "invalid_status_transition",
        "status",
    )
    assert "archived" in error["message"]


def test_reads_of_unknown_versions(org, api) -> None:
    ns = org["slug"]
    assert_error(api.get(f"/registrations/{ns}/nothing/versions/1.0.0"), 404, "event_not_registered")
    assert_error(api.get(f"/registrations/{ns}/nothing/versions/latest"), 404, "event_not_registered")
    assert_error(
        api.patch(f"/registrations/{ns}/nothing/versions/1.0.0", json={"status": "archived"}),
        404,
        "event_not_registered",
    )
    assert_error(api.delete(f"/registrations/{ns}/nothing/versions/1.0.0"), 404, "event_not_registered")
    assert_error(api.get(f"/registrations/{ns}/nothing/versions/one"), 400, "invalid_version_format")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer pxe_not-a-real-key"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer"},
    ],
)
def test_unauthenticated_on_every_api_route(registry_server, headers) -> None:
    base = registry_server.url + "/v1/events/custom"
    version = base + "/registrations/x/y/versions/1.0.0"
    calls = [
        ("POST", base + "/dry-run"),
        ("POST", base + "/registrations"),
        ("GET", base + "/registrations"),
        ("GET", version),
        ("PATCH", version),
        ("DELETE", version),
        ("POST", base + "/emit"),
        ("GET", base + "/health"),
        ("GET", base + "/lifecycle-events"),
    ]
    for method, url in calls:
        response = httpx.request(
            method, url, headers=headers, json={} if method in ("POST", "PATCH") else None
        )
        assert_error(response, 401, "unauthenticated")


def test_revoked_key_is_unauthenticated(registry_server) -> None:
    tenant = registry_server.new_org("basic", "revoke")
    extra = registry_server.admin("key", "create", "--org", tenant["slug"], "--json")
    import json

    key = json.loads(extra.stdout)
    with registry_server.client(key["apiKey"]) as client:
        assert client.get("/health").status_code == 200
        registry_server.admin("key", "revoke", "--org", tenant["slug"], "--key-id", key["keyId"])
        assert_error(client.get("/health"), 401, "unauthenticated")
    with registry_server.client(tenant["apiKey"]) as client:  # the other key still works
        assert client.get("/health").status_code == 200


@pytest.mark.parametrize(
    ("content", "field"),
    [
        (b"", "body"),
        (b"{not json", "body"),
        (b"[1, 2]", "body"),
        (b'{"name": "x", "version": "1.0.0", "payloadSchema": {}}', "namespace"),
        (b'{"namespace": 5, "name": "x", "version": "1.0.0", "payloadSchema": {}}', "namespace"),
        (b'{"namespace": "a", "name": "x", "version": "1.0.0"}', "payloadSchema"),
        (
            b'{"namespace": "a", "name": "x", "version": "1.0.0", "payloadSchema": {}, "status": "gone"}',
            "status",
        ),
        (b'{"namespace": "a", "name": "x", "version": "1.0.0", "payloadSchema": {"maximum": NaN}}', "body"),
    ],
)
def test_malformed_registration_bodies_name_the_field(shared_api, content, field) -> None:
    for path in ("/registrations", "/dry-run"):
        response = shared_api.post(path, content=content, headers={"Content-Type": "application/json"})
        assert_error(response, 400, "invalid_request", field)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"payload": {}}, "name"),
        ({"name": "platformxe.generic"}, "payload"),
        ({"name": "platformxe.generic", "payload": {"kind": "k"}, "version": 1}, "version"),
        ({"name": "platformxe.generic", "payload": {"kind": "k"}, "idempotencyKey": ""}, "idempotencyKey"),
        (
            {"name": "platformxe.generic", "payload": {"kind": "k"}, "idempotencyKey": "k" * 256},
            "idempotencyKey",
        ),
    ],
)
def test_malformed_emit_bodies_name_the_field(shared_api, body, field) -> None:
    assert_error(shared_api.post("/emit", json=body), 400, "invalid_request", field)


def test_malformed_queries_and_patches(org, api) -> None:
    assert_error(api.get("/registrations", params={"limit": "0"}), 400, "invalid_request", "limit")
    assert_error(api.get("/registrations", params={"limit": "501"}), 400, "invalid_request", "limit")
    assert_error(api.get("/registrations", params={"status": "gone"}), 400, "invalid_request", "status")
    assert_error(api.get("/registrations", params={"cursor": "garbage!"}), 400, "invalid_request", "cursor")
    assert_error(api.get("/lifecycle-events", params={"cursor": "-1"}), 400, "invalid_request", "cursor")
    assert_error(api.get("/lifecycle-events", params={"limit": "x"}), 400, "invalid_request", "limit")
    path = "/registrations/platformxe/generic/versions/1.0.0"
    assert_error(api.patch(path, json={}), 400, "invalid_request", "status")
    assert_error(api.patch(path, json={"status": "live"}), 400, "invalid_request", "status")
    assert_error(api.patch(path, json={"description": 5}), 400, "invalid_request", "description")


def test_oversized_body_is_refused_before_parsing(api) -> None:
    response = api.post(
        "/emit", content=b"{" + b" " * (3 * 1024 * 1024) + b"}", headers={"Content-Type": "application/json"}
    )
    assert_error(response, 413, "payload_too_large", "body")
