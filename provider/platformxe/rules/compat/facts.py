"""Numeric keyword readings and the facts a negated bound implies (used by ``knowledge``)."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from platformxe.rules.compat.model import ALL_KINDS, ASSERTING_KEYWORDS, NUMERIC, Node, type_kinds

if TYPE_CHECKING:
    from platformxe.rules.compat.knowledge import Knowledge


def number(value: Any) -> Fraction | None:
    """A JSON number as an exact fraction (None for non-numbers, NaN or infinities)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return Fraction(value)
    except (ValueError, OverflowError):
        return None


def count(value: Any) -> int | None:
    """A non-negative integer keyword value (5 or 5.0), None when malformed."""
    f = number(value)
    if f is None or f.denominator != 1 or f < 0:
        return None
    return int(f)


def exact_multiple(d: Any) -> Fraction | None:
    """``multipleOf`` values the validator checks exactly, as fractions.

    jsonschema checks an integer divisor with ``%`` (exact) but a float divisor as
    ``int(x / d) == x / d`` in floating point, which is exact only for powers of two ≤ 1
    (dividing by them only shifts the exponent). Any other float (0.1, 0.01 …) makes the
    accepted set irregular — 0.35 passes multipleOf 0.01 but fails multipleOf 0.001 — so such
    divisors get no exact reading.
    """
    if isinstance(d, bool):
        return None
    if isinstance(d, int) and 0 < d <= 2**53:
        return Fraction(d)
    if isinstance(d, float) and 0 < d <= 1 and math.frexp(d)[0] == 0.5:
        return Fraction(d)
    return None


# A negated single bound is the opposite bound on the kind it constrains:
# not {minLength: 2} ⇒ strings of length ≤ 1.
_BOUND_KIND = {
    "minLength": "string",
    "maxLength": "string",
    "minItems": "array",
    "maxItems": "array",
    "minProperties": "object",
    "maxProperties": "object",
    "minimum": "number",
    "maximum": "number",
    "exclusiveMinimum": "number",
    "exclusiveMaximum": "number",
}


def negated_bounds(k: Knowledge, negs: list[Node], kinds: frozenset[str]) -> frozenset[str]:
    """Facts from negated schemas made of one size or numeric bound (and maybe ``type``).

    An instance failing ``{type: T, minLength: n}`` is either outside T, or a string (when T
    holds strings) shorter than n: kinds of T the bound does not constrain cannot occur.
    """
    for neg in negs:
        s = neg.schema
        if not isinstance(s, dict):
            continue
        asserting = [kw for kw in s if kw in ASSERTING_KEYWORDS and kw != "type"]
        if len(asserting) != 1 or asserting[0] not in _BOUND_KIND:
            continue
        kw = asserting[0]
        scope = type_kinds(s["type"]) if "type" in s else ALL_KINDS
        if scope is None:
            continue
        bound_kinds = NUMERIC if _BOUND_KIND[kw] == "number" else frozenset({_BOUND_KIND[kw]})
        if (number if _BOUND_KIND[kw] == "number" else count)(s[kw]) is None:
            continue  # a malformed bound: draw nothing
        kinds -= scope - bound_kinds  # the negated schema accepts those whole
        if not bound_kinds <= scope:
            continue  # only part of the bound's kind is covered: no single fact to draw
        if _BOUND_KIND[kw] == "number":
            v = number(s[kw])
            if v is None:
                continue
            if kw in ("minimum", "exclusiveMinimum"):  # below it (strictly for minimum)
                excl = kw == "minimum"
                if k.hi is None or v < k.hi or (v == k.hi and excl):
                    k.hi, k.hi_excl = v, excl
            else:
                excl = kw == "maximum"
                if k.lo is None or v > k.lo or (v == k.lo and excl):
                    k.lo, k.lo_excl = v, excl
            continue
        n = count(s[kw])
        if n is None:
            continue
        if kw.startswith("min"):
            if n == 0:
                kinds -= bound_kinds  # every instance of the kind meets a zero minimum
                continue
            cap = n - 1
            if kw == "minLength":
                k.max_len = cap if k.max_len is None else min(k.max_len, cap)
            elif kw == "minItems":
                k.max_items = cap if k.max_items is None else min(k.max_items, cap)
            else:
                k.max_props = cap if k.max_props is None else min(k.max_props, cap)
        elif kw == "maxLength":
            k.min_len = max(k.min_len, n + 1)
        elif kw == "maxItems":
            k.min_items = max(k.min_items, n + 1)
        else:
            k.min_props = max(k.min_props, n + 1)
    return kinds
