"""Handlers for ``type``, ``enum``/``const``, numeric bounds, ``multipleOf``, string bounds,
``pattern`` and ``format``.

Every keyword applies to one instance kind only (a ``maximum`` says nothing about strings), so
each handler first asks whether the old piece can reach the keyword's kind at all; when it
cannot, adding the keyword refuses nothing.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from functools import cache
from typing import Any

from platformxe.rules.compat import automata
from platformxe.rules.compat.knowledge import Knowledge, effective_lower, effective_upper
from platformxe.rules.compat.model import Finding, Node, Piece, join
from platformxe.rules.compat.report import Prover, bound, label, show
from platformxe.rules.compat.values import (
    NUMERIC,
    count,
    describe_kinds,
    exact_multiple,
    in_enum,
    number,
    strict_equal,
    type_kinds,
)
from platformxe.rules.formats import format_checker


def type_handler(
    walk: Prover, k: Knowledge, piece: Piece, new: Node, primary: Node | None, ipath: tuple[Any, ...]
) -> list[Finding]:
    """``type``: the old kinds must all be admitted (integer ⊂ number)."""
    where = label(ipath)
    old_t = primary.get("type") if primary is not None else None
    if not new.has("type"):
        if primary is not None and primary.has("type"):
            return [
                walk.finding(
                    "type_removed",
                    join(primary.ptr, "type"),
                    False,
                    f"type restriction of {where} removed (was {show(old_t)})",
                )
            ]
        return []
    new_t = new.get("type")
    kinds = type_kinds(new_t)
    if kinds is not None and not k.kinds - kinds and old_t is not None and strict_equal(old_t, new_t):
        return []  # the common case: the same type, every old kind admitted (no pointer to build)
    ptr = join(new.ptr, "type")
    if kinds is None:
        return [walk.finding("not_proven", ptr, True, f"unknown type {show(new_t)} at {where}", ipath=ipath)]
    lost = k.kinds - kinds
    if lost:
        before = describe_kinds(k.kinds)
        return [
            walk.finding(
                "type_narrowed",
                ptr,
                True,
                f"type of {where} narrowed from {before} to {describe_kinds(kinds)}",
                why=f"{describe_kinds(frozenset(lost))} values are no longer accepted",
                ipath=ipath,
                piece=piece.restrict(frozenset(lost)),
                target=new,
            )
        ]
    if old_t is not None and strict_equal(old_t, new_t):
        return []
    if old_t is None:
        return [
            walk.finding(
                "type_added", ptr, False, f"type {show(new_t)} added to {where} (old values already had it)"
            )
        ]
    old_kinds = type_kinds(old_t)
    verb = "widened" if old_kinds is not None and old_kinds < kinds else "changed"
    return [
        walk.finding(
            f"type_{verb}", ptr, False, f"type of {where} {verb} from {show(old_t)} to {show(new_t)}"
        )
    ]


def _values(node: Node | None) -> list[Any] | None:
    if node is None:
        return None
    if node.has("const"):
        return [node.get("const")]
    e = node.get("enum")
    return list(e) if isinstance(e, list) else None


def enum_handler(
    walk: Prover, k: Knowledge, piece: Piece, new: Node, primary: Node | None, ipath: tuple[Any, ...]
) -> list[Finding]:
    """``enum``/``const``: each old value must be admitted (checked one by one when finite)."""
    where = label(ipath)
    old_vals, new_vals = _values(primary), _values(new)
    out: list[Finding] = []
    if new_vals is None:
        if old_vals is not None and primary is not None:
            kw = "const" if primary.has("const") else "enum"
            out.append(
                walk.finding(
                    f"{kw}_removed",
                    join(primary.ptr, kw),
                    False,
                    f"{where} is no longer restricted to {show(old_vals[0]) if kw == 'const' else 'a fixed list of values'}",
                )
            )
        return out
    kw = "const" if new.has("const") else "enum"
    ptr = join(new.ptr, kw)
    if k.finite is not None:
        for v in k.finite:
            if not in_enum(v, new_vals):
                out.append(
                    walk.finding(
                        "enum_value_removed",
                        ptr,
                        True,
                        f"value {show(v)} of {where} is no longer allowed",
                        ipath=ipath,
                        piece=piece,
                        target=new,
                        hints=[v],
                    )
                )
        if old_vals is not None:
            for w in new_vals:
                if not in_enum(w, old_vals):
                    out.append(
                        walk.finding(
                            "enum_value_added", ptr, False, f"value {show(w)} is now allowed for {where}"
                        )
                    )
            if not out and not strict_equal(primary.get(kw) if primary else None, new.get(kw)):
                out.append(
                    walk.finding(
                        "enum_changed", ptr, False, f"{kw} of {where} rewritten with the same values"
                    )
                )
        elif not out:
            out.append(
                walk.finding(f"{kw}_added", ptr, False, f"{kw} added to {where} (old values all allowed)")
            )
        return out
    text = (
        f"{where} must now be {show(new_vals[0])}"
        if kw == "const"
        else f"{where} is now restricted to {show(new_vals)}"
    )
    out.append(
        walk.finding(
            f"{kw}_added",
            ptr,
            True,
            text,
            why="the old schema allowed other values",
            ipath=ipath,
            piece=piece,
            target=new,
        )
    )
    return out


def numeric_handler(
    walk: Prover, k: Knowledge, piece: Piece, new: Node, primary: Node | None, ipath: tuple[Any, ...]
) -> list[Finding]:
    """minimum, maximum, exclusiveMinimum, exclusiveMaximum and multipleOf."""
    applies = bool(k.kinds & NUMERIC)
    lo, hi = effective_lower(k), effective_upper(k)
    out: list[Finding] = []
    numeric = piece.restrict(NUMERIC)
    for kw in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        if not new.has(kw) and (primary is None or not primary.has(kw)):
            continue  # neither schema has it: nothing to report (bound would say so)
        v = number(new.get(kw)) if new.has(kw) else None
        proved = True
        if new.has(kw) and applies:
            if v is None:
                proved = False
            elif kw == "minimum":
                proved = lo is not None and lo[0] >= v
            elif kw == "exclusiveMinimum":
                proved = lo is not None and (lo[0] > v or (lo[0] == v and lo[1]))
            elif kw == "maximum":
                proved = hi is not None and hi[0] <= v
            else:
                proved = hi is not None and (hi[0] < v or (hi[0] == v and hi[1]))
        # hints travel only with a breaking finding (walk.finding drops them otherwise)
        hints = _number_hints(v, lo, hi) if not proved else []
        why = "old values beyond the new bound are refused"
        out += bound(walk, kw, new, primary, proved, ipath, numeric, why, hints)
    if new.has("multipleOf") or (primary is not None and primary.has("multipleOf")):
        d = new.get("multipleOf")
        proved, why = (not applies) or _multiple_proved(k, d), ""
        if not proved:
            why = (
                "old values need not be multiples of it"
                if exact_multiple(d) is not None
                else "the validator checks this divisor with floating-point division, so the checker "
                "could not prove old values still pass"
            )
        hints = _multiple_hints(k.mults)
        out += bound(walk, "multipleOf", new, primary, proved, ipath, piece.restrict(NUMERIC), why, hints)
    return out


def _multiple_hints(mults: list[Any]) -> list[Any]:
    """Multiples of the old divisors, computed in decimal so 0.01 * 35 gives 0.35 (the literal a
    client would send), not 0.35000000000000003."""
    out: list[Any] = []
    for m in mults:
        if number(m) is None:
            continue
        for i in range(1, 100):
            out.append(m * i if isinstance(m, int) else float(Decimal(repr(m)) * i))
    return [*out, 1, 0.5, 3, 7]


def _multiple_proved(k: Knowledge, d: Any) -> bool:
    if any(strict_equal(m, d) for m in k.mults):
        return True  # the same divisor computes the same answer on every old value
    if isinstance(d, bool) or not isinstance(d, int | float) or not 0 < d < math.inf:
        return False
    step = _old_step(k)
    if step is None or (step / Fraction(d)).denominator != 1:
        return False
    if isinstance(d, int):
        return exact_multiple(d) is not None  # checked with %, exactly
    # A float divisor is checked as int(x / d) == x / d. Each old value is step·j exactly, so the
    # true quotient is the integer (step / d)·j, and a correctly rounded integer stays integral:
    # below 2**53 it is exact, above it every float is integral. Two gaps remain. An int payload
    # is first rounded to a float; above 2**53 that drifts, but when d ≤ 2 the quotient is then
    # ≥ 2**52, where floats are integral again. And an int beyond the float range makes the
    # division itself raise (OverflowError), so such ints must be impossible in old payloads.
    if not _no_huge_ints(k):
        return False
    return exact_multiple(d) is not None or d <= 2 or _within(k, 2**53)


def _old_step(k: Knowledge) -> Fraction | None:
    """A number every old numeric value is an exact multiple of: the lcm of the divisors the
    validator checks exactly (multipleOf 3 and 5 ⇒ 15; for reduced fractions p/q the lcm is
    lcm(p…) / gcd(q…)), and 1 for integer-only values."""
    exact = [fm for fm in (exact_multiple(m) for m in k.mults) if fm is not None]
    if "nonint" not in k.kinds:
        exact.append(Fraction(1))
    if not exact:
        return None
    num, den = exact[0].numerator, exact[0].denominator
    for fm in exact[1:]:
        num, den = math.lcm(num, fm.numerator), math.gcd(den, fm.denominator)
    return Fraction(num, den)


def _within(k: Knowledge, limit: int) -> bool:
    lo, hi = effective_lower(k), effective_upper(k)
    return lo is not None and hi is not None and abs(lo[0]) <= limit and abs(hi[0]) <= limit


def _no_huge_ints(k: Knowledge) -> bool:
    """No old value is an int too large for a float (dividing it by a float raises)."""
    if "integer" not in k.kinds or _within(k, 2**1000):
        return True
    # an old float divisor already made the validator raise on such ints: they were never valid
    return any(isinstance(m, float) and not isinstance(m, bool) and m > 0 for m in k.mults)


def _number_hints(
    v: Fraction | None, lo: tuple[Fraction, bool] | None, hi: tuple[Fraction, bool] | None
) -> list[Any]:
    out: list[Any] = []
    for b in (lo, hi):
        if b is not None:
            x = b[0]
            out += [int(x)] if x.denominator == 1 else [float(x)]
            out += [float(x) + 0.5, float(x) - 0.5, int(x) + 1, int(x) - 1]
    if v is not None:
        out += [int(v) - 1, int(v) + 1, float(v) - 0.5, float(v) + 0.5, int(v)]
    return [*out, 0, -1, 1, 10**9, -(10**9), 0.5]


def _length_pattern(k: Knowledge) -> str:
    """An ECMA-262 pattern for the old length bounds, so regex inclusion sees them (e.g. maxLength 5)."""
    lo = min(k.min_len, 200)
    hi = k.max_len if k.max_len is not None and k.max_len <= 200 else None
    return f"^[^]{{{lo},{'' if hi is None else hi}}}$"


#: Format pairs (f, g) where every value the validator accepts as f it also accepts as g, true by
#: construction of the checkers in rules/formats.py (closed under transitivity): an ``idn-email``
#: is ``email``'s grammar with more characters allowed and one more kind of domain; ``uri``,
#: ``uri-reference``, ``iri`` and ``iri-reference`` run one pipeline, where a URI is the ASCII
#: case of an IRI and the reference rule is "URI or relative-ref". Any other change of format is
#: breaking unless proved otherwise, with a witness when a sample of the old format is not in the
#: new one (docs/compatibility.md lists the pairs that are true inclusions left unproved).
FORMAT_IMPLIES: dict[str, frozenset[str]] = {
    "email": frozenset({"idn-email"}),
    "uri": frozenset({"uri-reference", "iri", "iri-reference"}),
    "uri-reference": frozenset({"iri-reference"}),
    "iri": frozenset({"iri-reference"}),
}

#: A readable string outside each format (a counterexample when the old values need not be in it).
FORMAT_COUNTER_SAMPLES: dict[str, str] = {
    "date-time": "not-a-date-time",
    "date": "not-a-date",
    "time": "not-a-time",
    "duration": "not-a-duration",
    "email": "not-an-email",
    "idn-email": "not-an-idn-email",
    "hostname": "not_a_hostname",
    "idn-hostname": "not_an_idn_hostname",
    "ipv4": "not-an-ipv4",
    "ipv6": "not-an-ipv6",
    "uri": "not-a-uri",
    "uri-reference": "not a uri-reference",
    "iri": "not-an-iri",
    "iri-reference": "not an iri-reference",
    "uuid": "not-a-uuid",
    "regex": "(not-a-regex",
    "json-pointer": "not-a-json-pointer",
    "relative-json-pointer": "not-a-relative-json-pointer",
    "uri-template": "{not-a-uri-template",
}


@cache
def asserted_formats() -> frozenset[str]:
    """Formats the validator asserts (those with a checker installed)."""
    return frozenset(format_checker().checkers)


def _text(length: int) -> str:
    """A witness string of the given length, capped by what a payload can carry at all."""
    return "a" * min(max(length, 0), MAX_WITNESS_TEXT)


#: The seed's payload cap (rules/payload.MAX_PAYLOAD_BYTES, compact UTF-8 JSON bytes): no payload
#: is larger, so no witness is either.
PAYLOAD_CAP_BYTES = 262_144
#: The longest witness string: a payload of the cap minus room for its quotes, key and siblings.
#: A bound such as maxLength 65535 is met at its edge (a 65,536-character string).
MAX_WITNESS_TEXT = PAYLOAD_CAP_BYTES - 1024


def string_handler(
    walk: Prover, k: Knowledge, piece: Piece, new: Node, primary: Node | None, ipath: tuple[Any, ...]
) -> list[Finding]:
    """minLength, maxLength, pattern and format (all apply to strings only)."""
    applies = "string" in k.kinds
    spiece = piece.restrict(frozenset({"string"}))
    out: list[Finding] = []
    n = count(new.get("minLength")) if new.has("minLength") else None
    proved = not applies or not new.has("minLength") or (n is not None and k.min_len >= n)
    # hints travel only with a breaking finding (walk.finding drops them otherwise)
    hints = [_text(k.min_len)] + ([_text(n - 1)] if n else []) if not proved else []
    out += bound(
        walk, "minLength", new, primary, proved, ipath, spiece, "shorter old values are refused", hints
    )
    n = count(new.get("maxLength")) if new.has("maxLength") else None
    proved = (
        not applies
        or not new.has("maxLength")
        or (n is not None and k.max_len is not None and k.max_len <= n)
    )
    hints = [_text(k.max_len)] if k.max_len is not None and not proved else []
    hints += [_text(n + 1)] if n is not None and not proved else []
    out += bound(
        walk, "maxLength", new, primary, proved, ipath, spiece, "longer old values are refused", hints
    )
    p = new.get("pattern")
    proved = not applies or not new.has("pattern") or p == "" or (isinstance(p, str) and p in k.patterns)
    why = "the checker could not prove that every old value matches the new pattern"
    examples: list[Any] = []
    if not proved and isinstance(p, str):
        answer, example = automata.included([*sorted(k.patterns), _length_pattern(k)], p)
        proved = answer is True
        if answer is False:
            why = "old values need not match it"
            examples = [example]
    out += bound(walk, "pattern", new, primary, proved, ipath, spiece, why, examples)
    f = new.get("format")
    if new.has("format") and not (primary is not None and strict_equal(primary.get("format"), f)):
        implied = isinstance(f, str) and (
            f in k.formats or any(f in FORMAT_IMPLIES.get(g, ()) for g in k.formats)
        )
        if not implied and applies and (not isinstance(f, str) or f in asserted_formats()):
            out += bound(
                walk,
                "format",
                new,
                primary,
                False,
                ipath,
                spiece,
                "the checker does not know every old value to be in this format",
                [FORMAT_COUNTER_SAMPLES[f]] if isinstance(f, str) and f in FORMAT_COUNTER_SAMPLES else [],
            )
        else:
            found = bound(walk, "format", new, primary, True, ipath, spiece, "", [])
            if isinstance(f, str) and f not in asserted_formats():
                for x in found:
                    x.message += " (the validator does not check this format, so nothing is refused)"
            out += found
    elif primary is not None and primary.has("format") and not new.has("format"):
        out += bound(walk, "format", new, primary, True, ipath, spiece, "", [])
    return out
