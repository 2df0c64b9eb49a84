"""Faults with real processes: kill -9 of the server in the middle of a delivery load loses no
accepted event (each is delivered at least once after the restart) and relays none twice."""

from __future__ import annotations

import threading
import time

import httpx
from bus_helpers import SCHEMA, lifecycle

from conftest import BUS_ARGS
from support.registry_data import register
from support.registry_process import RegistryProcess, drop_postgres_schema, new_postgres_schema, postgres_url
from support.webhook_receiver import WebhookReceiver


def test_kill_9_of_the_server_mid_load_loses_and_doubles_nothing(bus_server, tmp_path) -> None:
    # A server of its own on the bus server's backend: this one gets killed.
    schema = None
    if bus_server.backend == "sqlite":
        db = str(tmp_path / "crash.db")
    else:
        schema, db = new_postgres_schema(str(postgres_url()))
    server = RegistryProcess(db, log_path=tmp_path / "server.log", extra_args=BUS_ARGS).start()
    org = server.create_org(f"crash-{int(time.time() * 1000) % 10**8}", "pro")
    ns = org["slug"]
    headers = {"Authorization": f"Bearer {org['apiKey']}"}
    accepted: list[str] = []
    with WebhookReceiver() as rx:
        rx.default.delay = 0.2  # deliveries are in flight when the kill comes
        with httpx.Client(base_url=server.url + "/v1/events/custom", headers=headers, timeout=10) as client:
            register(client, ns, "load.tick", "1.0.0", payloadSchema=SCHEMA)
            made = client.post("/subscriptions", json={"url": rx.url, "events": [f"{ns}.load.tick@1.0.0"]})
            assert made.status_code == 201, made.text

        stop = threading.Event()

        def load() -> None:
            with httpx.Client(base_url=server.url + "/v1/events/custom", headers=headers, timeout=5) as c:
                i = 0
                while not stop.is_set():
                    try:
                        r = c.post("/emit", json={"name": f"{ns}.load.tick", "payload": {"n": i}})
                    except httpx.HTTPError:
                        return  # the server is gone: what was not answered 202 was not accepted
                    if r.status_code == 202:
                        accepted.append(r.json()["eventId"])
                    i += 1

        threads = [threading.Thread(target=load) for _ in range(4)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 60
        while len(rx.requests) < 50 or len(accepted) < 100:
            assert time.monotonic() < deadline, "the load never got going"
            time.sleep(0.01)
        server.kill()
        stop.set()
        for t in threads:
            t.join()
        delivered_before = {r.headers["webhook-id"] for r in rx.requests}
        assert set(accepted) - delivered_before, "the kill came after everything was delivered"

        server.start()  # the same database; a new port
        try:
            want = set(accepted)
            deadline = time.monotonic() + 90
            while not want <= {r.headers["webhook-id"] for r in rx.requests}:
                assert time.monotonic() < deadline, (
                    f"{len(want - {r.headers['webhook-id'] for r in rx.requests})} accepted events never delivered"
                )
                time.sleep(0.1)
            with httpx.Client(
                base_url=server.url + "/v1/events/custom", headers=headers, timeout=10
            ) as client:
                log = lifecycle(client)
                sample = [client.get(f"/emits/{e}").json() for e in accepted[::25]]
        finally:
            server.stop()
            if schema is not None:
                drop_postgres_schema(str(postgres_url()), schema)
    relayed = [e["data"]["eventId"] for e in log if e["type"] == "CUSTOM_EVENT_EMIT_RELAYED"]
    assert len(relayed) == len(set(relayed)), "an event was relayed twice"
    assert set(accepted) <= set(relayed)
    assert all(len(s["deliveries"]) == 1 for s in sample), "one delivery row per event and subscription"
