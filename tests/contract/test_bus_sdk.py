"""The SDK's bus surface against a real server delivering to a real receiver:
``client.events.custom.subscriptions.*``, ``get_emit``, ``replay_emit``, ``emit(causation_id=…)``,
``platformxe.verify_webhook`` and the exception classes of the bus's error codes."""

from __future__ import annotations

import time

import pytest

import platformxe
from platformxe.client import Client, errors
from support.webhook_receiver import WebhookReceiver


def _settled(custom, event_id: str, *statuses: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 30
    while True:
        got = custom.get_emit(event_id)
        if got.delivery_status in statuses:
            return got
        assert time.monotonic() < deadline, got.to_dict()
        time.sleep(0.05)


def test_the_sdk_drives_every_bus_call(bus_server, registry_server) -> None:
    org = bus_server.new_org("pro", "sdkbus")
    with Client(bus_server.url, org["apiKey"], max_retries=0) as client, WebhookReceiver() as rx:
        custom = client.events.custom
        custom.register(
            namespace=org["slug"], name="order.placed", version="1.0.0", payload_schema={"type": "object"}
        )
        ref = f"{org['slug']}.order.placed@1.0.0"
        sub = custom.subscriptions.create(url=rx.url, events=[ref], description="sdk")
        assert sub.id.startswith("sub_") and sub.secret.startswith("whsec_") and sub.canonical_names
        assert [s.id for s in custom.subscriptions.iter_all()] == [sub.id]
        assert custom.subscriptions.list().next_cursor is None
        assert custom.subscriptions.get(sub.id).description == "sdk"
        assert custom.subscriptions.update(sub.id, description=None).description is None

        root = custom.emit(f"{org['slug']}.order.placed", {"n": 1})
        child = custom.emit(f"{org['slug']}.order.placed", {"n": 2}, causation_id=root.event_id)
        received = {r.headers["webhook-id"]: r for r in rx.wait_for(2)}
        got = received[root.event_id]
        assert platformxe.verify_webhook(sub.secret, got.headers, got.body)["eventId"] == root.event_id
        with pytest.raises(platformxe.client.WebhookVerificationError):
            platformxe.verify_webhook(sub.secret, got.headers, got.body + b" ")
        settled = _settled(custom, child.event_id, "DELIVERED")
        assert settled.chain_depth == 1 and settled.causation_id == root.event_id
        assert settled.deliveries[0].attempts[0].status_code == 200

        rx.default.status = 500
        failing = custom.emit(f"{org['slug']}.order.placed", {"n": 3})
        _settled(custom, failing.event_id, "FAILED")
        assert custom.health().recent_failures[0].event_id == failing.event_id
        rx.default.status = 200
        assert custom.replay_emit(failing.event_id).queued == 1
        _settled(custom, failing.event_id, "DELIVERED")
        assert custom.subscriptions.replay(sub.id, since="2000-01-01T00:00:00Z").queued == 0

        rotated = custom.subscriptions.rotate_secret(sub.id)
        assert rotated.secret != sub.secret
        with pytest.raises(errors.InvalidRequest):
            custom.subscriptions.create(url=rx.url, events=[ref], kinds=["x"])
        with pytest.raises(errors.EventNotRegistered):
            custom.subscriptions.create(url=rx.url, events=[f"{org['slug']}.nope@1.0.0"])
        with pytest.raises(errors.EventNotRegistered):
            custom.emit(f"{org['slug']}.order.placed", {"n": 4}, causation_id="evt_unknown")
        assert custom.subscriptions.delete(sub.id).deleted is True
        with pytest.raises(errors.NotFound):
            custom.subscriptions.get(sub.id)
        with pytest.raises(errors.NotFound):
            custom.get_emit("evt_" + "0" * 32)
        with pytest.raises(errors.InvalidRequest):
            custom.get_emit("evt_unknown")

    # The default server refuses private addresses: InvalidWebhookUrl.
    plain = registry_server.new_org("pro", "sdkurl")
    with (
        Client(registry_server.url, plain["apiKey"], max_retries=0) as client,
        pytest.raises(errors.InvalidWebhookUrl),
    ):
        client.events.custom.subscriptions.create(
            url="https://127.0.0.1/hook", events=["platformxe.generic@1.0.0"]
        )
    free = bus_server.new_org("free", "sdkfree")
    with Client(bus_server.url, free["apiKey"], max_retries=0) as free_client:
        subs = free_client.events.custom.subscriptions
        for _ in range(5):
            subs.create(url="http://127.0.0.1:9/hook", events=["platformxe.generic@1.0.0"])
        with pytest.raises(errors.SubscriptionQuotaExceeded):
            subs.create(url="http://127.0.0.1:9/hook", events=["platformxe.generic@1.0.0"])
