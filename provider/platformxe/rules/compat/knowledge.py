"""What every instance of a piece is known to satisfy.

``knowledge`` flattens a piece (following ``$ref``, ``allOf``, triggered ``dependentSchemas``
and ``if`` conditions it can decide) into *atoms* and summarises them: the possible instance
kinds, numeric/string/array/object bounds, and, when the piece admits finitely many values
(``enum``, ``const``, only ``null``/``boolean``), the exact list of them, filtered with the
real validator. Every fact is implied by the piece, so it is safe to use as a premise; facts
the summary cannot express (``anyOf``, ``oneOf``, ``if``) are kept as *disjunctions* the core
may split into cases.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from platformxe.rules.compat.facts import negated_bounds
from platformxe.rules.compat.model import Node, Piece, same
from platformxe.rules.compat.regex import pattern_bounds
from platformxe.rules.compat.values import (
    ASSERTING_KEYWORDS,
    NUMERIC,
    count,
    exact_multiple,
    in_enum,
    json_equal,
    kind_of,
    number,
    type_kinds,
)
from platformxe.rules.formats import format_checker

# Keywords whose effect on a finite candidate list the summary computes without the validator.
_CHEAP = frozenset({"type", "enum", "const"})
_MAX_FINITE = 256
# Lengths (in code points) implied by the checkers of rules/formats.py, each an ASCII grammar
# matched in full: a uuid is 8-4-4-4-12 hexadecimal digits (36); a date is \d{4}-\d{2}-\d{2}
# (10); a date-time is at least 2024-01-02T03:04:05Z (20) and a time 03:04:05Z (9); a dotted-quad
# IPv4 address has 4 octets of 1-3 digits (7 to 15); a duration is at least P1D (3); a host name
# has 1 to 253 characters.
FORMAT_LENGTHS: dict[str, tuple[int, int | None]] = {
    "uuid": (36, 36),
    "date": (10, 10),
    "date-time": (20, None),
    "time": (9, None),
    "ipv4": (7, 15),
    "duration": (3, None),
    "hostname": (1, 253),
}


def format_lengths(fmt: Any) -> tuple[int, int | None]:
    """Length bounds a format implies, only for formats the validator really asserts."""
    if isinstance(fmt, str) and fmt in FORMAT_LENGTHS and fmt in format_checker().checkers:
        return FORMAT_LENGTHS[fmt]
    return 0, None


@dataclass
class Knowledge:
    """Facts implied by a piece (see module docstring)."""

    empty: bool = False
    kinds: frozenset[str] = frozenset()
    finite: list[Any] | None = None
    atoms: list[Node] = field(default_factory=list)
    atom_keys: frozenset[tuple[str, str]] = frozenset()
    negs: list[Node] = field(default_factory=list)
    disj: list[tuple[Node, str]] = field(default_factory=list)
    lo: Fraction | None = None
    lo_excl: bool = False
    hi: Fraction | None = None
    hi_excl: bool = False
    mults: list[Any] = field(default_factory=list)
    min_len: int = 0
    max_len: int | None = None
    patterns: set[str] = field(default_factory=set)
    formats: set[str] = field(default_factory=set)
    min_items: int = 0
    max_items: int | None = None
    unique: bool = False
    required: set[str] = field(default_factory=set)
    dep_required: dict[str, set[str]] = field(default_factory=dict)
    min_props: int = 0
    max_props: int | None = None


def expand(piece: Piece) -> tuple[list[Node], list[Node], list[tuple[Node, str]], bool, set[str]]:
    """Flatten a piece into atoms; returns (atoms, negs, disjunctions, has_false, required)."""
    atoms: list[Node] = []
    negs: list[Node] = list(piece.neg)
    disj: list[tuple[Node, str]] = []
    seen: set[tuple[str, str]] = set()
    required: set[str] = set()
    applied: set[tuple[tuple[str, str], str]] = set()
    has_false = False
    work = list(piece.pos)
    while True:
        while work:
            n = work.pop()
            if n.key in seen:
                continue
            seen.add(n.key)
            s = n.schema
            if s is False:
                has_false = True
                continue
            if not isinstance(s, dict):
                continue  # true (or malformed, which the schema checks refuse): no constraint
            atoms.append(n)
            if "$ref" in s:
                target = n.doc.resolve(s["$ref"])
                if target is not None:  # an unresolvable old reference only loses knowledge
                    work.append(target)
            for i in range(len(s["allOf"]) if isinstance(s.get("allOf"), list) else 0):
                work.append(_child(n, "allOf", i))
            if "not" in s:
                negs.append(_child(n, "not"))
            for kw in ("anyOf", "oneOf"):
                if isinstance(s.get(kw), list) and (n.key, kw) not in piece.used:
                    disj.append((n, kw))
            req = s.get("required")
            if isinstance(req, list):
                required.update(r for r in req if isinstance(r, str))
        grew = _triggered(atoms, negs, piece, required, applied, work)
        if not grew:
            break
    for a in atoms:
        if isinstance(a.get("dependentSchemas"), dict):
            for name in a.schema["dependentSchemas"]:
                kw = "dependentSchemas/" + name
                if name not in required and (a.key, kw) not in piece.used:
                    disj.append((a, kw))
        undecided_if = "if" in a.schema and (a.key, "if") not in piece.used and (a.key, "if") not in applied
        if undecided_if and ("then" in a.schema or "else" in a.schema):
            disj.append((a, "if"))
    return atoms, negs, disj, has_false, required


def _child(n: Node, *tokens: str | int) -> Node:
    c = n.child(*tokens)
    assert c is not None
    return c


def _triggered(
    atoms: list[Node],
    negs: list[Node],
    piece: Piece,
    required: set[str],
    applied: set[tuple[tuple[str, str], str]],
    work: list[Node],
) -> bool:
    """Add conjuncts that the atoms make certain: dependencies of required names, decided ifs."""
    grew = False
    for a in list(atoms):
        dr = a.get("dependentRequired")
        if isinstance(dr, dict):
            for name, deps in dr.items():
                if name in required and isinstance(deps, list):
                    new = {d for d in deps if isinstance(d, str)} - required
                    if new:
                        required |= new
                        grew = True
        ds = a.get("dependentSchemas")
        if isinstance(ds, dict):
            for name in ds:
                if name in required and (a.key, "dependentSchemas/" + name) not in applied:
                    applied.add((a.key, "dependentSchemas/" + name))
                    work.append(_child(a, "dependentSchemas", name))
                    grew = True
        if "if" in a.schema and (a.key, "if") not in applied and (a.key, "if") not in piece.used:
            cond = _child(a, "if")
            # The instance is known to satisfy (or to fail) the condition when an identical
            # schema is among the conjuncts (or the negated conjuncts): apply then (or else).
            branch = None
            if any(same(cond, p) for p in atoms if p.key != a.key):
                branch = "then"
            elif any(same(cond, q) for q in negs):
                branch = "else"
            if branch is not None:
                applied.add((a.key, "if"))
                if branch in a.schema:
                    work.append(_child(a, branch))
                grew = True
    return grew


def knowledge(piece: Piece) -> Knowledge:
    """Summarise a piece (see module docstring). Pure function of the piece."""
    atoms, negs, disj, has_false, required = expand(piece)
    k = Knowledge(
        atoms=atoms, negs=negs, disj=disj, required=required, atom_keys=frozenset(a.key for a in atoms)
    )
    kinds = piece.kinds
    for a in atoms:
        if "type" in a.schema:
            tk = type_kinds(a.schema["type"])
            if tk is not None:
                kinds &= tk
    for n in negs:  # "not": {"type": ...} removes those kinds
        s = n.schema
        if (
            isinstance(s, dict)
            and "type" in s
            and all(kw == "type" or kw not in ASSERTING_KEYWORDS for kw in s)
        ):
            tk = type_kinds(s["type"])
            if tk is not None:
                kinds -= tk
    if has_false or any(_trivial(n) or any(same(n, a) for a in atoms) for n in negs):
        k.empty = True  # "not true", or a schema required and forbidden at once
        return k
    kinds, implied = negated_bounds(negs, kinds)
    schemas: list[dict[str, Any]] = [a.schema for a in atoms] + implied
    _numbers(k, schemas)
    _strings(k, schemas)
    _arrays(k, schemas)
    _objects(k, schemas)
    kinds = _prune_kinds(k, kinds)
    k.kinds = kinds
    k.finite = _finite(k, atoms, negs, kinds)
    if k.finite is not None:
        k.kinds = frozenset(kind_of(v) for v in k.finite)
    k.empty = not k.kinds
    return k


#: Keywords ``expand`` follows or splits on: a piece of one node without any of them is its own
#: only atom, and its summary depends on nothing but the schema's content and the piece's kinds.
_EXPANDING = frozenset(
    {"$ref", "$dynamicRef", "allOf", "anyOf", "oneOf", "not", "if", "dependentSchemas", "dependentRequired"}
)
#: Schemas with more members than this (in their maps and lists) are not keyed by content
#: (the key would cost more than the summary it saves).
_MAX_SHAPE_MEMBERS = 64


def shape_key(piece: Piece) -> tuple[str, frozenset[str]] | None:
    """A key under which ``knowledge(piece)`` may be shared with every piece of the same key
    (``like``), or None. Only a piece of one node, nothing negated, whose schema is a small
    object expanding into nothing and holding no reference anywhere (the validator's answers
    about values then depend on the schema's content alone): the key is its ``repr`` (which,
    like strict equality, keeps ``1``/``1.0``/``true`` and lists/tuples apart) and the kinds."""
    if len(piece.pos) != 1 or piece.neg:
        return None
    s = piece.pos[0].schema
    if not isinstance(s, dict) or not _EXPANDING.isdisjoint(s):
        return None
    if sum(len(v) for v in s.values() if isinstance(v, (dict, list))) > _MAX_SHAPE_MEMBERS:
        return None
    try:
        text = repr(s)
    except Exception:
        return None
    if "'$ref'" in text or "'$dynamicRef'" in text or '"$ref"' in text or '"$dynamicRef"' in text:
        return None
    return text, piece.kinds


def like(proto: Knowledge, piece: Piece) -> Knowledge:
    """``knowledge(piece)`` from ``proto``, the knowledge of a piece of the same ``shape_key``:
    the same summary, about this piece's node."""
    node = piece.pos[0]
    k = object.__new__(Knowledge)
    k.__dict__.update(proto.__dict__)  # every field (dataclasses.replace costs more than the summary)
    k.atoms, k.atom_keys, k.negs, k.disj = [node], frozenset((node.key,)), [], []
    return k


