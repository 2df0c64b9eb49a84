"""What a ``pattern`` says about string length, read from Python's own regex parser.

The validator runs ``re.search(pattern, value)``, so a value matching the pattern contains a
match, and its length is at least the pattern's minimum width. When the pattern is anchored at
both ends (``^…$`` without MULTILINE, or ``\\A…\\Z``) the value *is* the match — plus, for ``$``,
possibly one trailing newline — so the maximum width bounds the length too.
"""

from __future__ import annotations

import importlib
import re
from functools import cache
from typing import Any


def _parser() -> Any:
    return importlib.import_module("re._parser")  # the sre parser, without the sre_parse warning


@cache
def pattern_bounds(pattern: str) -> tuple[int, int | None]:
    """(minimum, maximum or None) length of strings matching ``pattern`` under re.search."""
    parser = _parser()
    try:
        flags = re.compile(pattern).flags
        tree = parser.parse(pattern)
        lo, hi = tree.getwidth()
    except Exception:  # the pattern does not compile, or the parser's API changed: no knowledge
        return 0, None
    data = list(tree.data)
    if not data or flags & re.MULTILINE or hi >= parser.MAXWIDTH:
        return lo, None
    first, last = data[0], data[-1]
    if str(first[0]) != "AT" or str(first[1]) not in ("AT_BEGINNING", "AT_BEGINNING_STRING"):
        return lo, None
    if str(last[0]) != "AT" or str(last[1]) not in ("AT_END", "AT_END_STRING"):
        return lo, None
    return lo, hi + (1 if str(last[1]) == "AT_END" else 0)


def search(pattern: str, name: str) -> bool | None:
    """``re.search`` as the validator runs it; None when the pattern does not compile."""
    try:
        return re.search(pattern, name) is not None
    except (re.error, TypeError):
        return None
