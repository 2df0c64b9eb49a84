"""Concurrency and durability against the real server process: racing registrations of one
version, racing emits with one idempotency key, racing registrations against a quota, and a
restart that loses nothing."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from typing import Any

import httpx

from support.registry_data import FAVORITED_PAYLOAD, error_of, register, registration_body, settle

THREADS = 8


def race(count: int, call: Callable[[int], httpx.Response]) -> list[httpx.Response]:
    """Run ``call(i)`` for i in range(count) on threads released together."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def worker(i: int) -> None:
        barrier.wait()
        try:
            results[i] = call(i)
        except Exception as exc:  # surfaced by the assertion below
            results[i] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert all(isinstance(r, httpx.Response) for r in results), results
    return results


def test_concurrent_registrations_of_one_version(registry_server) -> None:
    tenant = registry_server.new_org("pro", "race-reg")
    body = registration_body(tenant["slug"])
    with registry_server.client(tenant["apiKey"]) as client:
        responses = race(THREADS, lambda _: client.post("/registrations", json=body))
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [201] + [400] * (THREADS - 1), [r.text for r in responses]
        winner = next(r.json() for r in responses if r.status_code == 201)
        for loser in (r for r in responses if r.status_code == 400):
            error = error_of(loser)
            assert error["code"] == "version_already_exists"
            assert error["details"]["schemaHash"] == winner["schemaHash"]
            assert error["details"]["sameSchema"] is True
        listed = client.get("/registrations", params={"namespace": tenant["slug"]}).json()["items"]
        assert len(listed) == 1


def test_concurrent_emits_with_one_idempotency_key(registry_server) -> None:
    tenant = registry_server.new_org("pro", "race-emit")
    ns = tenant["slug"]
    body = {"name": f"{ns}.property.favorited", "payload": FAVORITED_PAYLOAD, "idempotencyKey": "once"}
    with registry_server.client(tenant["apiKey"]) as client:
        register(client, ns)
        responses = race(THREADS, lambda _: client.post("/emit", json=body))
        assert all(r.status_code == 202 for r in responses), [r.text for r in responses]
        answers = [r.json() for r in responses]
        assert len({a["eventId"] for a in answers}) == 1
        assert sorted(a["duplicate"] for a in answers) == [False] + [True] * (THREADS - 1)
        assert client.get("/health").json()["emits"]["thisMonth"] == 1
        requested = [
            e
            for e in client.get("/lifecycle-events", params={"limit": 500}).json()["items"]
            if e["type"] == "CUSTOM_EVENT_EMIT_REQUESTED"
        ]
        assert len(requested) == 1
    from platformxe.registry.storage import open_store

    store = open_store(registry_server.db, pool_size=1)
    try:
        with store.read() as tx:
            audit = tx.all(
                "SELECT event_id FROM emits WHERE organization_id = ?", (tenant["organizationId"],)
            )
            outbox = tx.all(
                "SELECT status FROM outbox WHERE organization_id = ?", (tenant["organizationId"],)
            )
    finally:
        store.close()
    assert [row["event_id"] for row in audit] == [answers[0]["eventId"]]
    # One outbox row: queued, or already taken by the bus (relayed), never two.
    assert [row["status"] for row in outbox] in (["queued"], ["relayed"])


def test_concurrent_registrations_cannot_overrun_the_quota(registry_server) -> None:
    tenant = registry_server.new_org("basic", "race-quota")
    with registry_server.client(tenant["apiKey"]) as client:
        responses = race(
            THREADS,
            lambda i: client.post("/registrations", json=registration_body(tenant["slug"], name=f"event{i}")),
        )
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [201] * 5 + [402] * (THREADS - 5), [r.text for r in responses]
        assert client.get("/health").json()["registrations"] == {"used": 5, "limit": 5}


def test_restart_loses_nothing(fresh_registry) -> None:
    server = fresh_registry()
    tenant = server.create_org("durable", "pro")
    ns = tenant["slug"]
    with server.client(tenant["apiKey"]) as client:
        register(client, ns, status="draft", description="kept")
        accepted = client.post(
            "/emit", json={"name": "platformxe.generic", "payload": {"kind": "k"}, "idempotencyKey": "k1"}
        )
        client.post(
            "/emit", json={"name": f"{ns}.property.favorited", "payload": FAVORITED_PAYLOAD}
        )  # refused
        settle(client, accepted)
        before = {
            "list": client.get("/registrations").json(),
            "health": client.get("/health").json(),
            "lifecycle": client.get("/lifecycle-events", params={"limit": 500}).json(),
        }
    old_url = server.url
    assert server.process.stop() == 0  # SIGTERM is a clean exit
    server.process.start()
    assert server.url != old_url or server.url  # a new process (the port may or may not repeat)
    with server.client(tenant["apiKey"]) as client:  # the key still works: it lives in the database
        assert client.get("/registrations").json() == before["list"]
        assert client.get("/health").json() == before["health"]
        assert client.get("/lifecycle-events", params={"limit": 500}).json() == before["lifecycle"]
        replay = client.post(
            "/emit", json={"name": "platformxe.generic", "payload": {"kind": "k"}, "idempotencyKey": "k1"}
        )
        assert replay.json()["duplicate"] is True
        # And the registry carries on where it left off.
        assert (
            client.patch(
                f"/registrations/{ns}/property.favorited/versions/1.0.0", json={"status": "published"}
            ).json()["status"]
            == "published"
        )


def test_sigint_stops_the_server_cleanly(fresh_registry) -> None:
    server = fresh_registry()
    pid = server.process.pid
    assert pid is not None
    os.kill(pid, signal.SIGINT)
    assert server.process.wait() == 0