def _trivial(n: Node) -> bool:
    """A schema every instance satisfies (true, or only annotations)."""
    s = n.schema
    return s is True or (isinstance(s, dict) and not any(kw in ASSERTING_KEYWORDS for kw in s))


def _numbers(k: Knowledge, schemas: list[dict[str, Any]]) -> None:
    for s in schemas:
        for kw, is_lo, excl in (
            ("minimum", True, False),
            ("exclusiveMinimum", True, True),
            ("maximum", False, False),
            ("exclusiveMaximum", False, True),
        ):
            v = number(s.get(kw))
            if v is None:
                continue
            if is_lo and (k.lo is None or v > k.lo or (v == k.lo and excl)):
                k.lo, k.lo_excl = v, excl
            if not is_lo and (k.hi is None or v < k.hi or (v == k.hi and excl)):
                k.hi, k.hi_excl = v, excl
        if "multipleOf" in s:
            k.mults.append(s["multipleOf"])


def integral_step(k: Knowledge) -> Fraction | None:
    """An exact divisor every numeric instance is a multiple of, when one is known."""
    for d in k.mults:
        f = exact_multiple(d)
        if f is not None:
            return f
    return None


def effective_lower(k: Knowledge) -> tuple[Fraction, bool] | None:
    """Lowest numeric instance bound, tightened for integer-only values and exact multiples."""
    if k.lo is None:
        return None
    lo, excl = k.lo, k.lo_excl
    step = integral_step(k)
    if k.kinds & NUMERIC == {"integer"} or (step is not None and step.denominator == 1):
        lo, excl = (Fraction(math.floor(lo) + 1) if excl else Fraction(math.ceil(lo))), False
    if step is not None:
        q = lo / step
        n = math.ceil(q)
        if excl and q == n:
            n += 1
        lo, excl = n * step, False
    return lo, excl


