"""Time of one dry-run verdict on a 50-property schema pair (goal: ≤ 2 ms; prints, never fails).

The old schema has 49 properties, the new one adds a 50th, optional: a minor bump the verdict
must judge with every rule (names, version, metaschema, caps, references, hash, compatibility).
Also times the payload validation of an emit against the 50-property schema (cached validator).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "provider"))

from platformxe.rules import Candidate, ExistingVersion, dry_run_verdict, validate_payload

KINDS: list[dict[str, Any]] = [
    {"type": "string", "maxLength": 64},
    {"type": "integer", "minimum": 0},
    {"type": "string", "format": "date-time"},
    {"type": "boolean"},
    {"type": "array", "items": {"type": "string"}, "maxItems": 10},
]


def schema_with(count: int) -> dict[str, Any]:
    """An event schema with ``count`` top-level properties of mixed kinds."""
    props = {f"field{i:02d}": dict(KINDS[i % len(KINDS)]) for i in range(count)}
    return {
        "type": "object",
        "properties": props,
        "required": ["field00", "field01"],
        "additionalProperties": False,
    }


def payload_for(schema: dict[str, Any]) -> dict[str, Any]:
    samples = ["abc", 7, "2026-05-04T10:00:00Z", True, ["a", "b"]]
    return {name: samples[i % len(samples)] for i, name in enumerate(schema["properties"])}


def measure(label: str, func: Callable[[], Any], runs: int) -> None:
    func()  # warm-up: lazy imports, metaschema compilation, validator cache
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(
        f"{label}: median {statistics.median(timings):.3f} ms, p95 {p95:.3f} ms, "
        f"min {timings[0]:.3f} ms over {runs} runs"
    )


def main() -> None:
    old, new = schema_with(49), schema_with(50)
    existing = [ExistingVersion(version="1.3.0", payload_schema=old)]
    candidate = Candidate(
        namespace="lettings", name="property.favorited", version="1.4.0", payload_schema=new
    )
    verdict = dry_run_verdict(candidate, existing)
    print(f"verdict: valid={verdict.valid} bump={verdict.semver_bump} changes={len(verdict.changes)}")
    measure("dry_run_verdict (49 -> 50 properties, minor)", lambda: dry_run_verdict(candidate, existing), 300)
    payload = payload_for(new)
    assert validate_payload(new, payload) == []
    measure("validate_payload (emit, 50 properties)", lambda: validate_payload(new, payload), 2000)
    print("goal: dry_run_verdict median <= 2 ms")


if __name__ == "__main__":
    main()
