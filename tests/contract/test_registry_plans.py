"""Plan tiers over HTTP: Free emits only the generic event, Basic routes to the latest version
only, Pro pins any published version, monthly ceilings allow exactly the tier's number, and
``admin plan set`` takes effect on the next request."""

from __future__ import annotations

import json
import uuid

from platformxe.registry.clock import month_of, now_text
from platformxe.registry.storage import emits as emit_rows
from platformxe.registry.storage import open_store
from support.registry_data import (
    FAVORITED_PAYLOAD,
    FAVORITED_SCHEMA,
    error_of,
    register,
    with_description,
)


def seed_accepted_emits(db: str, org_id: str, count: int) -> None:
    """Write ``count`` accepted emits of this month straight into the registry's database.

    Same database, same storage code the server uses: far cheaper than ``count`` HTTP calls and
    indistinguishable from them for the monthly counter.
    """
    store = open_store(db, pool_size=1)
    now = now_text()
    try:
        with store.write(org_id) as tx:
            for _ in range(count):
                event_id = "evt_" + uuid.uuid4().hex
                emit_rows.insert_emit(
                    tx,
                    {
                        "event_id": event_id,
                        "organization_id": org_id,
                        "namespace": "platformxe",
                        "name": "generic",
                        "version": "1.0.0",
                        "canonical_name": f"TENANT_CUSTOM:{org_id}:platformxe.generic@1.0.0",
                        "payload": json.dumps({"kind": "seeded"}),
                        "idempotency_key": None,
                        "created_at": now,
                        "month": month_of(now),
                    },
                )
    finally:
        store.close()


GENERIC = {"name": "platformxe.generic", "payload": {"kind": "tick"}}


def test_monthly_ceiling_allows_exactly_the_tier_number(registry_server) -> None:
    tenant = registry_server.new_org("free", "free")
    seed_accepted_emits(registry_server.db, tenant["organizationId"], 998)
    with registry_server.client(tenant["apiKey"]) as client:
        assert client.get("/health").json()["emits"] == {"thisMonth": 998, "monthlyLimit": 1000}
        assert client.post("/emit", json=GENERIC).status_code == 202  # 999
        last = client.post("/emit", json={**GENERIC, "idempotencyKey": "the-1000th"})
        assert last.status_code == 202  # 1,000: the tier's number is allowed
        refused = client.post("/emit", json=GENERIC)
        assert refused.status_code == 402
        error = error_of(refused)
        assert error["code"] == "monthly_emit_quota_exceeded"
        assert error["details"]["limit"] == 1000
        # A replay of an accepted emit is still answered (and still not counted).
        replay = client.post("/emit", json={**GENERIC, "idempotencyKey": "the-1000th"})
        assert replay.status_code == 202 and replay.json()["duplicate"] is True
        assert replay.json()["eventId"] == last.json()["eventId"]
        health = client.get("/health").json()
        assert health["emits"]["thisMonth"] == 1000  # refusals are not counted
        assert health["recentFailures"] == []  # only failed deliveries are listed there
        log, cursor = [], None
        while True:  # every page: the bus logs each accepted emit's relay and delivery too
            page = client.get("/lifecycle-events", params={"limit": 500, "cursor": cursor or ""}).json()
            log += page["items"]
            cursor = page["nextCursor"]
            if not cursor:
                break
        quota = [e for e in log if e["type"] == "CUSTOM_EVENT_QUOTA_EXCEEDED"]
        assert quota and quota[-1]["data"]["code"] == "monthly_emit_quota_exceeded"
        # Moving up a tier lifts the ceiling at once.
        registry_server.admin("plan", "set", "--org", tenant["organizationId"], "--plan", "basic")
        assert client.post("/emit", json=GENERIC).status_code == 202
        assert client.get("/health").json()["emits"] == {"thisMonth": 1001, "monthlyLimit": 10_000}


def test_free_plan_emits_only_the_generic_event(registry_server) -> None:
    tenant = registry_server.new_org("basic", "former")
    ns = tenant["slug"]
    with registry_server.client(tenant["apiKey"]) as client:
        register(client, ns)
        registry_server.admin("plan", "set", "--org", ns, "--plan", "free")
        assert client.post("/emit", json=GENERIC).status_code == 202
        refused = client.post(
            "/emit", json={"name": f"{ns}.property.favorited", "payload": FAVORITED_PAYLOAD}
        )
        assert refused.status_code == 409
        error = error_of(refused)
        assert error["code"] == "event_not_published" and "Free" in error["message"]
        assert client.get("/health").json()["plan"] == "FREE"


def test_basic_plan_routes_to_latest_only(registry_server) -> None:
    tenant = registry_server.new_org("basic", "basic")
    ns = tenant["slug"]
    name = f"{ns}.property.favorited"
    with registry_server.client(tenant["apiKey"]) as client:
        register(client, ns)
        register(client, ns, version="1.0.1", payloadSchema=with_description(FAVORITED_SCHEMA, "patched"))
        assert (
            client.post("/emit", json={"name": name, "payload": FAVORITED_PAYLOAD}).json()["version"]
            == "1.0.1"
        )
        pinned_latest = client.post(
            "/emit", json={"name": name, "payload": FAVORITED_PAYLOAD, "version": "1.0.1"}
        )
        assert pinned_latest.status_code == 202
        older = client.post("/emit", json={"name": name, "payload": FAVORITED_PAYLOAD, "version": "1.0.0"})
        assert older.status_code == 409
        error = error_of(older)
        assert error["code"] == "event_not_published"
        assert "Basic" in error["message"] and "1.0.1" in error["message"]


def test_pro_plan_pins_any_published_version(registry_server) -> None:
    tenant = registry_server.new_org("pro", "pin")
    ns = tenant["slug"]
    with registry_server.client(tenant["apiKey"]) as client:
        register(client, ns)
        register(client, ns, version="1.0.1", payloadSchema=with_description(FAVORITED_SCHEMA, "patched"))
        older = client.post(
            "/emit",
            json={"name": f"{ns}.property.favorited", "payload": FAVORITED_PAYLOAD, "version": "1.0.0"},
        )
        assert older.status_code == 202 and older.json()["version"] == "1.0.0"
