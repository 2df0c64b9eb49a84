"""Subscriptions API against a real server: create/list/get/patch/delete, secrets, URL rules,
plans, and tenant isolation on every bus endpoint (docs/bus.md)."""

from __future__ import annotations

import re

import pytest
from bus_helpers import emit, subscribe, tenant_with_event, wait_status

from support.registry_data import error_of

SECRET = re.compile(r"^whsec_[A-Za-z0-9+/]+={0,2}$")


def test_create_returns_the_secret_once_and_the_canonical_names(bus_server) -> None:
    org, client, ref = tenant_with_event(bus_server)
    with client:
        made = subscribe(client, "http://127.0.0.1:9/hook", ref, description="orders")
        assert made["id"].startswith("sub_") and SECRET.match(made["secret"])
        assert made["events"] == [ref]
        assert made["canonicalNames"] == [f"TENANT_CUSTOM:{org['organizationId']}:{ref}"]
        assert made["enabled"] is True and made["kinds"] == [] and made["description"] == "orders"
        got = client.get(f"/subscriptions/{made['id']}").json()
        assert "secret" not in got and got["id"] == made["id"]
        listed = client.get("/subscriptions").json()
        assert [s["id"] for s in listed["items"]] == [made["id"]] and listed["nextCursor"] is None
        assert all("secret" not in s for s in listed["items"])
        own = "whsec_" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQQ=="
        given = subscribe(client, "http://127.0.0.1:9/other", ref, secret=own)
        assert given["secret"] == own


def test_list_pages_in_creation_order(bus_server) -> None:
    _, client, ref = tenant_with_event(bus_server)
    with client:
        ids = [subscribe(client, f"http://127.0.0.1:9/h{i}", ref)["id"] for i in range(5)]
        seen, cursor = [], None
        while True:
            page = client.get(
                "/subscriptions", params={"limit": 2, **({"cursor": cursor} if cursor else {})}
            ).json()
            seen += [s["id"] for s in page["items"]]
            cursor = page["nextCursor"]
            if cursor is None:
                break
        assert seen == ids
        bad = client.get("/subscriptions", params={"cursor": "not-ours"})
        assert bad.status_code == 400 and error_of(bad)["details"]["field"] == "cursor"


def test_patch_changes_fields_and_delete_removes(bus_server) -> None:
    _, client, ref = tenant_with_event(bus_server)
    with client:
        made = subscribe(client, "http://127.0.0.1:9/hook", ref)
        patched = client.patch(
            f"/subscriptions/{made['id']}",
            json={"enabled": False, "description": "paused", "url": "http://127.0.0.1:9/b"},
        )
        assert patched.status_code == 200, patched.text
        body = patched.json()
        assert body["enabled"] is False and body["description"] == "paused" and body["url"].endswith("/b")
        assert "secret" not in body
        empty = client.patch(f"/subscriptions/{made['id']}", json={})
        assert empty.status_code == 400 and error_of(empty)["code"] == "invalid_request"
        gone = client.delete(f"/subscriptions/{made['id']}")
        assert gone.status_code == 200 and gone.json() == {"id": made["id"], "deleted": True}
        assert client.get(f"/subscriptions/{made['id']}").status_code == 404


