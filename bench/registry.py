"""Registry throughput: registrations/s and emits/s against a real server (prints, never fails).

Starts ``platformxe serve`` on a temp SQLite file — and on a throwaway PostgreSQL schema when
``PLATFORMXE_TEST_DATABASE_URL`` is set or PostgreSQL answers on 127.0.0.1:5432 — then, for
N = 1, 4 and 16 concurrent clients (threads, one keep-alive httpx client each), measures:

- registrations/s: each client registers new events (a new name per request, Enterprise plan so
  no cap), for a bounded time or count;
- emits/s: each client emits a registered event's payload (schema-validated, audited, queued).

Usage: ``python bench/registry.py [--seconds 3] [--max-requests 3000] [--clients 1,4,16]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "provider"))
sys.path.insert(0, str(ROOT / "tests"))

import httpx  # noqa: E402

from support.registry_process import (  # noqa: E402
    RegistryProcess,
    drop_postgres_schema,
    new_postgres_schema,
    postgres_reachable,
    postgres_url,
    unique_slug,
)

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
#: The product's reference schema lettings.property.favorited, as bundled with the examples.
SCHEMA: dict[str, Any] = json.loads((ROOT / "examples/schemas/property-favorited-1.0.0.json").read_text())
PAYLOAD = {"propertyId": "p_123", "subjectId": "sub_456", "favoritedAt": "2026-05-04T10:00:00Z"}


def run_clients(
    url: str,
    key: str,
    clients: int,
    seconds: float,
    max_requests: int,
    request: Callable[[httpx.Client, int, int], int],
) -> tuple[int, int, float]:
    """``clients`` threads call ``request(client, thread, i)`` until time or count runs out.

    Returns (successful requests, failed requests, elapsed seconds).
    """
    counter = {"ok": 0, "failed": 0, "issued": 0}
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)
    deadline = [0.0]

    def worker(thread: int) -> None:
        with httpx.Client(
            base_url=url + "/v1/events/custom", headers={"Authorization": f"Bearer {key}"}, timeout=60
        ) as client:
            client.get("/health")  # open the connection before the clock starts
            barrier.wait()
            i = 0
            while time.monotonic() < deadline[0]:
                with lock:
                    if counter["issued"] >= max_requests:
                        return
                    counter["issued"] += 1
                status = request(client, thread, i)
                i += 1
                with lock:
                    counter["ok" if status < 300 else "failed"] += 1

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(clients)]
    for t in threads:
        t.start()
    deadline[0] = time.monotonic() + seconds + 60  # provisional, until every client is connected
    barrier.wait()
    start = time.monotonic()
    deadline[0] = start + seconds
    for t in threads:
        t.join()
    return counter["ok"], counter["failed"], time.monotonic() - start


def bench_backend(
    name: str, db: str, clients_list: list[int], seconds: float, max_requests: int
) -> list[dict[str, Any]]:
    """Start a server on ``db`` and measure every client count; returns one row per count."""
    rows: list[dict[str, Any]] = []
    with RegistryProcess(db, extra_args=("--no-access-log",)) as server:
        for clients in clients_list:
            org = server.create_org(unique_slug("bench"), "enterprise")
            ns, key = org["slug"], org["apiKey"]

            def register(client: httpx.Client, thread: int, i: int, ns: str = ns) -> int:
                body = {
                    "namespace": ns,
                    "name": f"t{thread}.e{i}",
                    "version": "1.0.0",
                    "payloadSchema": SCHEMA,
                }
                return client.post("/registrations", json=body).status_code

            reg_ok, reg_failed, reg_time = run_clients(
                server.url, key, clients, seconds, max_requests, register
            )

            def emit(client: httpx.Client, thread: int, i: int, ns: str = ns) -> int:
                body = {"name": f"{ns}.t0.e0", "payload": PAYLOAD}
                return client.post("/emit", json=body).status_code

            emit_ok, emit_failed, emit_time = run_clients(
                server.url, key, clients, seconds, max_requests, emit
            )
            rows.append(
                {
                    "backend": name,
                    "clients": clients,
                    "registrations": reg_ok,
                    "reg_per_s": reg_ok / reg_time,
                    "emits": emit_ok,
                    "emit_per_s": emit_ok / emit_time,
                    "failed": reg_failed + emit_failed,
                }
            )
    return rows


def main() -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time per measurement (default 3)")
    parser.add_argument("--max-requests", type=int, default=3000, help="request cap per measurement")
    parser.add_argument("--clients", default="1,4,16", help="comma-separated client counts")
    args = parser.parse_args()
    clients_list = [int(c) for c in args.clients.split(",")]

    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        rows += bench_backend(
            "sqlite", str(Path(tmp) / "bench.db"), clients_list, args.seconds, args.max_requests
        )
    pg = postgres_url() or DEFAULT_PG
    if postgres_reachable(pg):
        schema, url = new_postgres_schema(pg, prefix="pxe_bench")
        try:
            rows += bench_backend("postgresql", url, clients_list, args.seconds, args.max_requests)
        finally:
            drop_postgres_schema(pg, schema)
    else:
        print(f"(PostgreSQL not reachable at {pg}: SQLite only)")

    print(
        f"registry throughput, {args.seconds:g}s or {args.max_requests} requests per cell, real server over HTTP"
    )
    print(f"{'backend':<11} {'clients':>7} {'registrations/s':>16} {'emits/s':>9} {'failed':>7}")
    for row in rows:
        print(
            f"{row['backend']:<11} {row['clients']:>7} {row['reg_per_s']:>16.1f} {row['emit_per_s']:>9.1f} "
            f"{row['failed']:>7}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
