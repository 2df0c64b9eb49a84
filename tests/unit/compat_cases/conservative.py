"""Truly compatible changes the checker cannot prove (it answers breaking, "could not prove").

Each is the documented price of soundness (docs/compatibility.md, "Known conservative cases").
"""

from __future__ import annotations

from compat_cases.common import Case

CASES = [
    Case(
        "multipleof-decimal",
        {"type": "number", "multipleOf": 0.2},
        {"type": "number", "multipleOf": 0.1},
        "conservative",
        "no counterexample is known, but the validator's float division makes a proof unavailable",
    ),
    Case(
        "pattern-backreference",
        {"type": "string", "pattern": "^(a)\\1$"},
        {"type": "string", "pattern": "^aa$"},
        "conservative",
        "backreferences are outside the regex subset the checker analyses",
    ),
    Case(
        "pattern-lookahead",
        {"type": "string", "pattern": "^ab$"},
        {"type": "string", "pattern": "^(?=a)"},
        "conservative",
        "lookaheads are outside the regex subset the checker analyses (inline flags such as (?i) "
        "are not ECMA-262 at all: the registry refuses them)",
    ),
    Case(
        "format-to-equivalent-pattern",
        {"type": "string", "format": "date"},
        {"type": "string", "pattern": "^\\d{4}-\\d{2}-\\d{2}$"},
        "conservative",
        "the checker does not translate formats into regular languages",
    ),
]