def test_rotate_secret_gives_a_new_one(bus_server) -> None:
    _, client, ref = tenant_with_event(bus_server)
    with client:
        made = subscribe(client, "http://127.0.0.1:9/hook", ref)
        rotated = client.post(f"/subscriptions/{made['id']}/rotate-secret")
        assert rotated.status_code == 200
        assert SECRET.match(rotated.json()["secret"]) and rotated.json()["secret"] != made["secret"]


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"url": "http://127.0.0.1:9/h"}, 400, "invalid_request", "events"),
        ({"url": "http://127.0.0.1:9/h", "events": []}, 400, "invalid_request", "events"),
        ({"url": "http://127.0.0.1:9/h", "events": ["nope"]}, 400, "invalid_request", "events"),
        ({"url": "http://127.0.0.1:9/h", "events": ["{ns}.order.placed"]}, 400, "invalid_request", "events"),
        (
            {"url": "http://127.0.0.1:9/h", "events": ["{ns}.order.placed@9.9.9"]},
            404,
            "event_not_registered",
            "events",
        ),
        (
            {"url": "http://127.0.0.1:9/h", "events": ["{ref}"], "kinds": ["a"]},
            400,
            "invalid_request",
            "kinds",
        ),
        (
            {"url": "http://127.0.0.1:9/h", "events": ["{ref}"], "secret": "whsec_short"},
            400,
            "invalid_request",
            "secret",
        ),
        (
            {"url": "http://127.0.0.1:9/h", "events": ["{ref}"], "colour": "red"},
            400,
            "invalid_request",
            "colour",
        ),
        ({"events": ["{ref}"]}, 400, "invalid_request", "url"),
        ({"url": "ftp://example.com/", "events": ["{ref}"]}, 400, "invalid_webhook_url", "url"),
    ],
)
def test_bad_bodies_name_the_field_and_code(bus_server, body, status, code, field) -> None:
    org, client, ref = tenant_with_event(bus_server)
    text = {
        k: ([e.format(ns=org["slug"], ref=ref) for e in v] if k == "events" else v) for k, v in body.items()
    }
    with client:
        answer = client.post("/subscriptions", json=text)
    assert answer.status_code == status, answer.text
    error = error_of(answer)
    assert error["code"] == code and error["details"]["field"] == field


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/hook",  # not https
        "https://127.0.0.1/hook",  # loopback
        "https://10.1.2.3/hook",  # private
        "https://169.254.169.254/latest/meta-data",  # link-local (cloud metadata)
        "https://[::1]/hook",
        "https://localhost/hook",  # resolves to loopback
    ],
)
def test_private_and_plain_http_urls_are_refused_by_default(registry_server, url) -> None:
    org = registry_server.new_org("pro", "ssrf")
    with registry_server.client(org["apiKey"]) as client:
        answer = client.post("/subscriptions", json={"url": url, "events": ["platformxe.generic@1.0.0"]})
    assert answer.status_code == 400, answer.text
    error = error_of(answer)
    assert error["code"] == "invalid_webhook_url" and error["details"]["field"] == "url"
    assert "--allow-private-webhooks" in error["message"]


def test_free_plan_may_subscribe_to_generic_only_with_kinds(bus_server) -> None:
    org = bus_server.new_org("free", "free")
    with bus_server.client(org["apiKey"]) as client:
        ok = subscribe(client, "http://127.0.0.1:9/h", "platformxe.generic@1.0.0", kinds=["user.signed_up"])
        assert ok["kinds"] == ["user.signed_up"]
        other = client.post(
            "/subscriptions", json={"url": "http://127.0.0.1:9/h", "events": [f"{org['slug']}.x.y@1.0.0"]}
        )
        assert other.status_code == 400 and "platformxe.generic" in error_of(other)["message"]
        for _ in range(4):
            subscribe(client, "http://127.0.0.1:9/h", "platformxe.generic@1.0.0")
        capped = client.post(
            "/subscriptions", json={"url": "http://127.0.0.1:9/h", "events": ["platformxe.generic@1.0.0"]}
        )
        assert capped.status_code == 402 and error_of(capped)["code"] == "subscription_quota_exceeded"
        assert error_of(capped)["details"]["limit"] == 5


def test_another_organisation_sees_nothing_of_the_bus(bus_server) -> None:
    a, client_a, ref = tenant_with_event(bus_server)
    b = bus_server.new_org("pro", "other")
    with client_a, bus_server.client(b["apiKey"]) as client_b:
        sub = subscribe(client_a, "http://127.0.0.1:9/hook", ref)
        event = emit(client_a, ref, {"n": 1})
        for method, path, body in [
            ("GET", f"/subscriptions/{sub['id']}", None),
            ("PATCH", f"/subscriptions/{sub['id']}", {"enabled": False}),
            ("DELETE", f"/subscriptions/{sub['id']}", None),
            ("POST", f"/subscriptions/{sub['id']}/rotate-secret", None),
            ("POST", f"/subscriptions/{sub['id']}/replay", {"since": "2020-01-01T00:00:00Z"}),
            ("GET", f"/emits/{event['eventId']}", None),
            ("POST", f"/emits/{event['eventId']}/replay", None),
        ]:
            answer = client_b.request(method, path, json=body)
            assert answer.status_code == 404, (method, path, answer.text)
            assert a["organizationId"] not in answer.text and ref not in answer.text
        assert client_b.get("/subscriptions").json()["items"] == []
        # B cannot chain onto A's event either: the same answer as an unknown id.
        caused = client_b.post(
            "/emit",
            json={"name": "platformxe.generic", "payload": {"kind": "k"}, "causationId": event["eventId"]},
        )
        unknown = client_b.post(
            "/emit", json={"name": "platformxe.generic", "payload": {"kind": "k"}, "causationId": "evt_nope"}
        )
        assert caused.status_code == unknown.status_code == 404
        assert (
            error_of(caused)["code"] == "event_not_registered"
            and error_of(caused)["details"]["field"] == "causationId"
        )
        # A's subscription is untouched by B's attempts.
        assert client_a.get(f"/subscriptions/{sub['id']}").json()["enabled"] is True
        wait_status(client_a, event["eventId"], "DELIVERED", "FAILED", "RELAYED")
