"""``pattern`` as the validator runs it: ECMA-262 (:mod:`platformxe.rules.ecma`), read here through
Python's own regex parser.

Every analysis (length bounds, automata, sample strings) works on the *translation* of the
ECMA-262 pattern (``ecma.translate``), which spells ``\\d``, ``\\w``, ``\\s`` and ``.`` as explicit
code point ranges and ``$`` as ``\\Z``; constructs the translation renders with lookarounds or
conditionals (``\\b``, backreferences) or ``\\p{…}`` are outside Python's parser and make the
analyses answer "unknown".

The validator searches (``compile_pattern(p).search(value)``), so a value matching the pattern
contains a match, and its length is at least the pattern's minimum width. When the pattern is
anchored at both ends (``^…$``) the value *is* the match, so the maximum width bounds the length.
"""

from __future__ import annotations

import importlib
import re
from functools import cache
from typing import Any

from platformxe.rules.ecma import EcmaPatternError, compile_pattern, translate


def parser() -> Any:
    """Python's sre parser (``re._parser``), without the sre_parse deprecation warning."""
    return importlib.import_module("re._parser")


@cache
def parsed(pattern: str) -> Any:
    """The sre parse tree of the ECMA-262 pattern's translation, or None (invalid, or outside re)."""
    try:
        text = translate(pattern, expand_properties=True)
        re.compile(text)
        return parser().parse(text)
    except (EcmaPatternError, re.error, TypeError, RecursionError, OverflowError, ValueError):
        return None


@cache
def pattern_bounds(pattern: str) -> tuple[int, int | None]:
    """(minimum, maximum or None) length of strings the pattern accepts (by search)."""
    tree = parsed(pattern)
    if tree is None:
        return 0, None
    p = parser()
    try:
        lo, hi = tree.getwidth()
    except Exception:  # the parser's API changed: no knowledge
        return 0, None
    data = list(tree.data)
    if not data or hi >= p.MAXWIDTH:
        return lo, None
    first, last = data[0], data[-1]
    if str(first[0]) != "AT" or str(first[1]) not in ("AT_BEGINNING", "AT_BEGINNING_STRING"):
        return lo, None
    if str(last[0]) != "AT" or str(last[1]) not in ("AT_END", "AT_END_STRING"):
        return lo, None
    return lo, hi + (1 if str(last[1]) == "AT_END" else 0)


#: Longest time the checker lets one match of a tenant's pattern take; past it the answer is
#: "unknown" (None), which every caller treats conservatively (the pattern may apply).
SEARCH_TIMEOUT_SECONDS = 0.05


def search(pattern: str, name: str) -> bool | None:
    """The validator's match (ECMA-262); None when the pattern is not valid ECMA-262 or the match
    takes longer than :data:`SEARCH_TIMEOUT_SECONDS` (a backtracking-heavy pattern)."""
    try:
        return compile_pattern(pattern).search(name, timeout=SEARCH_TIMEOUT_SECONDS) is not None
    except (EcmaPatternError, TypeError, TimeoutError):
        return None
