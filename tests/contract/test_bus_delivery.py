"""Delivery by the embedded bus of a real server to real HTTP receivers on loopback: signatures,
retries (500, 429 + Retry-After, timeouts), 410, settle status, health, replays, lifecycle."""

from __future__ import annotations

import json
from datetime import datetime

from bus_helpers import emit, lifecycle, subscribe, tenant_with_event, wait_status
from standardwebhooks.webhooks import Webhook

from platformxe import verify_webhook
from support.webhook_receiver import WebhookReceiver


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_a_delivery_is_signed_the_standard_webhooks_way(bus_server) -> None:
    org, client, ref = tenant_with_event(bus_server)
    with client, WebhookReceiver() as rx:
        sub = subscribe(client, rx.url, ref)
        event = emit(client, ref, {"n": 7})
        [got] = rx.wait_for(1)
        settled = wait_status(client, event["eventId"], "DELIVERED")
    # The reference library accepts it, and so does our SDK.
    assert Webhook(sub["secret"]).verify(got.body, got.headers) == got.json()
    assert verify_webhook(sub["secret"], got.headers, got.body) == got.json()
    assert got.headers["webhook-id"] == event["eventId"]
    assert got.headers["content-type"] == "application/json"
    assert got.headers["platformxe-canonical-name"] == event["canonicalName"]
    assert got.headers["platformxe-chain-depth"] == "0"
    assert got.json() == {
        "eventId": event["eventId"],
        "canonicalName": f"TENANT_CUSTOM:{org['organizationId']}:{ref}",
        "name": ref.split("@")[0],
        "version": "1.0.0",
        "organizationId": org["organizationId"],
        "occurredAt": settled["createdAt"],
        "chainDepth": 0,
        "payload": {"n": 7},
    }
    assert b" " not in got.body  # compact JSON
    [delivery] = settled["deliveries"]
    assert delivery["subscriptionId"] == sub["id"] and delivery["status"] == "DELIVERED"
    assert delivery["attempts"][0]["statusCode"] == 200 and delivery["nextAttemptAt"] is None


def test_500_then_success_retries_with_the_same_webhook_id(bus_server) -> None:
    _, client, ref = tenant_with_event(bus_server)
    with client, WebhookReceiver() as rx:
        subscribe(client, rx.url, ref)
        rx.respond(500)
        event = emit(client, ref, {"n": 1})
        first, second = rx.wait_for(2)
        settled = wait_status(client, event["eventId"], "DELIVERED")
        log = [e for e in lifecycle(client) if e["data"].get("eventId") == event["eventId"]]
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == event["eventId"]
    attempts = settled["deliveries"][0]["attempts"]
    assert [a.get("statusCode") for a in attempts] == [500, 200]
    assert [e["type"] for e in log] == [
        "CUSTOM_EVENT_EMIT_REQUESTED",
        "CUSTOM_EVENT_EMIT_RELAYED",
        "CUSTOM_EVENT_EMIT_DELIVERED",
    ]
    assert log[-1]["data"]["deliveries"][0]["attempts"] == 2


def test_429_retry_after_is_honoured(bus_server) -> None:
    _, client, ref = tenant_with_event(bus_server)
    with client, WebhookReceiver() as rx:
        subscribe(client, rx.url, ref)
        rx.respond(429, headers={"Retry-After": "2"})
        event = emit(client, ref, {"n": 1})
        rx.wait_for(2)
        settled = wait_status(client, event["eventId"], "DELIVERED")
    first, second = settled["deliveries"][0]["attempts"]
    assert first["statusCode"] == 429 and second["statusCode"] == 200
    # The schedule says 0.2 s; the receiver asked for 2 s and got at least that.
    assert (_time(second["at"]) - _time(first["at"])).total_seconds() >= 2.0


def test_timeouts_exhaust_the_schedule_then_failed_shows_in_health_and_replay_delivers(bus_server) -> None:
    _, client, ref = tenant_with_event(bus_server)
    with client, WebhookReceiver() as rx:
        sub = subscribe(client, rx.url, ref)
        rx.respond(200, times=3, delay=1.5)  # each longer than the 1 s delivery timeout
        event = emit(client, ref, {"n": 1})
        failed = wait_status(client, event["eventId"], "FAILED")
        attempts = failed["deliveries"][0]["attempts"]
        assert len(attempts) == 3 and all("timeout" in a["error"] for a in attempts)
        assert failed["deliveries"][0]["status"] == "FAILED"
        health = client.get("/health").json()
        [failure] = health["recentFailures"]
        assert failure["eventId"] == event["eventId"] and failure["deliveryStatus"] == "FAILED"
        assert failure["canonicalName"] == event["canonicalName"] and "timeout" in failure["lastError"]
        assert failure["name"] == ref.split("@")[0] and failure["version"] == "1.0.0" and failure["failedAt"]
        log = [e for e in lifecycle(client) if e["data"].get("eventId") == event["eventId"]]
        assert log[-1]["type"] == "CUSTOM_EVENT_EMIT_DELIVERY_FAILED"
        assert log[-1]["data"]["deliveries"][0]["subscriptionId"] == sub["id"]
        # Replay of the one event: the receiver answers at once now.
        replay = client.post(f"/emits/{event['eventId']}/replay")
        assert replay.status_code == 202 and replay.json() == {"eventId": event["eventId"], "queued": 1}
        delivered = wait_status(client, event["eventId"], "DELIVERED")
        assert len(delivered["deliveries"][0]["attempts"]) == 4
        assert client.get("/health").json()["recentFailures"] == []


