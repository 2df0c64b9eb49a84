"""The CI plan checker behind ``platformxe plan-check``.

Reads ``terraform show -json PLANFILE`` output, reports every ``platformxe_custom_event`` change
(action, event, version, semver verdict, breaking changes) and the drift found by the refresh,
applies the ``--fail-on`` policies and renders text, Markdown, JSON or JUnit. Verdicts missing
from the plan are computed offline with :mod:`platformxe.rules`.

    report = load_plan("plan.json")
    results = evaluate(report, ["breaking"])
    print(render("markdown", report, results))
"""

from __future__ import annotations

from platformxe.plancheck.formats import FORMATS, render
from platformxe.plancheck.model import (
    Action,
    AttributeDiff,
    Drift,
    EventChange,
    EventVerdict,
    PlanReport,
    PolicyResult,
    VerdictSource,
    Violation,
)
from platformxe.plancheck.policies import POLICIES, evaluate
from platformxe.plancheck.reader import PlanInputError, load_plan, parse_plan

__all__ = [
    "FORMATS",
    "POLICIES",
    "Action",
    "AttributeDiff",
    "Drift",
    "EventChange",
    "EventVerdict",
    "PlanInputError",
    "PlanReport",
    "PolicyResult",
    "VerdictSource",
    "Violation",
    "evaluate",
    "load_plan",
    "parse_plan",
    "render",
]
