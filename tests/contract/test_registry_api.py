"""Every endpoint of the registry API on its success path, over raw HTTP against a real server."""

from __future__ import annotations

import re
import time

import httpx

from support.registry_data import (
    FAVORITED_PAYLOAD,
    FAVORITED_SCHEMA,
    error_of,
    register,
    registration_body,
    with_description,
    with_optional_note,
)

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


def test_healthz_needs_no_key(registry_server) -> None:
    response = httpx.get(registry_server.url + "/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_openapi_document_is_served_without_a_key(registry_server) -> None:
    response = httpx.get(registry_server.url + "/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.1")


def test_new_org_has_the_generic_event_published(registry_server, org, api) -> None:
    response = api.get("/registrations/platformxe/generic/versions/1.0.0")
    assert response.status_code == 200
    generic = response.json()
    assert generic["status"] == "published"
    assert generic["canonicalName"] == f"TENANT_CUSTOM:{org['organizationId']}:platformxe.generic@1.0.0"
    assert generic["payloadSchema"]["required"] == ["kind"]
    assert set(generic["payloadSchema"]["properties"]) == {"kind", "summary", "data"}
    # Seeded for free: the generic event never counts as a registration.
    health = api.get("/health").json()
    assert health["registrations"]["used"] == 0


def test_dry_run_reports_the_verdict_and_stores_nothing(org, api) -> None:
    ns = org["slug"]
    response = api.post("/dry-run", json=registration_body(ns))
    assert response.status_code == 200
    verdict = response.json()
    assert verdict["valid"] is True
    assert verdict["semverBump"] == "initial"
    assert re.fullmatch(r"[0-9a-f]{64}", verdict["schemaHash"])
    assert verdict["schemaFlavour"] == "json-schema-2020-12"
    assert verdict["previousVersion"] is None
    assert verdict["errors"] == []
    assert api.get(f"/registrations/{ns}/property.favorited/versions/1.0.0").status_code == 404


def test_dry_run_of_a_bad_candidate_is_200_with_every_problem(org, api) -> None:
    body = registration_body("auth", name="X", version="1.0")
    response = api.post("/dry-run", json=body)
    assert response.status_code == 200
    verdict = response.json()
    assert verdict["valid"] is False
    codes = {e["code"] for e in verdict["errors"]}
    assert {"reserved_namespace", "invalid_name", "invalid_version_format"} <= codes


def test_dry_run_sees_existing_versions(org, api) -> None:
    ns = org["slug"]
    register(api, ns)
    verdict = api.post(
        "/dry-run",
        json=registration_body(
            ns, version="1.0.1", payloadSchema=with_description(FAVORITED_SCHEMA, "v1.0.1")
        ),
    ).json()
    assert verdict["valid"] is True, verdict
    assert verdict["semverBump"] == "patch"
    assert verdict["previousVersion"] == "1.0.0"


def test_minor_bump_with_an_optional_property_registers(org, api) -> None:
    ns = org["slug"]
    register(api, ns)
    reg = register(api, ns, version="1.1.0", payloadSchema=with_optional_note(FAVORITED_SCHEMA))
    assert reg["version"] == "1.1.0"


def test_register_returns_the_full_registration(org, api) -> None:
    ns = org["slug"]
    example = dict(FAVORITED_PAYLOAD)
    response = api.post(
        "/registrations",
        json=registration_body(
            ns,
            status="draft",
            description="Fired when a customer favorites a property",
            payloadExample=example,
        ),
    )
    assert response.status_code == 201, response.text
    reg = response.json()
    assert reg["namespace"] == ns and reg["name"] == "property.favorited" and reg["version"] == "1.0.0"
    assert reg["status"] == "draft"
    assert reg["description"] == "Fired when a customer favorites a property"
    assert reg["payloadSchema"] == FAVORITED_SCHEMA
    assert reg["payloadExample"] == example
    assert reg["organizationId"] == org["organizationId"]
    assert reg["canonicalName"] == f"TENANT_CUSTOM:{org['organizationId']}:{ns}.property.favorited@1.0.0"
    assert reg["schemaFlavour"] == "json-schema-2020-12"
    assert TIMESTAMP.match(reg["createdAt"]) and TIMESTAMP.match(reg["updatedAt"])
    # The dry-run's hash is the stored hash.
    assert (
        api.post("/dry-run", json=registration_body(ns, version="2.0.0")).json()["schemaHash"]
        == reg["schemaHash"]
    )


def test_register_defaults_to_published_and_null_description_and_example(org, api) -> None:
    reg = register(api, org["slug"])
    assert reg["status"] == "published"
    assert reg["description"] is None
    assert reg["payloadExample"] is None


def test_openapi_31_schema_is_accepted_and_flavoured(org, api) -> None:
    schema = {"type": "object", "properties": {"id": {"type": "string", "example": "p_1"}}}
    reg = register(api, org["slug"], name="openapi.shape", payloadSchema=schema)
    assert reg["schemaFlavour"] == "openapi-3.1"


def test_get_version_and_latest(org, api) -> None:
    ns = org["slug"]
    register(api, ns)
    register(api, ns, version="1.0.1", payloadSchema=with_description(FAVORITED_SCHEMA, "documented"))
    register(api, ns, version="2.0.0", status="draft", payloadSchema=with_optional_note(FAVORITED_SCHEMA))
    one = api.get(f"/registrations/{ns}/property.favorited/versions/1.0.0")
    assert one.status_code == 200 and one.json()["version"] == "1.0.0"
    # latest = highest *published* version: the 2.0.0 draft does not count.
    latest = api.get(f"/registrations/{ns}/property.favorited/versions/latest")
    assert latest.status_code == 200 and latest.json()["version"] == "1.0.1"


def test_list_orders_numerically_filters_and_pages(org, api) -> None:
    ns = org["slug"]
    register(api, ns, name="a.event")
    schema = FAVORITED_SCHEMA
    version = "1.0.0"
    # 1.0.0 ... 10.0.0: numeric order must put 10.0.0 last (text order would not).
    for major in range(1, 11):
        schema = {**schema, "properties": {**schema["properties"], f"p{major}": {"type": "string"}}}
        version = f"{major}.0.0"
        register(api, ns, name="b.event", version=version, payloadSchema=schema)
    api.patch(f"/registrations/{ns}/b.event/versions/3.0.0", json={"status": "archived"})

    everything = api.get("/registrations", params={"namespace": ns}).json()
    assert [(r["name"], r["version"]) for r in everything["items"]] == [("a.event", "1.0.0")] + [
        ("b.event", f"{m}.0.0") for m in range(1, 11)
    ]
    assert everything["nextCursor"] is None

    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"namespace": ns, "name": "b.event", "limit": 4}
        if cursor:
            params["cursor"] = cursor
        page = api.get("/registrations", params=params).json()
        seen += [r["version"] for r in page["items"]]
        pages += 1
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == [f"{m}.0.0" for m in range(1, 11)]

    archived = api.get("/registrations", params={"namespace": ns, "status": "archived"}).json()
    assert [r["version"] for r in archived["items"]] == ["3.0.0"]
    # Without a namespace filter the org's generic event is listed too.
    all_names = {
        (r["namespace"], r["name"]) for r in api.get("/registrations", params={"limit": 500}).json()["items"]
    }
    assert ("platformxe", "generic") in all_names


