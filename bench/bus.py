"""The bus: emits/s accepted, deliveries/s, and emit → delivery latency (p50/p99).

Runs real processes: ``platformxe serve`` (embedded bus) on a temp SQLite file, then on PostgreSQL
when ``PLATFORMXE_TEST_DATABASE_URL`` is set, and — when NATS answers on 127.0.0.1:4222 — ``serve
--bus nats://…`` with two ``platformxe worker`` processes. The receiver is a small asyncio HTTP
server in its own process (keep-alive, answers 200 at once) that stamps each arrival.

* throughput: ``BURST`` emits from 4 client threads as fast as they are accepted; emits/s accepted
  and deliveries/s (first to last arrival);
* latency: ``RATE`` emits/s for ``SECONDS`` s, each emit's send time → its arrival, p50 and p99.

Prints numbers only; no pass/fail (targets: >= 1,000 deliveries/s embedded on SQLite, p99 <= 100 ms
at 100 emits/s).
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from support.registry_process import (  # noqa: E402
    RegistryProcess,
    create_org,
    drop_postgres_schema,
    new_postgres_schema,
    postgres_url,
)

BURST = int(os.environ.get("BUS_BENCH_BURST", "3000"))
RATE = 100
SECONDS = 10
ARGS = (
    "--allow-private-webhooks",
    "--no-access-log",
    "--log-level",
    "warning",
    "--retry-schedule",
    "0",
    "--no-rate-limits",
)


# -- the receiver (its own process) ---------------------------------------------------------------


def _receiver_main(port_out: Any, conn: Any) -> None:
    arrivals: dict[str, float] = {}
    reply = [b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"]

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length, event_id = 0, ""
                for line in head.split(b"\r\n"):
                    key, _, value = line.partition(b":")
                    key = key.strip().lower()
                    if key == b"content-length":
                        length = int(value)
                    elif key == b"webhook-id":
                        event_id = value.strip().decode()
                await reader.readexactly(length)
                if reply[0].startswith(b"HTTP/1.1 200"):
                    arrivals.setdefault(event_id, time.time())
                writer.write(reply[0])
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024)
        port_out.put(server.sockets[0].getsockname()[1])
        loop = asyncio.get_running_loop()
        while True:
            if await loop.run_in_executor(None, conn.poll, 0.2):
                command = conn.recv()
                if command == "dump":
                    conn.send(dict(arrivals))
                elif command == "reset":
                    arrivals.clear()
                    conn.send("ok")
                elif command == "fail":
                    reply[0] = b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\n\r\n"
                    conn.send("ok")
                elif command == "succeed":
                    reply[0] = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"
                    conn.send("ok")
                else:
                    server.close()
                    return

    asyncio.run(main())


class Receiver:
    """The receiver process: ``url``, ``arrivals()`` (event id → unix time), ``reset()``."""

    def __init__(self) -> None:
        ports: Any = mp.Queue()
        self._conn, child = mp.Pipe()
        self._proc = mp.Process(target=_receiver_main, args=(ports, child), daemon=True)
        self._proc.start()
        self.url = f"http://127.0.0.1:{ports.get(timeout=10)}/hook"

    def arrivals(self) -> dict[str, float]:
        self._conn.send("dump")
        return dict(self._conn.recv())

    def reset(self) -> None:
        self._conn.send("reset")
        self._conn.recv()

    def answer(self, ok: bool) -> None:
        self._conn.send("succeed" if ok else "fail")
        self._conn.recv()

    def stop(self) -> None:
        self._conn.send("stop")
        self._proc.join(5)


# -- one scenario -----------------------------------------------------------------------------------


def _setup(url: str, db: str, receiver: Receiver) -> tuple[dict[str, str], str]:
    org = create_org(db, f"bench-{os.getpid() % 10000}-{int(time.time()) % 100000}", "enterprise")
    headers = {"Authorization": f"Bearer {org['apiKey']}"}
    with httpx.Client(base_url=url + "/v1/events/custom", headers=headers, timeout=30) as client:
        schema = {"type": "object", "properties": {"n": {"type": "integer"}}}
        r = client.post(
            "/registrations",
            json={
                "namespace": org["slug"],
                "name": "bench.tick",
                "version": "1.0.0",
                "payloadSchema": schema,
            },
        )
        assert r.status_code == 201, r.text
        r = client.post(
            "/subscriptions", json={"url": receiver.url, "events": [f"{org['slug']}.bench.tick@1.0.0"]}
        )
        assert r.status_code == 201, r.text
    return headers, f"{org['slug']}.bench.tick"


def _wait_all(receiver: Receiver, ids: set[str], timeout: float = 180) -> dict[str, float]:
    deadline = time.monotonic() + timeout
    while True:
        arrivals = receiver.arrivals()
        if ids <= arrivals.keys() or time.monotonic() > deadline:
            return arrivals
        time.sleep(0.2)


def throughput(url: str, headers: dict[str, str], name: str, receiver: Receiver) -> tuple[float, float, int]:
    """(emits/s accepted, deliveries/s from a backlog, delivered count).

    The burst is emitted while the receiver answers 500 (one attempt: ``--retry-schedule 0``), so
    every delivery fails; then the receiver answers 200 and one subscription replay re-queues them
    all: deliveries/s is the backlog over the time from the replay to the last arrival.
    """
    receiver.reset()
    receiver.answer(ok=False)
    ids: list[str] = []
    lock = threading.Lock()
    per_thread = BURST // 4

    def send() -> None:
        with httpx.Client(base_url=url + "/v1/events/custom", headers=headers, timeout=30) as c:
            for i in range(per_thread):
                r = c.post("/emit", json={"name": name, "payload": {"n": i}})
                if r.status_code == 202:
                    with lock:
                        ids.append(r.json()["eventId"])

    started = time.time()
    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    emitted = time.time() - started
    with httpx.Client(base_url=url + "/v1/events/custom", headers=headers, timeout=30) as c:
        deadline = time.monotonic() + 300
        while c.get(f"/emits/{ids[-1]}").json()["deliveryStatus"] != "FAILED" and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1.0)
        receiver.answer(ok=True)
        sub = c.get("/subscriptions").json()["items"][0]["id"]
        replayed = time.time()
        queued = c.post(f"/subscriptions/{sub}/replay", json={"since": "2000-01-01T00:00:00Z"}).json()[
            "queued"
        ]
    arrivals = _wait_all(receiver, set(ids))
    got = [arrivals[i] for i in ids if i in arrivals]
    span = max(got) - replayed if got else float("nan")
    return len(ids) / emitted, len(got) / span, min(len(got), queued)


def latency(url: str, headers: dict[str, str], name: str, receiver: Receiver) -> tuple[float, float, int]:
    """(p50 ms, p99 ms, samples) at RATE emits/s."""
    receiver.reset()
    sent: dict[str, float] = {}
    with httpx.Client(base_url=url + "/v1/events/custom", headers=headers, timeout=30) as c:
        start = time.monotonic()
        for i in range(RATE * SECONDS):
            target = start + i / RATE
            pause = target - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            at = time.time()
            r = c.post("/emit", json={"name": name, "payload": {"n": i}})
            if r.status_code == 202:
                sent[r.json()["eventId"]] = at
    arrivals = _wait_all(receiver, set(sent))
    ms = sorted((arrivals[e] - t) * 1000 for e, t in sent.items() if e in arrivals)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    return statistics.median(ms), p99, len(ms)


def scenario(label: str, db: str, receiver: Receiver, workers: int = 0, bus: str | None = None) -> None:
    extra = (*ARGS, *(("--bus", bus) if bus else ()))
    with tempfile.TemporaryDirectory() as tmp:
        server = RegistryProcess(db, log_path=Path(tmp) / "server.log", extra_args=extra).start()
        started: list[Any] = []
        try:
            for i in range(workers):
                started.append(_start_worker(db, bus or "", Path(tmp) / f"worker{i}.log"))
            headers, name = _setup(server.url, db, receiver)
            p50, p99, samples = latency(server.url, headers, name, receiver)
            accepted, delivered, n = throughput(server.url, headers, name, receiver)
        finally:
            for proc in started:
                proc.terminate()
                proc.wait(10)
            server.stop()
    print(
        f"{label:<28} emits/s accepted {accepted:7.0f}   deliveries/s {delivered:7.0f} ({n} delivered)   "
        f"latency at {RATE}/s: p50 {p50:5.1f} ms  p99 {p99:6.1f} ms ({samples} samples)",
        flush=True,
    )


def _start_worker(db: str, bus: str, log: Path) -> Any:
    import subprocess

    env = dict(os.environ, PYTHONPATH=str(REPO / "provider"))
    worker_args = ("--allow-private-webhooks", "--retry-schedule", "0", "--log-level", "warning")
    with open(log, "w", encoding="utf-8") as handle:  # the child keeps its own descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "platformxe.cli.main", "worker", "--bus", bus, "--db", db, *worker_args],
            stdout=handle,
            stderr=handle,
            env=env,
        )


def _nats_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 4222), timeout=1):
            return True
    except OSError:
        return False


def main() -> int:
    only = os.environ.get("BUS_BENCH_ONLY", "")
    if only == "nats":
        return _nats_only()
    receiver = Receiver()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            scenario("embedded, SQLite", str(Path(tmp) / "bench.db"), receiver)
        base = postgres_url()
        if base:
            schema, url = new_postgres_schema(base, "pxe_bench")
            try:
                scenario("embedded, PostgreSQL", url, receiver)
            finally:
                drop_postgres_schema(base, schema)
        if base and _nats_up():
            schema, url = new_postgres_schema(base, "pxe_bench")
            try:
                scenario(
                    "NATS + 2 workers, PostgreSQL", url, receiver, workers=2, bus="nats://127.0.0.1:4222"
                )
            finally:
                drop_postgres_schema(base, schema)
        elif not _nats_up():
            print("NATS + 2 workers: skipped (nothing answers on 127.0.0.1:4222)")
    finally:
        receiver.stop()
    return 0


def _nats_only() -> int:
    base = postgres_url()
    if not (base and _nats_up()):
        print("NATS + 2 workers: needs PLATFORMXE_TEST_DATABASE_URL and NATS on 127.0.0.1:4222")
        return 0
    receiver = Receiver()
    schema, url = new_postgres_schema(base, "pxe_bench")
    try:
        scenario("NATS + 2 workers, PostgreSQL", url, receiver, workers=2, bus="nats://127.0.0.1:4222")
    finally:
        drop_postgres_schema(base, schema)
        receiver.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
