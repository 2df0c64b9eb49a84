"""Federation: what a push adds to an emit's way to a receiver (docs/federation.md).

A real ``platformxe serve`` (embedded bus) on a temp SQLite file (then PostgreSQL when
``PLATFORMXE_TEST_DATABASE_URL`` is set). An Enterprise owner pushes one version to an Enterprise
peer; the owner has its own webhook on it (the baseline: one hop) and the peer a webhook on its
re-emitted event (two hops: relay → re-emit into the peer → relay → webhook).

* latency: ``RATE`` emits/s for ``SECONDS`` s; each emit's send time → the owner's webhook arrival
  and → the peer's webhook arrival, p50 and p99;
* burst: ``BURST`` emits as fast as they are accepted; seconds until every peer delivery arrived.

Prints numbers only; no pass/fail.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from support.registry_process import (  # noqa: E402
    RegistryProcess,
    admin,
    create_org,
    drop_postgres_schema,
    new_postgres_schema,
    postgres_url,
)
from support.webhook_receiver import WebhookReceiver  # noqa: E402

RATE = 20
SECONDS = 10
BURST = int(os.environ.get("FEDERATION_BENCH_BURST", "300"))
ARGS = ("--allow-private-webhooks", "--no-access-log", "--log-level", "warning", "--no-rate-limits")
SCHEMA = {"type": "object", "properties": {"n": {"type": "integer"}}}


def _client(url: str, key: str) -> httpx.Client:
    return httpx.Client(
        base_url=url + "/v1/events/custom", headers={"Authorization": f"Bearer {key}"}, timeout=30
    )


def _ok(response: httpx.Response) -> Any:
    assert response.status_code < 300, response.text
    return response.json()


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _wait(rx: WebhookReceiver, count: int, timeout: float = 120.0) -> None:
    rx.wait_for(count, timeout=timeout)


def run(db: str, label: str) -> None:
    server = RegistryProcess(db, extra_args=ARGS).start()
    try:
        owner, peer = create_org(db, "bench-own", "enterprise"), create_org(db, "bench-peer", "enterprise")
        admin(db, "namespace", "grant", "--org", "bench-peer", "--namespace", "bench-own")
        ref = "bench-own.tick@1.0.0"
        with (
            WebhookReceiver() as own_rx,
            WebhookReceiver() as peer_rx,
            _client(server.url, owner["apiKey"]) as o,
            _client(server.url, peer["apiKey"]) as p,
        ):
            for c in (o, p):
                body = {"namespace": "bench-own", "name": "tick", "version": "1.0.0", "payloadSchema": SCHEMA}
                _ok(c.post("/registrations", json=body))
            group = _ok(o.post("/federation/groups", json={"name": "bench"}))
            invitation = _ok(
                o.post(
                    f"/federation/groups/{group['id']}/invitations",
                    json={"organizationId": peer["organizationId"]},
                )
            )
            _ok(p.post(f"/federation/invitations/{invitation['id']}/accept"))
            _ok(o.post(f"/federation/groups/{group['id']}/pushes", json={"event": ref}))
            _ok(o.post("/subscriptions", json={"url": own_rx.url, "events": [ref]}))
            _ok(p.post("/subscriptions", json={"url": peer_rx.url, "events": [ref]}))

            sent: dict[int, float] = {}
            total = RATE * SECONDS
            start = time.monotonic()
            for i in range(total):
                pause = start + i / RATE - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                sent[i] = time.time()
                _ok(o.post("/emit", json={"name": "bench-own.tick", "payload": {"n": i}}))
            _wait(own_rx, total)
            _wait(peer_rx, total)
            own = [(r.at - sent[r.json()["payload"]["n"]]) * 1000 for r in own_rx.requests]
            fed = [(r.at - sent[r.json()["payload"]["n"]]) * 1000 for r in peer_rx.requests]
            print(
                f"{label}: {total} emits at {RATE}/s — owner's webhook p50 {statistics.median(own):.1f} ms "
                f"p99 {_pct(own, 99):.1f} ms; the peer's webhook (via the push) p50 {statistics.median(fed):.1f} ms "
                f"p99 {_pct(fed, 99):.1f} ms"
            )

            before = len(peer_rx.requests)
            began = time.monotonic()
            for i in range(BURST):
                _ok(o.post("/emit", json={"name": "bench-own.tick", "payload": {"n": total + i}}))
            accepted = time.monotonic() - began
            _wait(peer_rx, before + BURST)
            done = time.monotonic() - began
            print(
                f"{label}: burst of {BURST} emits accepted in {accepted:.2f} s; every peer delivery arrived "
                f"after {done:.2f} s ({BURST / done:,.0f} federated deliveries/s, one client thread)"
            )
    finally:
        server.stop()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        run(str(Path(tmp) / "registry.db"), "embedded SQLite")
    base = postgres_url()
    if base:
        schema, url = new_postgres_schema(base)
        try:
            run(url, "embedded PostgreSQL")
        finally:
            drop_postgres_schema(base, schema)


if __name__ == "__main__":
    main()