def test_patch_description_and_status(org, api) -> None:
    ns = org["slug"]
    created = register(api, ns, status="draft")
    path = f"/registrations/{ns}/property.favorited/versions/1.0.0"
    response = api.patch(path, json={"description": "now documented"})
    assert response.status_code == 200
    assert response.json()["description"] == "now documented"
    assert response.json()["status"] == "draft"
    response = api.patch(path, json={"status": "published"})
    assert response.status_code == 200
    updated = response.json()
    assert updated["status"] == "published"
    assert updated["schemaHash"] == created["schemaHash"]
    assert updated["updatedAt"] >= created["updatedAt"]
    assert api.patch(path, json={"description": None}).json()["description"] is None
    # archived -> published is legal (un-archiving).
    assert api.patch(path, json={"status": "archived"}).json()["status"] == "archived"
    assert api.patch(path, json={"status": "published"}).json()["status"] == "published"


def test_delete_archives_and_is_idempotent(org, api) -> None:
    ns = org["slug"]
    register(api, ns)
    path = f"/registrations/{ns}/property.favorited/versions/1.0.0"
    first = api.delete(path)
    assert first.status_code == 200 and first.json()["status"] == "archived"
    again = api.delete(path)
    assert again.status_code == 200 and again.json()["status"] == "archived"
    # Archived versions stay readable and stop counting against the plan.
    assert api.get(path).json()["status"] == "archived"
    assert api.get("/health").json()["registrations"]["used"] == 0


