"""Federation on the scale-out bus (docs/federation.md): ``serve --bus nats://…`` and a
``platformxe worker`` process; the owner's emit is fanned out by the worker's relay, the peer's
re-emit goes through the outbox and the stream like any emit, and reaches the peer's webhook."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest
from bus_helpers import SCHEMA, wait_status
from test_bus_nats import ARGS, NATS_SERVER, Nats, _worker

from support.registry_data import register
from support.registry_process import RegistryProcess
from support.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.skipif(not Path(NATS_SERVER).exists(), reason="nats-server is not installed")


def test_a_pushed_emit_reaches_the_peer_through_nats_workers(tmp_path: Path) -> None:
    nats = Nats(tmp_path)
    nats.start()
    db = str(tmp_path / "registry.db")
    server = RegistryProcess(db, log_path=tmp_path / "server.log", extra_args=(*ARGS, "--bus", nats.url))
    worker: subprocess.Popen[bytes] | None = None
    try:
        server.start()
        worker = _worker(db, nats.url, tmp_path / "worker.log")
        owner, peer = server.create_org("natsown", "enterprise"), server.create_org("natspeer", "enterprise")
        server.admin("namespace", "grant", "--org", "natspeer", "--namespace", "natsown")

        def client(org: dict[str, str]) -> httpx.Client:
            headers = {"Authorization": f"Bearer {org['apiKey']}"}
            return httpx.Client(base_url=server.url + "/v1/events/custom", headers=headers, timeout=30)

        with WebhookReceiver() as rx, client(owner) as o, client(peer) as p:
            for c in (o, p):
                register(c, "natsown", "tick", "1.0.0", payloadSchema=SCHEMA)
            group = o.post("/federation/groups", json={"name": "nats"}).json()
            invitation = o.post(
                f"/federation/groups/{group['id']}/invitations",
                json={"organizationId": peer["organizationId"]},
            ).json()
            assert p.post(f"/federation/invitations/{invitation['id']}/accept").status_code == 200
            pushed = o.post(f"/federation/groups/{group['id']}/pushes", json={"event": "natsown.tick@1.0.0"})
            assert pushed.status_code == 201, pushed.text
            made = p.post("/subscriptions", json={"url": rx.url, "events": ["natsown.tick@1.0.0"]})
            assert made.status_code == 201, made.text

            event = o.post("/emit", json={"name": "natsown.tick", "payload": {"n": 1}}).json()
            settled = wait_status(o, event["eventId"], "DELIVERED", "FAILED", timeout=60)
            [delivery] = [d for d in settled["deliveries"] if "federation" in d]
            assert delivery["federation"]["outcome"] == "relayed", settled
            [got] = rx.wait_for(1, timeout=60)
            assert got.json()["canonicalName"] == f"TENANT_CUSTOM:{peer['organizationId']}:natsown.tick@1.0.0"
            assert got.json()["eventId"] == delivery["federation"]["relayedEventId"]
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(10)
            except subprocess.TimeoutExpired:
                worker.kill()
        server.stop()
        nats.kill()
