"""Tenancy: organisation B's key sees and changes nothing of organisation A, on every endpoint;
and the ``platformxe admin`` commands that create tenants behave (one-line errors, exit 2)."""

from __future__ import annotations

import json

from support.registry_data import FAVORITED_PAYLOAD, error_of, register, registration_body, settle
from support.registry_process import unique_slug


def test_org_b_sees_and_changes_nothing_of_org_a(registry_server) -> None:
    a = registry_server.new_org("pro", "tenant-a")
    b = registry_server.new_org("pro", "tenant-b")
    ns = a["slug"]
    path = f"/registrations/{ns}/property.favorited/versions/1.0.0"
    with registry_server.client(a["apiKey"]) as client_a, registry_server.client(b["apiKey"]) as client_b:
        registered = register(client_a, ns)
        accepted = client_a.post(
            "/emit", json={"name": f"{ns}.property.favorited", "payload": FAVORITED_PAYLOAD}
        )
        client_a.post("/emit", json={"name": f"{ns}.property.favorited", "payload": {}})  # a failure of A
        settle(client_a, accepted)
        before_a = {
            "health": client_a.get("/health").json(),
            "lifecycle": client_a.get("/lifecycle-events", params={"limit": 500}).json(),
            "list": client_a.get("/registrations").json(),
        }

        # list: B sees only its own generic event, with or without A's namespace as a filter.
        listed = client_b.get("/registrations").json()["items"]
        assert [(r["namespace"], r["name"]) for r in listed] == [("platformxe", "generic")]
        assert all(r["organizationId"] == b["organizationId"] for r in listed)
        assert client_b.get("/registrations", params={"namespace": ns}).json() == {
            "items": [],
            "nextCursor": None,
        }
        # get / latest
        assert error_of(client_b.get(path))["code"] == "event_not_registered"
        latest = client_b.get(f"/registrations/{ns}/property.favorited/versions/latest")
        assert error_of(latest)["code"] == "event_not_registered"
        # patch / delete
        assert error_of(client_b.patch(path, json={"status": "archived"}))["code"] == "event_not_registered"
        assert (
            error_of(client_b.patch(path, json={"description": "hijacked"}))["code"] == "event_not_registered"
        )
        assert error_of(client_b.delete(path))["code"] == "event_not_registered"
        # register into A's namespace: not on B's allowlist.
        refused = client_b.post("/registrations", json=registration_body(ns))
        assert error_of(refused)["code"] == "namespace_not_allowed"
        # dry-run: B's verdict knows nothing of A's 1.0.0 (and still refuses the namespace).
        verdict = client_b.post("/dry-run", json=registration_body(ns)).json()
        assert verdict["previousVersion"] is None
        assert "version_already_exists" not in {e["code"] for e in verdict["errors"]}
        # emit to A's event name, with and without A's version, and replaying nothing of A's.
        for body in (
            {"name": f"{ns}.property.favorited", "payload": FAVORITED_PAYLOAD},
            {"name": f"{ns}.property.favorited", "payload": FAVORITED_PAYLOAD, "version": "1.0.0"},
        ):
            assert error_of(client_b.post("/emit", json=body))["code"] == "event_not_registered"
        # B's own generic event resolves to B's canonical name, never A's.
        own = client_b.post("/emit", json={"name": "platformxe.generic", "payload": {"kind": "k"}}).json()
        assert own["canonicalName"] == f"TENANT_CUSTOM:{b['organizationId']}:platformxe.generic@1.0.0"
        # health: B's counts are B's alone.
        health_b = client_b.get("/health").json()
        assert health_b["registrations"]["used"] == 0
        assert health_b["emits"]["thisMonth"] == 1
        assert health_b["recentFailures"] == []
        # lifecycle: every event B sees is B's.
        events_b = client_b.get("/lifecycle-events", params={"limit": 500}).json()["items"]
        assert events_b and all(e["organizationId"] == b["organizationId"] for e in events_b)
        assert all(a["organizationId"] not in e["subject"] for e in events_b)

        # And A's world is exactly as it was.
        assert client_a.get(path).json() == registered
        assert client_a.get("/health").json() == before_a["health"]
        assert client_a.get("/lifecycle-events", params={"limit": 500}).json() == before_a["lifecycle"]
        assert client_a.get("/registrations").json() == before_a["list"]


def test_idempotency_keys_are_per_organisation(registry_server) -> None:
    a = registry_server.new_org("basic", "idem-a")
    b = registry_server.new_org("basic", "idem-b")
    body = {"name": "platformxe.generic", "payload": {"kind": "k"}, "idempotencyKey": "shared-key"}
    with registry_server.client(a["apiKey"]) as client_a, registry_server.client(b["apiKey"]) as client_b:
        first_a = client_a.post("/emit", json=body).json()
        first_b = client_b.post("/emit", json=body).json()
    assert first_a["duplicate"] is False and first_b["duplicate"] is False
    assert first_a["eventId"] != first_b["eventId"]


