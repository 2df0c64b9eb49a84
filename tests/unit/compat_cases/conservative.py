"""Truly compatible changes the checker cannot prove (it answers breaking, "could not prove")."""

from __future__ import annotations

from compat_cases.common import Case, I, S

CASES = [
    Case(
        "pattern-disjoint-prefixes-closed",
        {"type": "object", "patternProperties": {"^x-": S}, "additionalProperties": False},
        {"type": "object", "patternProperties": {"^x-": S, "^y-": I}, "additionalProperties": False},
        "conservative",
        "no key starts with both x- and y-, but the checker does not reason about regex overlap",
    ),
    Case(
        "multipleof-decimal",
        {"type": "number", "multipleOf": 0.2},
        {"type": "number", "multipleOf": 0.1},
        "conservative",
        "no counterexample is known, but the validator's float division makes a proof unavailable",
    ),
]
