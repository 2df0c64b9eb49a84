"""Share of breaking verdicts that carry a verified counterexample (prints, never fails).

A generated corpus of schema histories, nothing fetched: a few event schemas written for this
harness, each evolved by the changes people make to real schemas (a property required, a bound
tightened — up to maxLength 65535 —, the object closed, a type narrowed, an enum value dropped, a
pattern or format added …), alone and two at a time, under both policies. For every breaking
change the report must carry a witness: a payload within the 256 KB cap that the old schema
accepts and the new one refuses, checked here again with the real validator. Goal: ≥ 95 %.
"""

from __future__ import annotations

import copy
import itertools
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "provider"))

from platformxe.rules import validate_payload
from platformxe.rules.compat import compare

Schema = dict[str, Any]

BASES: dict[str, Schema] = {
    "order": {
        "type": "object",
        "properties": {
            "orderId": {"type": "string", "maxLength": 64},
            "amount": {"type": "number", "minimum": 0},
            "currency": {"enum": ["EUR", "GBP", "USD"]},
            "lines": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"sku": {"type": "string"}, "qty": {"type": "integer", "minimum": 1}},
                    "required": ["sku"],
                },
            },
            "placedAt": {"type": "string", "format": "date-time"},
        },
        "required": ["orderId", "amount"],
    },
    "signup": {
        "type": "object",
        "properties": {
            "userId": {"type": "string"},
            "email": {"type": "string", "format": "email"},
            "plan": {"type": "string"},
            "referrer": {"type": ["string", "null"]},
            "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 20},
        },
        "required": ["userId"],
        "additionalProperties": False,
    },
    "reading": {
        "type": "object",
        "properties": {
            "sensor": {"type": "string", "pattern": "^[a-z]+-[0-9]+$"},
            "value": {"type": "number"},
            "unit": {"type": "string"},
            "meta": {"type": "object", "properties": {"fw": {"type": "string"}}},
        },
        "required": ["sensor", "value"],
    },
}


def _props(s: Schema) -> dict[str, Schema]:
    return s["properties"]  # type: ignore[no-any-return]


def _first(s: Schema, kind: str) -> str | None:
    for name, sub in _props(s).items():
        if sub.get("type") == kind or (kind == "enum" and "enum" in sub):
            return name
    return None


def _on(kind: str, change: Callable[[Schema], None]) -> Callable[[Schema], bool]:
    def apply(s: Schema) -> bool:
        name = _first(s, kind)
        if name is None:
            return False
        change(_props(s)[name])
        return True

    return apply


def _require_optional(s: Schema) -> bool:
    optional = [n for n in _props(s) if n not in s.get("required", [])]
    if not optional:
        return False
    s["required"] = [*s.get("required", []), optional[0]]
    return True


def _add_required(s: Schema) -> bool:
    _props(s)["source"] = {"type": "string"}
    s["required"] = [*s.get("required", []), "source"]
    return True


def _add_typed_optional(s: Schema) -> bool:
    _props(s)["note"] = {"type": "string", "maxLength": 280}
    return True


def _close(s: Schema) -> bool:
    if s.get("additionalProperties") is False:
        return False
    s["additionalProperties"] = False
    return True


def _drop_enum_value(sub: Schema) -> None:
    sub["enum"] = sub["enum"][:-1]


def _narrow_nullable(s: Schema) -> bool:
    for sub in _props(s).values():
        if isinstance(sub.get("type"), list) and "null" in sub["type"]:
            sub["type"] = next(t for t in sub["type"] if t != "null")
            return True
    return False


def _remove_property_closed(s: Schema) -> bool:
    if s.get("additionalProperties") is not False:
        return False
    name = next(n for n in _props(s) if n not in s.get("required", []))
    del _props(s)[name]
    return True


def _nested_required(s: Schema) -> bool:
    for sub in _props(s).values():
        if sub.get("type") == "object" and "properties" in sub:
            sub["required"] = list(sub["properties"])[:1]
            return True
        if sub.get("type") == "array" and isinstance(sub.get("items"), dict) and "properties" in sub["items"]:
            sub["items"]["required"] = list(sub["items"]["properties"])
            return True
    return False