def effective_upper(k: Knowledge) -> tuple[Fraction, bool] | None:
    """Highest numeric instance bound, tightened like ``effective_lower``."""
    if k.hi is None:
        return None
    hi, excl = k.hi, k.hi_excl
    step = integral_step(k)
    if k.kinds & NUMERIC == {"integer"} or (step is not None and step.denominator == 1):
        hi, excl = (Fraction(math.ceil(hi) - 1) if excl else Fraction(math.floor(hi))), False
    if step is not None:
        q = hi / step
        n = math.floor(q)
        if excl and q == n:
            n -= 1
        hi, excl = n * step, False
    return hi, excl


def _strings(k: Knowledge, schemas: list[dict[str, Any]]) -> None:
    for s in schemas:
        n = count(s.get("minLength"))
        if n is not None:
            k.min_len = max(k.min_len, n)
        n = count(s.get("maxLength"))
        if n is not None:
            k.max_len = n if k.max_len is None else min(k.max_len, n)
        if isinstance(s.get("pattern"), str):
            k.patterns.add(s["pattern"])
            lo, hi = pattern_bounds(s["pattern"])
            k.min_len = max(k.min_len, lo)
            if hi is not None:
                k.max_len = hi if k.max_len is None else min(k.max_len, hi)
        if isinstance(s.get("format"), str):
            k.formats.add(s["format"])
            lo, hi = format_lengths(s["format"])
            k.min_len = max(k.min_len, lo)
            if hi is not None:
                k.max_len = hi if k.max_len is None else min(k.max_len, hi)


