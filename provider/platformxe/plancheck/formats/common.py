"""Pieces every output format shares: counts, the verdict cell, the overall result."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from platformxe.plancheck.model import (
    Action,
    EventChange,
    PlanReport,
    PolicyResult,
    VerdictSource,
    short_value,
)

#: The order actions are counted and listed in summaries.
ACTION_ORDER: tuple[str, ...] = tuple(a.value for a in Action)

#: What the SOURCE column means, said once under every table.
SOURCE_LEGEND = (
    "source: plan = the provider's verdict recorded in the plan (the registry's dry-run when "
    'plan_checks = "remote"); computed = worked out by plan-check from the plan\'s values '
    "(offline: registry not consulted)"
)


def summary_counts(report: PlanReport) -> dict[str, Any]:
    """Counts for the summary line and the JSON ``summary`` object."""
    by_action = {action: report.count(action) for action in ACTION_ORDER}
    for change in report.changes:
        if change.action not in by_action:
            by_action[change.action] = report.count(change.action)
    verdicts = [c.verdict for c in report.changes if c.verdict is not None]
    return {
        "changes": len(report.changes),
        "actions": by_action,
        "breaking": sum(1 for c in report.changes if c.breaking_changes),
        "major": sum(1 for v in verdicts if v.semver_bump == "major"),
        "unknown_verdicts": sum(1 for v in verdicts if v.semver_bump == "unknown"),
        "verdicts_from_plan": sum(1 for v in verdicts if v.source == VerdictSource.PLAN),
        "verdicts_computed": sum(1 for v in verdicts if v.source == VerdictSource.COMPUTED),
        "drift": len(report.drift),
    }


def summary_line(report: PlanReport) -> str:
    """``3 changes: 1 create, 1 replace, 1 update · 1 breaking · 1 drift`` in words."""
    counts = summary_counts(report)
    total = counts["changes"]
    parts = [f"{n} {action}" for action, n in counts["actions"].items() if n]
    head = _plural(total, "platformxe_custom_event change")
    if parts:
        head += ": " + ", ".join(parts)
    tail = [
        f"{counts['breaking']} with breaking changes",
        f"{counts['major']} major",
        f"{counts['drift']} drifted",
    ]
    if counts["unknown_verdicts"]:
        tail.append(f"{_plural(counts['unknown_verdicts'], 'verdict')} unknown until apply")
    if counts["verdicts_computed"]:
        tail.append(f"{_plural(counts['verdicts_computed'], 'verdict')} computed offline")
    return head + "; " + ", ".join(tail)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def verdict_cell(change: EventChange) -> str:
    """The VERDICT column: the bump, marked when computed offline or refused by a rule."""
    verdict = change.verdict
    if verdict is None:
        return "-"
    text = verdict.semver_bump
    if verdict.source == VerdictSource.COMPUTED:
        text += " (offline: registry not consulted)"
    if verdict.errors:
        text += f" REFUSED: {verdict.errors[0].code}"
    return text


def source_cell(change: EventChange) -> str:
    """The SOURCE column: ``plan``, ``computed`` or ``-`` (no verdict for this action)."""
    return "-" if change.verdict is None else str(change.verdict.source)


def action_cell(change: EventChange) -> str:
    """The ACTION column, with what a delete really does in the registry."""
    text = change.action
    if change.action == Action.DELETE and change.on_destroy == "retain":
        text += " (retain)"
    elif change.action == Action.DELETE:
        text += " (archive)"
    if change.importing_id:
        text += " (import)"
    if change.deposed:
        text += " (deposed)"
    return text


def failed(results: Sequence[PolicyResult]) -> list[PolicyResult]:
    """The policies that failed."""
    return [r for r in results if not r.passed]


def result_word(results: Sequence[PolicyResult]) -> str:
    """``pass`` or ``fail``."""
    return "fail" if failed(results) else "pass"


def change_notes(change: EventChange, arrow: str = "->") -> list[str]:
    """Lines worth saying about one change beyond the table: attribute moves, notes, errors."""
    notes = []
    for diff in change.attribute_changes:
        if diff.attribute in ("payload_schema", "payload_example"):
            after = "(known after apply)" if diff.after_unknown else "changed"
            notes.append(f"{diff.attribute} {after}")
        elif diff.attribute != "version":
            after = "(known after apply)" if diff.after_unknown else _show(diff.after)
            notes.append(f"{diff.attribute} {_show(diff.before)} {arrow} {after}")
    verdict = change.verdict
    if verdict is not None:
        if verdict.previous_version and change.action == Action.CREATE:
            notes.append(f"compared with {verdict.previous_version}")
        if verdict.note:
            notes.append(verdict.note)
        for problem in verdict.errors:
            notes.append(f"{problem.code} ({problem.path}): {problem.message}")
        if verdict.errors and verdict.suggested_version:
            notes.append(f"suggested version: {verdict.suggested_version}")
    if change.importing_id:
        notes.append(f"importing {change.importing_id}")
    return notes


def _show(value: Any) -> str:
    return short_value(value)


def witness_text(witness: Any, limit: int = 200) -> str:
    """A counterexample payload as compact JSON, elided past ``limit`` characters."""
    text = json.dumps(witness, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"
