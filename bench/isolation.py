"""Tenant isolation: another organisation's emit latency while one tenant sends costly requests.

Starts ``platformxe serve`` on a temp SQLite file. An attacker organisation (Basic) registers the
two schemas of issue 15 — ``patternProperties {"^(a+)+$"}`` beside a property ``'a'*26 + '!'``,
and ``items.pattern "^(a|a)*$"`` — and then, on ``--attackers`` threads, loops the costly dry-run
(1.1.0 adding an optional property) and the costly emit (1,000 strings ``'a'*29 + '!'``). A victim
organisation (Pro) emits ``platformxe.generic`` one request after another. Printed: the victim's
p50 / p99 / max latency with and without the attack, and what the attacker's requests answered.
The target is a victim p99 ≤ 100 ms under attack (docs/limits.md). Prints, never fails.

Usage: ``python bench/isolation.py [--seconds 10] [--attackers 4] [--judge-workers N]``
(``--judge-workers 0`` judges in the server process, to see what the worker pool buys).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "provider"))
sys.path.insert(0, str(ROOT / "tests"))

import httpx  # noqa: E402

from support.registry_process import RegistryProcess, unique_slug  # noqa: E402

EVIL_NAME = "a" * 26 + "!"


def _keys_schema(**extra: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {EVIL_NAME: {"type": "string"}, **extra},
        "patternProperties": {"^(a+)+$": {"type": "string"}},
        "additionalProperties": False,
    }


TAGS_SCHEMA = {
    "type": "object",
    "properties": {"tags": {"type": "array", "items": {"type": "string", "pattern": "^(a|a)*$"}}},
}
TAGS_PAYLOAD = {"tags": ["a" * 29 + "!"] * 1000}


def _client(url: str, key: str) -> httpx.Client:
    return httpx.Client(
        base_url=url + "/v1/events/custom", headers={"Authorization": f"Bearer {key}"}, timeout=120
    )


def _victim(url: str, key: str, seconds: float) -> list[float]:
    waits: list[float] = []
    body = {"name": "platformxe.generic", "payload": {"kind": "bench.ping", "summary": "victim", "data": {}}}
    with _client(url, key) as client:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            started = time.perf_counter()
            response = client.post("/emit", json=body)
            waits.append(time.perf_counter() - started)
            if response.status_code != 202:
                print(f"  victim got {response.status_code}: {response.text[:200]}")
            time.sleep(0.01)
    return waits


def _report(label: str, waits: list[float]) -> None:
    ordered = sorted(waits)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(
        f"{label:<28} n={len(ordered):<5} p50={statistics.median(ordered) * 1000:7.1f} ms  "
        f"p99={p99 * 1000:7.1f} ms  max={ordered[-1] * 1000:7.1f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--attackers", type=int, default=4)
    parser.add_argument("--judge-workers", type=int, default=None)
    args = parser.parse_args()
    extra: tuple[str, ...] = ()
    if args.judge_workers is not None:
        extra += ("--judge-workers", str(args.judge_workers))
    with tempfile.TemporaryDirectory() as tmp:
        server = RegistryProcess(str(Path(tmp) / "registry.db"), extra_args=extra).start()
        try:
            attacker = server.create_org(unique_slug("attacker"), "basic")
            victim = server.create_org(unique_slug("victim"), "pro")
            ns = attacker["slug"]
            with _client(server.url, attacker["apiKey"]) as client:
                for name, schema in (("evil.keys", _keys_schema()), ("evil.tags", TAGS_SCHEMA)):
                    body = {"namespace": ns, "name": name, "version": "1.0.0", "payloadSchema": schema}
                    client.post("/registrations", json=body).raise_for_status()
            _report("victim, no attack", _victim(server.url, victim["apiKey"], min(3.0, args.seconds)))

            stop = threading.Event()
            answers: Counter[str] = Counter()
            durations: list[float] = []

            def attack(kind: int) -> None:
                dry = {
                    "namespace": ns,
                    "name": "evil.keys",
                    "version": "1.1.0",
                    "payloadSchema": _keys_schema(note={"type": "string"}),
                }
                emit = {"name": f"{ns}.evil.tags", "payload": TAGS_PAYLOAD}
                with _client(server.url, attacker["apiKey"]) as client:
                    while not stop.is_set():
                        started = time.perf_counter()
                        if kind == 0:
                            response = client.post("/dry-run", json=dry)
                        else:
                            response = client.post("/emit", json=emit)
                        durations.append(time.perf_counter() - started)
                        answers[f"{'dry-run' if kind == 0 else 'emit'} {response.status_code}"] += 1

            threads = [threading.Thread(target=attack, args=(i % 2,)) for i in range(args.attackers)]
            for thread in threads:
                thread.start()
            time.sleep(0.5)
            waits = _victim(server.url, victim["apiKey"], args.seconds)
            stop.set()
            for thread in threads:
                thread.join()
            _report(f"victim, {args.attackers} attackers", waits)
            print(f"attacker answers: {dict(sorted(answers.items()))}")
            if durations:
                print(f"attacker request max {max(durations) * 1000:.0f} ms")
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