def _arrays(k: Knowledge, schemas: list[dict[str, Any]]) -> None:
    for s in schemas:
        n = count(s.get("minItems"))
        if n is not None:
            k.min_items = max(k.min_items, n)
        if "contains" in s and s["contains"] is not True:
            n = count(s.get("minContains", 1))
            if n is not None:
                k.min_items = max(k.min_items, n)
        caps = [count(s.get("maxItems"))]
        if s.get("items") is False:
            caps.append(len(s["prefixItems"]) if isinstance(s.get("prefixItems"), list) else 0)
        for c in caps:
            if c is not None:
                k.max_items = c if k.max_items is None else min(k.max_items, c)
        if s.get("uniqueItems") is True:
            k.unique = True


def _objects(k: Knowledge, schemas: list[dict[str, Any]]) -> None:
    for s in schemas:
        n = count(s.get("minProperties"))
        if n is not None:
            k.min_props = max(k.min_props, n)
        n = count(s.get("maxProperties"))
        if n is not None:
            k.max_props = n if k.max_props is None else min(k.max_props, n)
        dr = s.get("dependentRequired")
        if isinstance(dr, dict):
            for name, deps in dr.items():
                if isinstance(deps, list):
                    k.dep_required.setdefault(name, set()).update(d for d in deps if isinstance(d, str))
    k.min_props = max(k.min_props, len(k.required))


def _prune_kinds(k: Knowledge, kinds: frozenset[str]) -> frozenset[str]:
    """Drop kinds the bounds leave empty (minLength > maxLength …) or integral-only numbers."""
    out = set(kinds)
    step = integral_step(k)
    if step is not None and step.denominator == 1:
        out.discard("nonint")  # multiples of an integer are integral
    if k.lo is not None and k.hi is not None:
        if k.lo > k.hi or (k.lo == k.hi and (k.lo_excl or k.hi_excl)):
            out -= NUMERIC
        for kind in ("integer", "nonint"):
            if kind in out:  # bounds tightened to integers / multiples leave nothing
                k.kinds = frozenset({kind})
                lo, hi = effective_lower(k), effective_upper(k)
                if (
                    lo is not None
                    and hi is not None
                    and (lo[0] > hi[0] or (lo[0] == hi[0] and (lo[1] or hi[1])))
                ):
                    out.discard(kind)
    if k.max_len is not None and k.min_len > k.max_len:
        out.discard("string")
    if k.max_items is not None and k.min_items > k.max_items:
        out.discard("array")
    if k.max_props is not None and k.min_props > k.max_props:
        out.discard("object")
    return frozenset(out)


def _finite(k: Knowledge, atoms: list[Node], negs: list[Node], kinds: frozenset[str]) -> list[Any] | None:
    """The exact values of the piece, when it admits only finitely many (validated for real)."""
    cands: list[Any] | None = None
    for a in atoms:
        if "const" in a.schema:
            cands = [a.schema["const"]]
            break
        if isinstance(a.schema.get("enum"), list) and (cands is None or len(a.schema["enum"]) < len(cands)):
            cands = list(a.schema["enum"])
    if cands is None:
        if kinds <= {"null", "boolean"}:
            cands = [None, True, False]
        elif kinds <= {"null", "boolean", "string"} and k.max_len == 0:
            cands = [None, True, False, ""]
        elif kinds <= {"null", "boolean", "integer"}:
            cands = _integer_range(k)
            if cands is None:
                return None
        else:
            return None
    if len(cands) > _MAX_FINITE:
        return None
    out: list[Any] = []
    for v in cands:
        if kind_of(v) not in kinds or any(json_equal(v, w) and type(v) is type(w) for w in out):
            continue
        if all(_admits(a, v) for a in atoms) and not any(n.doc.is_valid(n.schema, v) for n in negs):
            out.append(v)
    return out


def _integer_range(k: Knowledge) -> list[Any] | None:
    """Every integral value a bounded integer piece may take (plus null and booleans).

    An integral float (5.0) behaves exactly like its int under every keyword the validator
    applies to numbers, so listing ints covers both; bounds stay within 2**53 so no float
    rounding comes in.
    """
    lo, hi = effective_lower(k), effective_upper(k)
    if lo is None or hi is None or abs(lo[0]) > 2**53 or abs(hi[0]) > 2**53:
        return None
    first, last = math.ceil(lo[0]), math.floor(hi[0])
    step = integral_step(k)
    by = int(step) if step is not None and step.denominator == 1 and first % int(step) == 0 else 1
    if (last - first) // by >= _MAX_FINITE:
        return None
    return [None, True, False, *range(first, last + 1, by)]


def _admits(a: Node, v: Any) -> bool:
    s = a.schema
    if "const" in s and not json_equal(v, s["const"]):
        return False
    if isinstance(s.get("enum"), list) and not in_enum(v, s["enum"]):
        return False
    if all(kw in _CHEAP or kw not in ASSERTING_KEYWORDS for kw in s):
        return True  # type already applied through kinds
    return a.doc.is_valid(s, v)
