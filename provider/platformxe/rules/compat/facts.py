"""The facts a negated bound implies (read by the knowledge builder)."""

from __future__ import annotations

from typing import Any

from platformxe.rules.compat.model import Node
from platformxe.rules.compat.values import ALL_KINDS, ASSERTING_KEYWORDS, NUMERIC, count, number, type_kinds

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


def negated_bounds(negs: list[Node], kinds: frozenset[str]) -> tuple[frozenset[str], list[dict[str, Any]]]:
    """Facts from negated schemas made of one size or numeric bound (and maybe ``type``).

    An instance failing ``{type: T, minLength: n}`` is either outside T, or a string (when T
    holds strings) shorter than n: kinds of T the bound does not constrain cannot occur, and
    the strings left satisfy the opposite bound ``{maxLength: n - 1}``. Returns the kinds left
    and those opposite bounds, written as keywords for the knowledge builder to read like any
    other conjunct.
    """
    implied: list[dict[str, Any]] = []
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
            # below a minimum, at most an exclusive minimum; above a maximum …
            implied.append({_OPPOSITE_NUMERIC[kw]: s[kw]})
            continue
        n = count(s[kw])
        if n is None:
            continue
        if kw.startswith("min"):
            if n == 0:
                kinds -= bound_kinds  # every instance of the kind meets a zero minimum
                continue
            implied.append({"max" + kw[3:]: n - 1})
        else:
            implied.append({"min" + kw[3:]: n + 1})
    return kinds, implied


_OPPOSITE_NUMERIC = {
    "minimum": "exclusiveMaximum",
    "exclusiveMinimum": "maximum",
    "maximum": "exclusiveMinimum",
    "exclusiveMaximum": "minimum",
}