def test_admin_org_create_json_output(registry_server) -> None:
    slug = unique_slug("json")
    result = registry_server.admin("org", "create", "--slug", slug, "--plan", "enterprise", "--json")
    created = json.loads(result.stdout)
    assert set(created) == {"organizationId", "slug", "plan", "apiKey"}
    assert created["organizationId"].startswith("org_")
    assert created["slug"] == slug and created["plan"] == "enterprise"
    assert created["apiKey"].startswith("pxe_") and len(created["apiKey"]) >= 40


def test_admin_org_create_text_output_says_the_key_is_shown_once(registry_server) -> None:
    result = registry_server.admin("org", "create", "--slug", unique_slug("text"), "--plan", "basic")
    assert "shown once" in result.stdout
    assert "pxe_" in result.stdout


def test_admin_errors_are_one_line_and_exit_2(registry_server) -> None:
    taken = registry_server.new_org("free", "taken")["slug"]
    cases = [
        (("org", "create", "--slug", taken, "--plan", "free"), "already exists"),
        (("org", "create", "--slug", "Not A Slug", "--plan", "free"), "invalid_namespace"),
        (("org", "create", "--slug", "webhooks", "--plan", "free"), "reserved_namespace"),
        (("key", "create", "--org", "org_doesnotexist"), "no organisation"),
        (("plan", "set", "--org", "no-such-slug", "--plan", "pro"), "no organisation"),
        (("namespace", "grant", "--org", taken, "--namespace", "identity"), "reserved_namespace"),
        (("namespace", "grant", "--org", taken, "--namespace", "9bad"), "invalid_namespace"),
    ]
    for args, needle in cases:
        result = registry_server.admin(*args, check=False)
        assert result.returncode == 2, (args, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and needle in lines[0], (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_admin_namespace_grant_lets_the_org_register_there(registry_server) -> None:
    tenant = registry_server.new_org("pro", "grant")
    extra_ns = unique_slug("lettings")
    with registry_server.client(tenant["apiKey"]) as client:
        assert (
            error_of(client.post("/registrations", json=registration_body(extra_ns)))["code"]
            == "namespace_not_allowed"
        )
        granted = registry_server.admin(
            "namespace", "grant", "--org", tenant["slug"], "--namespace", extra_ns, "--json"
        )
        assert extra_ns in json.loads(granted.stdout)["allowlist"]
        register(client, extra_ns)
        # Granting twice is harmless.
        assert (
            registry_server.admin(
                "namespace", "grant", "--org", tenant["slug"], "--namespace", extra_ns
            ).returncode
            == 0
        )


def test_admin_key_create_issues_a_working_second_key(registry_server) -> None:
    tenant = registry_server.new_org("basic", "keys")
    result = registry_server.admin("key", "create", "--org", tenant["organizationId"], "--json")
    second = json.loads(result.stdout)
    assert second["organizationId"] == tenant["organizationId"]
    assert second["apiKey"] != tenant["apiKey"]
    with registry_server.client(second["apiKey"]) as client:
        assert client.get("/health").json()["plan"] == "BASIC"


def test_api_keys_are_stored_hashed(registry_server) -> None:
    from platformxe.registry.storage import open_store

    tenant = registry_server.new_org("basic", "hashed")
    store = open_store(registry_server.db, pool_size=1)
    try:
        with store.read() as tx:
            rows = tx.all("SELECT * FROM api_keys WHERE organization_id = ?", (tenant["organizationId"],))
    finally:
        store.close()
    assert len(rows) == 1
    stored = json.dumps(rows)
    assert tenant["apiKey"] not in stored
    assert tenant["apiKey"][12:] not in stored  # not even the secret part
    import hashlib

    assert rows[0]["key_hash"] == hashlib.sha256(tenant["apiKey"].encode()).hexdigest()


def test_api_keys_and_bodies_never_reach_the_server_log(registry_server) -> None:
    tenant = registry_server.new_org("basic", "quiet")
    marker = "secret-marker-" + tenant["slug"]
    with registry_server.client(tenant["apiKey"]) as client:
        client.post("/emit", json={"name": "platformxe.generic", "payload": {"kind": marker}})
        client.post("/emit", json={"name": "platformxe.generic", "payload": {"summary": marker}})  # refused
    log = registry_server.log_path.read_text(encoding="utf-8")
    assert "/v1/events/custom/emit" in log  # the access log is on...
    assert tenant["apiKey"] not in log  # ...without the key
    assert marker not in log  # ...and without bodies
