"""The scale-out bus with real processes: our own ``nats-server -js`` on a free port, ``platformxe
serve --bus nats://…`` and two ``platformxe worker`` processes, a real receiver on loopback.

NATS down at emit → 502 ``bus_relay_failed`` with the eventId, the audit row kept, the same
idempotencyKey never a second event, delivered once NATS is back; kill -9 of a worker mid-load
loses nothing and relays nothing twice."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from bus_helpers import SCHEMA, lifecycle, wait_status

from support.registry_data import error_of, register
from support.registry_process import REPO_ROOT, RegistryProcess
from support.webhook_receiver import WebhookReceiver

NATS_SERVER = shutil.which("nats-server") or "/usr/sbin/nats-server"
pytestmark = pytest.mark.skipif(not Path(NATS_SERVER).exists(), reason="nats-server is not installed")
ARGS = ("--allow-private-webhooks", "--retry-schedule", "0,0.2,0.2", "--delivery-timeout", "1")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Nats:
    """A nats-server with JetStream that this test starts, stops and starts again."""

    def __init__(self, root: Path) -> None:
        self.port, self.store, self.proc = _free_port(), root / "js", None
        self.url = f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [NATS_SERVER, "-a", "127.0.0.1", "-p", str(self.port), "-js", "-sd", str(self.store)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                assert time.monotonic() < deadline, "nats-server did not start"
                time.sleep(0.05)

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


def _worker(db: str, url: str, log: Path) -> subprocess.Popen[bytes]:
    with open(log, "ab") as handle:  # the child keeps its own descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "platformxe.cli.main", "worker", "--bus", url, "--db", db, *ARGS],
            stdout=handle,
            stderr=handle,
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT / "provider")},
        )


def test_nats_mode_relay_failure_recovery_and_worker_crash(tmp_path: Path) -> None:
    nats = Nats(tmp_path)
    nats.start()
    db = str(tmp_path / "registry.db")
    server = RegistryProcess(db, log_path=tmp_path / "server.log", extra_args=(*ARGS, "--bus", nats.url))
    workers: list[subprocess.Popen[bytes]] = []
    try:
        server.start()
        workers = [_worker(db, nats.url, tmp_path / f"worker{i}.log") for i in range(2)]
        org = server.create_org("natsorg", "pro")
        headers = {"Authorization": f"Bearer {org['apiKey']}"}
        with (
            WebhookReceiver() as rx,
            httpx.Client(base_url=server.url + "/v1/events/custom", headers=headers, timeout=30) as client,
        ):
            register(client, "natsorg", "tick", "1.0.0", payloadSchema=SCHEMA)
            made = client.post("/subscriptions", json={"url": rx.url, "events": ["natsorg.tick@1.0.0"]})
            assert made.status_code == 201
            first = client.post("/emit", json={"name": "natsorg.tick", "payload": {"n": 0}}).json()
            wait_status(client, first["eventId"], "DELIVERED")

            # NATS down at emit: 502 with the eventId, the audit row kept, no second event on retry.
            nats.kill()
            body = {"name": "natsorg.tick", "payload": {"n": 1}, "idempotencyKey": "down-1"}
            refused = client.post("/emit", json=body)
            assert refused.status_code == 502, refused.text
            error = error_of(refused)
            assert error["code"] == "bus_relay_failed" and error["details"]["eventId"].startswith("evt_")
            event_id = error["details"]["eventId"]
            assert client.get(f"/emits/{event_id}").json()["deliveryStatus"] == "QUEUED"
            again = client.post("/emit", json=body)
            assert again.status_code == 202 and again.json()["eventId"] == event_id
            assert again.json()["duplicate"] is True
            assert client.get("/health").json()["emits"]["thisMonth"] == 2
            nats.start()  # the same store directory: the stream survives
            wait_status(client, event_id, "DELIVERED", timeout=60)

            # kill -9 of a worker in the middle of a load.
            rx.default.delay = 0.1
            accepted: list[str] = []
            for i in range(150):
                r = client.post("/emit", json={"name": "natsorg.tick", "payload": {"n": i}})
                assert r.status_code == 202, r.text
                accepted.append(r.json()["eventId"])
                if i == 60:
                    workers[0].kill()
                    workers[0].wait()
            workers[0] = _worker(db, nats.url, tmp_path / "worker0b.log")
            deadline = time.monotonic() + 90
            while not set(accepted) <= {r.headers["webhook-id"] for r in rx.requests}:
                assert time.monotonic() < deadline, "accepted events were never delivered"
                time.sleep(0.1)
            log = lifecycle(client)
        relayed = [e["data"]["eventId"] for e in log if e["type"] == "CUSTOM_EVENT_EMIT_RELAYED"]
        assert len(relayed) == len(set(relayed)), "an event was relayed twice"
        assert {first["eventId"], event_id, *accepted} <= set(relayed)
    finally:
        for w in workers:
            w.terminate()
            try:
                w.wait(10)
            except subprocess.TimeoutExpired:
                w.kill()
        server.stop()
        nats.kill()
