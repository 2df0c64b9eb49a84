"""Time of compare() on 50-property schema pairs and on large schemas (prints, never fails).

Targets (issue 14): p95 ≤ 20 ms per pair on large schemas (several hundred properties, no caps
applied), and the seed-size 50-property dry-run (every rule, a minor bump) ≤ 2 ms p95.

Scenarios: a minor change (a 50th optional property on a closed object), every bound relaxed,
a breaking change (one maxLength lowered: includes the witness search, which imports and runs
the real validator), and an enum-heavy pair (every old enum value checked by the validator).
"""

from __future__ import annotations

import copy
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "provider"))

from platformxe.rules import Candidate, ExistingVersion, dry_run_verdict
from platformxe.rules.compat import compare

KINDS: list[dict[str, Any]] = [
    {"type": "string", "maxLength": 64},
    {"type": "integer", "minimum": 0, "maximum": 1000},
    {"type": "string", "format": "date-time"},
    {"type": "boolean"},
    {"type": "array", "items": {"type": "string", "maxLength": 20}, "maxItems": 10},
    {
        "type": "object",
        "properties": {"city": {"type": "string"}, "zip": {"type": "string"}},
        "required": ["zip"],
    },
    {"enum": ["email", "sms", "push", "webhook"]},
]


def schema_with(count: int) -> dict[str, Any]:
    """An event schema with ``count`` top-level properties of mixed kinds, closed."""
    props = {f"field{i:02d}": copy.deepcopy(KINDS[i % len(KINDS)]) for i in range(count)}
    return {
        "type": "object",
        "properties": props,
        "required": ["field00", "field01"],
        "additionalProperties": False,
    }


def relaxed(schema: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(schema)
    for p in out["properties"].values():
        if "maxLength" in p:
            p["maxLength"] *= 2
        if "maximum" in p:
            p["maximum"] *= 2
        if "enum" in p:
            p["enum"] = [*p["enum"], "pager"]
        p["description"] = "documented"
    return out


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(int(len(ordered) * 0.95) - 1, 0)]


def measure(label: str, old: Any, new: Any, runs: int, policy: str = "strict") -> float:
    """Wall-clock median / p95 / min, and the p95 of CPU time (``time.process_time``: the time
    this process ran, which other processes on a shared machine do not inflate)."""
    report = compare(old, new, policy)  # warm-up (lazy imports)
    timings, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        compare(old, new, policy)
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    timings.sort()
    print(
        f"{label:<44} median {statistics.median(timings):7.3f} ms   p95 {_p95(timings):7.3f} ms   "
        f"min {timings[0]:7.3f} ms   cpu p95 {_p95(cpu):7.3f} ms   compatible={report.compatible} "
        f"changes={len(report.changes)}"
    )
    return _p95(cpu)


def main() -> None:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average (1 min) at start: {load:.2f} on {os.cpu_count()} cores")
    old = schema_with(49)
    minor = copy.deepcopy(old)
    minor["properties"]["field49"] = {"type": "string"}
    fifty = schema_with(50)
    breaking = copy.deepcopy(fifty)
    breaking["properties"]["field00"]["maxLength"] = 32
    enums = {
        "type": "object",
        "properties": {f"e{i:02d}": {"enum": [f"v{j}" for j in range(8)]} for i in range(50)},
    }
    enums_new = copy.deepcopy(enums)
    for p in enums_new["properties"].values():
        p["enum"].append("extra")
    scenarios: list[tuple[str, Any, Any, int]] = [
        ("minor: 50th optional property (closed)", old, minor, 200),
        ("identical 50-property schemas", fifty, copy.deepcopy(fifty), 200),
        ("all 50 properties relaxed + described", fifty, relaxed(fifty), 100),
        ("breaking: one maxLength lowered (+witness)", fifty, breaking, 50),
        ("50 enums, one value added to each", enums, enums_new, 50),
    ]
    for label, a, b, runs in scenarios:
        measure(label, a, b, runs)
    worst_label, worst = large()
    dry_run = seed_dry_run()
    print("-- targets (issue 14; CPU p95) --")
    print(f"large schemas, every row p95 <= 20 ms: worst {worst:.1f} ms ({worst_label}): "
          f"{'met' if worst <= 20 else 'NOT met'}")  # fmt: skip
    print(f"dry-run of the 50-property seed-size schema <= 2 ms: {dry_run:.2f} ms: "
          f"{'met' if dry_run <= 2 else 'NOT met'}")  # fmt: skip


def large_schema(count: int) -> dict[str, Any]:
    """``count`` properties (a fifth of them small nested objects), open, as real schemas often are."""
    props: dict[str, Any] = {}
    for i in range(count):
        kind = copy.deepcopy(KINDS[i % len(KINDS)])
        if i % 5 == 0:
            kind = {"type": "object", "properties": {f"n{j}": copy.deepcopy(KINDS[j]) for j in range(4)}}
        props[f"p{i:03d}"] = kind
    return {"type": "object", "properties": props, "required": ["p000", "p001"]}


def large() -> tuple[str, float]:
    """Every large-schema row; returns the slowest (label, CPU p95)."""
    print("-- large schemas (no caps applied) --")
    rows: list[tuple[float, str]] = []
    for count in (300, 600):
        old = large_schema(count)
        added = copy.deepcopy(old)
        added["properties"]["extra"] = {"type": "string"}
        relaxed_new = relaxed(old)
        tightened = copy.deepcopy(old)
        tightened["properties"]["p001"]["maximum"] = 10
        for label, new, runs in (
            (f"{count} props: identical", copy.deepcopy(old), 100),
            (f"{count} props: optional property added", added, 60),
            (f"{count} props: every bound relaxed + described", relaxed_new, 40),
            (f"{count} props: one maximum lowered (+witness)", tightened, 40),
        ):
            rows.append((measure(label, old, new, runs), label))
        label = f"{count} props: optional property added, lenient"
        rows.append((measure(label, old, added, 60, "lenient"), label))
    worst, worst_label = max(rows)
    return worst_label, worst


def seed_dry_run(runs: int = 300) -> float:
    """The 50-property seed-size dry-run (a 50th optional property on a closed object; 50
    properties in all, the cap)."""
    flat = [k for k in KINDS if k.get("type") != "object"]
    props = {f"field{i:02d}": copy.deepcopy(flat[i % len(flat)]) for i in range(49)}
    old = {"type": "object", "properties": props, "required": ["field00"], "additionalProperties": False}
    new = copy.deepcopy(old)
    new["properties"]["field49"] = {"type": "string"}
    existing = [ExistingVersion("1.0.0", old)]
    candidate = Candidate("lettings", "property.favorited", "1.1.0", new)
    verdict = dry_run_verdict(candidate, existing)
    timings, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        dry_run_verdict(candidate, existing)
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    timings.sort()
    print(
        f"{'dry-run, 50-property seed-size minor':<44} median {statistics.median(timings):7.3f} ms   "
        f"p95 {_p95(timings):7.3f} ms   min {timings[0]:7.3f} ms   cpu p95 {_p95(cpu):7.3f} ms   "
        f"valid={verdict.valid} bump={verdict.semver_bump}"
    )
    return _p95(cpu)


if __name__ == "__main__":
    main()