MUTATIONS: dict[str, Callable[[Schema], bool]] = {
    "optional property required": _require_optional,
    "required property added": _add_required,
    "typed optional property added": _add_typed_optional,
    "object closed": _close,
    "maxLength 65535 added": _on("string", lambda p: p.update(maxLength=65535)),
    "maxLength 8 added": _on("string", lambda p: p.update(maxLength=8)),
    "minLength 3 added": _on("string", lambda p: p.update(minLength=3)),
    "pattern added": _on("string", lambda p: p.update(pattern="^[A-Z]")),
    "format uuid added": _on("string", lambda p: p.update(format="uuid")),
    "string narrowed to enum": _on("string", lambda p: p.update(enum=["a", "b"])),
    "number narrowed to integer": _on("number", lambda p: p.update(type="integer")),
    "maximum 100 added": _on("number", lambda p: p.update(maximum=100)),
    "exclusiveMinimum 0 added": _on("number", lambda p: p.update(exclusiveMinimum=0)),
    "multipleOf 0.5 added": _on("number", lambda p: p.update(multipleOf=0.5)),
    "enum value removed": _on("enum", _drop_enum_value),
    "null no longer allowed": _narrow_nullable,
    "maxItems 1 added": _on("array", lambda p: p.update(maxItems=1)),
    "minItems 1 added": _on("array", lambda p: p.update(minItems=1)),
    "uniqueItems added": _on("array", lambda p: p.update(uniqueItems=True)),
    "declared property removed (closed)": _remove_property_closed,
    "nested property required": _nested_required,
    "string type changed to integer": _on("string", lambda p: p.update(type="integer")),
}


def histories() -> list[tuple[str, Schema, Schema]]:
    out: list[tuple[str, Schema, Schema]] = []
    names = list(MUTATIONS)
    combos: list[tuple[str, ...]] = [(n,) for n in names] + list(itertools.combinations(names, 2))
    for base_name, base in BASES.items():
        for combo in combos:
            new = copy.deepcopy(base)
            if all(MUTATIONS[m](new) for m in combo):
                out.append((f"{base_name}: {' + '.join(combo)}", base, new))
    return out


def main() -> None:
    pairs = histories()
    totals: Counter[str] = Counter()
    missing: Counter[str] = Counter()
    times: list[float] = []
    for label, old, new in pairs:
        for policy in ("strict", "lenient"):
            start = time.perf_counter()
            report = compare(old, new, policy)
            times.append((time.perf_counter() - start) * 1000)
            for change in report.breaking_changes:
                totals[policy] += 1
                if change.has_witness:
                    payload = change.witness
                    size = len(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode())
                    real = validate_payload(old, payload) == [] and validate_payload(new, payload) != []
                    assert real and size <= 262_144, (label, policy, change.message)  # never a false witness
                else:
                    missing[f"{policy}: {label.split(': ', 1)[1]} -> {change.kind}"] += 1
    all_breaking = sum(totals.values())
    with_witness = all_breaking - sum(missing.values())
    times.sort()
    print(f"{len(pairs)} histories x 2 policies, {all_breaking} breaking changes")
    for policy in ("strict", "lenient"):
        gaps = sum(v for k, v in missing.items() if k.startswith(policy))
        share = 100 * (totals[policy] - gaps) / max(totals[policy], 1)
        print(
            f"  {policy:<8} {totals[policy] - gaps}/{totals[policy]} with a verified witness ({share:.1f} %)"
        )
    print(f"  overall  {with_witness}/{all_breaking} ({100 * with_witness / max(all_breaking, 1):.1f} %)")
    print(
        f"  verdict time: median {times[len(times) // 2]:.2f} ms, p95 {times[int(len(times) * 0.95)]:.2f} ms"
    )
    for key, n in missing.most_common(15):
        print(f"  no witness ({n}): {key}")


if __name__ == "__main__":
    main()