def test_410_disables_the_subscription_and_nothing_more_is_sent(bus_server) -> None:
    _, client, ref = tenant_with_event(bus_server)
    with client, WebhookReceiver() as rx:
        sub = subscribe(client, rx.url, ref)
        rx.respond(410)
        event = emit(client, ref, {"n": 1})
        failed = wait_status(client, event["eventId"], "FAILED")
        assert len(failed["deliveries"][0]["attempts"]) == 1
        body = client.get(f"/subscriptions/{sub['id']}").json()
        assert body["enabled"] is False and "410" in body["disabledReason"]
        later = emit(client, ref, {"n": 2})
        wait_status(client, later["eventId"], "DELIVERED")  # vacuously: no enabled subscriber
        assert len(rx.requests) == 1


def test_subscription_replay_since_a_time(bus_server) -> None:
    _, client, ref = tenant_with_event(bus_server)
    with client, WebhookReceiver() as rx:
        sub = subscribe(client, rx.url, ref)
        rx.default.status = 500
        events = [emit(client, ref, {"n": i}) for i in range(3)]
        for e in events:
            wait_status(client, e["eventId"], "FAILED")
        since = "2000-01-01T00:00:00Z"
        rx.default.status = 200
        bad = client.post(f"/subscriptions/{sub['id']}/replay", json={"since": "yesterday"})
        assert bad.status_code == 400 and bad.json()["error"]["details"]["field"] == "since"
        replay = client.post(f"/subscriptions/{sub['id']}/replay", json={"since": since})
        assert replay.status_code == 202 and replay.json() == {"queued": 3}
        for e in events:
            wait_status(client, e["eventId"], "DELIVERED")
        future = client.post(f"/subscriptions/{sub['id']}/replay", json={"since": "2999-01-01T00:00:00Z"})
        assert future.json() == {"queued": 0}


def test_generic_emits_route_by_kind(bus_server) -> None:
    org = bus_server.new_org("basic", "kinds")
    generic = "platformxe.generic@1.0.0"
    with (
        bus_server.client(org["apiKey"]) as client,
        WebhookReceiver() as signups,
        WebhookReceiver() as everything,
    ):
        subscribe(client, signups.url, generic, kinds=["user.signed_up"])
        subscribe(client, everything.url, generic)
        a = emit(client, generic, {"kind": "user.signed_up", "data": {}})
        b = emit(client, generic, {"kind": "order.placed", "data": {}})
        wait_status(client, a["eventId"], "DELIVERED")
        wait_status(client, b["eventId"], "DELIVERED")
    assert [r.json()["eventId"] for r in signups.requests] == [a["eventId"]]
    assert sorted(r.json()["eventId"] for r in everything.requests) == sorted([a["eventId"], b["eventId"]])


def test_after_a_rotation_both_secrets_sign(bus_server) -> None:
    _, client, ref = tenant_with_event(bus_server)
    with client, WebhookReceiver() as rx:
        sub = subscribe(client, rx.url, ref)
        new = client.post(f"/subscriptions/{sub['id']}/rotate-secret").json()["secret"]
        event = emit(client, ref, {"n": 1})
        [got] = rx.wait_for(1)
        wait_status(client, event["eventId"], "DELIVERED")
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    assert Webhook(sub["secret"]).verify(got.body, got.headers) == json.loads(got.body)
    assert Webhook(new).verify(got.body, got.headers) == json.loads(got.body)


def test_deleting_a_subscription_fails_its_pending_deliveries(bus_server) -> None:
    _, client, ref = tenant_with_event(bus_server)
    with client, WebhookReceiver() as rx:
        sub = subscribe(client, rx.url, ref)
        rx.default.status = 503
        rx.default.headers = {"Retry-After": "600"}  # parked for ten minutes
        event = emit(client, ref, {"n": 1})
        rx.wait_for(1)
        parked = wait_status(client, event["eventId"], "RELAYED")
        assert client.delete(f"/subscriptions/{sub['id']}").status_code == 200
        failed = wait_status(client, event["eventId"], "FAILED")
        assert failed["deliveries"][0]["status"] == "FAILED"
        assert parked["deliveries"]
