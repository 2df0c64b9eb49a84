"""Request budgets: how much regular-expression time one request may spend, and what happens past it.

Tenants write the patterns and emitters send the strings, so a backtracking-heavy pattern (such
as ``^(a|a)*$`` against ``"aaaa…!"``) can take seconds or years per value. A limit *per value*
does not bound a request: a payload of 1,000 such strings would take 1,000 × the limit. So the
limit is per request: a :class:`Budget` counts the time spent matching across every ``pattern``
/ ``patternProperties`` / ``additionalProperties`` key match of one validation (or one dry-run,
or one registration), and each match runs on the ``regex`` module with ``timeout=`` set to what
is left, ``concurrent=True`` so the match does not hold the GIL against other requests.

Past the budget, :class:`PatternBudgetExceeded` is raised; :func:`platformxe.rules.validate_payload`
turns it into one ``payload_invalid`` problem naming the pattern and the budget.

The budget in force is a context variable (:func:`spending`), so the validator's keyword
functions find it without threading it through jsonschema; code outside any :func:`spending`
block gets a fresh budget of :data:`DEFAULT_REGEX_BUDGET_SECONDS` per validation.

:func:`compile_pattern` is the one place a tenant pattern is compiled for matching.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from platformxe.rules.ecma import compile_pattern as ecma_compile
from platformxe.rules.types import CompatReport, SchemaChange

__all__ = [
    "COMPARE_BUDGET_SECONDS",
    "DEFAULT_REGEX_BUDGET_SECONDS",
    "DRY_RUN_REGEX_BUDGET_SECONDS",
    "TOO_COSTLY",
    "Budget",
    "PatternBudgetExceeded",
    "compile_pattern",
    "current",
    "search",
    "spending",
    "too_costly_report",
]

#: Regex time one payload validation (an emit) may spend in total: 100 ms.
DEFAULT_REGEX_BUDGET_SECONDS = 0.1
#: Regex time one dry-run or registration may spend in total (schema checks and the example).
DRY_RUN_REGEX_BUDGET_SECONDS = 0.25
#: Wall-clock time the compatibility checker may take for one dry-run or registration.
COMPARE_BUDGET_SECONDS = 1.0
#: The verdict's reason when the checker ran out of its budget (issue 15's wording).
TOO_COSTLY = "not proven: the schemas are too costly to compare"


class PatternBudgetExceeded(Exception):
    """The request spent its regex budget; ``pattern`` is the match that was cut off."""

    def __init__(self, pattern: str, budget_seconds: float) -> None:
        self.pattern = pattern
        self.budget_seconds = budget_seconds
        super().__init__(describe_exceeded(pattern, budget_seconds))


def describe_exceeded(pattern: str, budget_seconds: float) -> str:
    """The sentence a user reads when ``pattern`` used up a budget of ``budget_seconds``."""
    shown = pattern if len(pattern) <= 80 else pattern[:77] + "..."
    return (
        f"matching the pattern {shown!r} took longer than this request's regular-expression budget of "
        f"{milliseconds(budget_seconds)} ms (the total for all pattern matches of one request), so "
        "the value is refused; simplify the pattern (avoid nested or overlapping repetition such as "
        "(a+)+ or (a|a)*) or bound the string's length"
    )


def milliseconds(seconds: float) -> int:
    """``seconds`` as whole milliseconds (for messages and details)."""
    return round(seconds * 1000)


class Budget:
    """Regex time allowed (``seconds``) and spent so far by one request."""

    __slots__ = ("seconds", "spent")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.spent = 0.0

    def remaining(self) -> float:
        """Seconds of matching left (never negative)."""
        return max(0.0, self.seconds - self.spent)

    def __repr__(self) -> str:
        return f"Budget(seconds={self.seconds}, spent={self.spent:.4f})"


_current: ContextVar[Budget | None] = ContextVar("platformxe_regex_budget", default=None)


def current() -> Budget | None:
    """The budget of the request being served, if a :func:`spending` block is active."""
    return _current.get()


@contextmanager
def spending(seconds: float) -> Iterator[Budget]:
    """Within the block, pattern matches draw on one budget of ``seconds`` (nested blocks share
    the outer budget: a dry-run's example validation counts against the dry-run)."""
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    budget = Budget(seconds)
    token = _current.set(budget)
    try:
        yield budget
    finally:
        _current.reset(token)


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> Any:
    """A compiled ``regex`` pattern for a tenant's ``pattern`` (the one place patterns compile).

    The dialect is ECMA-262, as JSON Schema means patterns and as check_schema and the
    compatibility checker read them (:func:`platformxe.rules.ecma.compile_pattern`); a pattern
    that is not ECMA-262 raises :class:`platformxe.rules.ecma.EcmaPatternError` here.
    """
    return ecma_compile(pattern)


def search(pattern: str, text: str) -> bool:
    """``pattern`` found in ``text``, drawing on the current budget; raises
    :class:`PatternBudgetExceeded` when the budget runs out, ``EcmaPatternError`` when it is not ECMA-262."""
    compiled = compile_pattern(pattern)
    budget = _current.get()
    if budget is None:
        with spending(DEFAULT_REGEX_BUDGET_SECONDS):
            return search(pattern, text)
    left = budget.remaining()
    if left <= 0:
        raise PatternBudgetExceeded(pattern, budget.seconds)
    started = time.perf_counter()
    try:
        found = compiled.search(text, timeout=left, concurrent=True)
    except TimeoutError:
        budget.spent = budget.seconds
        raise PatternBudgetExceeded(pattern, budget.seconds) from None
    finally:
        budget.spent += time.perf_counter() - started
    return found is not None


def too_costly_report(budget_seconds: float = COMPARE_BUDGET_SECONDS) -> CompatReport:
    """The checker's report when its budget ran out: one breaking "not proven" change."""
    reason = (
        f"{TOO_COSTLY} within this request's budget of {milliseconds(budget_seconds)} ms; "
        "simplify the schemas' patterns, or register the change as a major version"
    )
    return CompatReport(compatible=False, changes=(SchemaChange("not_proven", "", True, reason),))