def test_emit_generic_and_registered_events(org, api) -> None:
    generic = api.post(
        "/emit",
        json={
            "name": "platformxe.generic",
            "payload": {
                "kind": "user.signed_up",
                "summary": "New user joined",
                "data": {"userId": "usr_123"},
            },
        },
    )
    assert generic.status_code == 202, generic.text
    body = generic.json()
    assert body["status"] == "queued" and body["duplicate"] is False and body["version"] == "1.0.0"
    assert body["canonicalName"] == f"TENANT_CUSTOM:{org['organizationId']}:platformxe.generic@1.0.0"
    assert body["eventId"]

    ns = org["slug"]
    register(api, ns)
    register(api, ns, version="1.0.1", payloadSchema=with_description(FAVORITED_SCHEMA, "documented"))
    latest = api.post("/emit", json={"name": f"{ns}.property.favorited", "payload": FAVORITED_PAYLOAD})
    assert latest.status_code == 202
    assert latest.json()["version"] == "1.0.1"
    pinned = api.post(
        "/emit", json={"name": f"{ns}.property.favorited", "payload": FAVORITED_PAYLOAD, "version": "1.0.0"}
    )
    assert pinned.status_code == 202
    assert pinned.json()["canonicalName"].endswith(f"{ns}.property.favorited@1.0.0")
    assert len({generic.json()["eventId"], latest.json()["eventId"], pinned.json()["eventId"]}) == 3
    assert api.get("/health").json()["emits"]["thisMonth"] == 3


def test_idempotent_replay_returns_the_first_answer_and_is_not_counted(org, api) -> None:
    payload = {"kind": "order.placed"}
    first = api.post(
        "/emit", json={"name": "platformxe.generic", "payload": payload, "idempotencyKey": "order-1"}
    )
    replay = api.post(
        "/emit", json={"name": "platformxe.generic", "payload": payload, "idempotencyKey": "order-1"}
    )
    assert first.status_code == replay.status_code == 202
    assert first.json()["duplicate"] is False and replay.json()["duplicate"] is True
    assert replay.json()["eventId"] == first.json()["eventId"]
    assert replay.json()["canonicalName"] == first.json()["canonicalName"]
    assert api.get("/health").json()["emits"]["thisMonth"] == 1


def test_health_reports_plan_usage_and_recent_failures(org, api) -> None:
    ns = org["slug"]
    register(api, ns)
    for i in range(12):  # more than ten failures: only the last ten, newest first
        api.post("/emit", json={"name": f"{ns}.unknown{i}", "payload": {}})
    api.post("/emit", json={"name": "platformxe.generic", "payload": {"kind": "x"}})
    health = api.get("/health")
    assert health.status_code == 200
    body = health.json()
    assert body["plan"] == "PRO"
    assert body["registrations"] == {"used": 1, "limit": 25}
    assert body["emits"] == {"thisMonth": 1, "monthlyLimit": 100_000}
    # recentFailures lists emits whose *delivery* failed (tests/contract/test_bus_delivery.py);
    # refused emits stay in the lifecycle log.
    assert body["recentFailures"] == []
    log = api.get("/lifecycle-events", params={"limit": 500}).json()["items"]
    rejected = [e for e in log if e["type"] == "CUSTOM_EVENT_EMIT_REJECTED"]
    assert [e["subject"] for e in rejected] == [f"{ns}.unknown{i}" for i in range(12)]
    assert all(
        e["data"]["code"] == "event_not_registered" and TIMESTAMP.match(e["occurredAt"]) for e in rejected
    )


