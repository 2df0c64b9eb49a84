"""Chains: causationId, the depth carried in deliveries, the 50-deep cap, the workflow subscriber."""

from __future__ import annotations

import time

from bus_helpers import SCHEMA, emit, lifecycle, subscribe, tenant_with_event, wait_status

from support.registry_data import error_of, register
from support.webhook_receiver import WebhookReceiver


def test_causation_id_adds_one_to_the_depth_and_the_delivery_carries_it(bus_server) -> None:
    _, client, ref = tenant_with_event(bus_server)
    with client, WebhookReceiver() as rx:
        subscribe(client, rx.url, ref)
        root = emit(client, ref, {"n": 0})
        child = emit(client, ref, {"n": 1}, causationId=root["eventId"])
        rx.wait_for(2)
        assert wait_status(client, child["eventId"], "DELIVERED")["chainDepth"] == 1
        assert wait_status(client, child["eventId"], "DELIVERED")["causationId"] == root["eventId"]
    by_id = {r.json()["eventId"]: r for r in rx.requests}
    assert by_id[child["eventId"]].json()["chainDepth"] == 1
    assert by_id[child["eventId"]].headers["platformxe-chain-depth"] == "1"
    assert by_id[root["eventId"]].json()["chainDepth"] == 0


def test_a_workflow_loop_stops_at_depth_50_and_nothing_more_is_delivered(bus_server) -> None:
    org, client, a = tenant_with_event(bus_server, name="ping")
    ns = org["slug"]
    with client, WebhookReceiver() as rx:
        register(client, ns, "pong", "1.0.0", payloadSchema=SCHEMA)
        b = f"{ns}.pong@1.0.0"
        for source, target in ((a, b), (b, a)):
            made = client.post(
                "/subscriptions", json={"kind": "workflow", "events": [source], "workflow": {"emit": target}}
            )
            assert made.status_code == 201, made.text
            assert made.json()["url"] is None and made.json()["workflow"] == {"emit": target}
        subscribe(client, rx.url, a, b)  # a webhook watching the whole chain
        emit(client, a, {"n": 1})
        rx.wait_for(51, timeout=120)
        deadline = time.monotonic() + 60
        while not any(e["type"] == "CUSTOM_EVENT_CHAIN_TRUNCATED" for e in lifecycle(client)):
            assert time.monotonic() < deadline, "the chain never hit the cap"
            time.sleep(0.1)
        time.sleep(1.0)  # room for anything that would (wrongly) follow
        log = lifecycle(client)
        failures = client.get("/health").json()["recentFailures"]
    depths = sorted(r.json()["chainDepth"] for r in rx.requests)
    assert depths == list(range(51)), "one delivery per depth 0..50, nothing past the cap"
    names = [r.json()["name"] for r in sorted(rx.requests, key=lambda r: r.json()["chainDepth"])]
    assert names[:3] == [f"{ns}.ping", f"{ns}.pong", f"{ns}.ping"]
    [truncated] = [e for e in log if e["type"] == "CUSTOM_EVENT_CHAIN_TRUNCATED"]
    assert truncated["data"]["code"] == "chain_depth_exceeded"
    accepted = [e for e in log if e["type"] == "CUSTOM_EVENT_EMIT_REQUESTED"]
    assert len(accepted) == 51
    # The deepest event's workflow delivery failed for good with the code; health shows that emit.
    assert failures and "chain_depth_exceeded" in failures[0]["lastError"]


def test_an_emit_past_the_cap_is_422_and_logged(bus_server) -> None:
    _, client, ref = tenant_with_event(bus_server)
    with client:
        cause = emit(client, ref, {"n": 0})["eventId"]
        for _ in range(50):
            cause = emit(client, ref, {"n": 1}, causationId=cause)["eventId"]
        assert client.get(f"/emits/{cause}").json()["chainDepth"] == 50
        name, _, version = ref.partition("@")
        refused = client.post(
            "/emit", json={"name": name, "version": version, "payload": {"n": 2}, "causationId": cause}
        )
        assert refused.status_code == 422
        error = error_of(refused)
        assert error["code"] == "chain_depth_exceeded" and error["details"]["field"] == "causationId"
        assert error["details"]["chainDepth"] == 51 and error["details"]["maxChainDepth"] == 50
        assert lifecycle(client)[-1]["type"] == "CUSTOM_EVENT_CHAIN_TRUNCATED"