def test_health_limits_per_plan(registry_server) -> None:
    expected = {
        "free": ("FREE", 0, 1_000),
        "basic": ("BASIC", 5, 10_000),
        "enterprise": ("ENTERPRISE", None, None),
    }
    for plan, (name, registrations, emits) in expected.items():
        tenant = registry_server.new_org(plan, plan)
        with registry_server.client(tenant["apiKey"]) as client:
            body = client.get("/health").json()
        assert body["plan"] == name
        assert body["registrations"]["limit"] == registrations
        assert body["emits"]["monthlyLimit"] == emits


def test_lifecycle_log_tells_the_story_oldest_first(org, api) -> None:
    ns = org["slug"]
    register(api, ns)
    api.post("/registrations", json=registration_body(ns, version="9.9"))  # refused
    accepted = api.post("/emit", json={"name": f"{ns}.property.favorited", "payload": FAVORITED_PAYLOAD})
    api.post("/emit", json={"name": f"{ns}.property.favorited", "payload": {}})  # refused
    api.delete(f"/registrations/{ns}/property.favorited/versions/1.0.0")
    # The bus settles the accepted emit (no subscriber: delivered at once) on its own thread.
    event_path = f"/emits/{accepted.json()['eventId']}"
    deadline = time.monotonic() + 30
    while api.get(event_path).json()["deliveryStatus"] != "DELIVERED":
        assert time.monotonic() < deadline, "the bus never settled the emit"
        time.sleep(0.05)

    everything = []
    cursor = None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = api.get("/lifecycle-events", params=params).json()
        everything += page["items"]
        cursor = page["nextCursor"]
        if cursor is None:
            break
    # The bus's events come when its thread gets to them: in order among themselves, after the request.
    bus = [e for e in everything if e["type"] in ("CUSTOM_EVENT_EMIT_RELAYED", "CUSTOM_EVENT_EMIT_DELIVERED")]
    assert [e["type"] for e in bus] == ["CUSTOM_EVENT_EMIT_RELAYED", "CUSTOM_EVENT_EMIT_DELIVERED"]
    assert all(e["data"]["eventId"] == accepted.json()["eventId"] for e in bus)
    items = [e for e in everything if e not in bus]
    types = [e["type"] for e in items]
    assert types == [
        "CUSTOM_EVENT_GENERIC_SEEDED",
        "CUSTOM_EVENT_REQUESTED",
        "CUSTOM_EVENT_VALIDATED",
        "CUSTOM_EVENT_PERSISTED",
        "CUSTOM_EVENT_MATERIALISED",
        "CUSTOM_EVENT_REGISTERED",
        "CUSTOM_EVENT_REQUESTED",
        "CUSTOM_EVENT_VALIDATION_FAILED",
        "CUSTOM_EVENT_EMIT_REQUESTED",
        "CUSTOM_EVENT_EMIT_REJECTED",
        "CUSTOM_EVENT_INVALIDATED",
    ]
    ids = [e["id"] for e in everything]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert bus[0]["id"] > items[8]["id"]  # relayed after it was requested
    assert all(e["organizationId"] == org["organizationId"] for e in items)
    assert items[5]["subject"] == f"TENANT_CUSTOM:{org['organizationId']}:{ns}.property.favorited@1.0.0"
    assert items[7]["data"]["code"] == "invalid_version_format"
    assert items[9]["data"]["code"] == "payload_invalid"
    # A poller can resume after the last id it holds.
    after_last = api.get("/lifecycle-events", params={"cursor": str(ids[-1])}).json()
    assert after_last == {"items": [], "nextCursor": None}


def test_unknown_route_is_a_not_found_error_body(registry_server) -> None:
    response = httpx.get(registry_server.url + "/v1/events/custom/nope")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    wrong_method = httpx.put(registry_server.url + "/v1/events/custom/emit")
    assert wrong_method.status_code == 405
    assert error_of(wrong_method)["code"] == "method_not_allowed"
