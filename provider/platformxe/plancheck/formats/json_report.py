"""``--format json``: the stable, documented machine-readable report (docs/plan-check.md).

``report_version`` is 1. Within version 1 properties are only ever added, never renamed or
removed; readers should ignore properties they do not know.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from platformxe._version import __version__
from platformxe.plancheck.formats.common import failed, summary_counts
from platformxe.plancheck.model import EventChange, PlanReport, PolicyResult

#: Bumped only for an incompatible change of the JSON report's shape.
REPORT_VERSION = 1


def report_dict(report: PlanReport, results: Sequence[PolicyResult]) -> dict[str, Any]:
    """The report as plain JSON-ready values."""
    bad = failed(results)
    return {
        "report_version": REPORT_VERSION,
        "tool": {"name": "platformxe plan-check", "version": __version__},
        "plan": {
            "source": report.source,
            "format_version": report.format_version,
            "terraform_version": report.terraform_version,
            "plan_checks": report.plan_checks,
            "errored": report.errored,
        },
        "result": "fail" if bad else "pass",
        "exit_code": 1 if bad else 0,
        "summary": summary_counts(report),
        "changes": [_change(c) for c in report.changes],
        "drift": [
            {
                "address": d.address,
                "event": d.event,
                "namespace": d.namespace,
                "name": d.name,
                "version": d.version,
                "kind": d.kind,
                "description": d.describe("->"),
                "attribute_changes": [a.to_dict() for a in d.attribute_changes],
            }
            for d in report.drift
        ],
        "policies": [
            {
                "policy": r.policy,
                "requested": r.requested,
                "description": r.description,
                "passed": r.passed,
                "violations": [{"address": v.address, "message": v.message} for v in r.violations],
            }
            for r in results
        ],
    }


def render_json(report: PlanReport, results: Sequence[PolicyResult]) -> str:
    """The report as indented JSON text."""
    return json.dumps(report_dict(report, results), indent=2, ensure_ascii=False) + "\n"


def _change(change: EventChange) -> dict[str, Any]:
    verdict = change.verdict
    return {
        "address": change.address,
        "action": change.action,
        "actions": list(change.actions),
        "action_reason": change.action_reason,
        "event": change.event,
        "namespace": change.namespace,
        "name": change.name,
        "version": {
            "before": change.version_before,
            "after": change.version_after,
            "after_unknown": change.version_after_unknown,
        },
        "verdict": None if verdict is None else verdict.to_dict(),
        "changes": [] if verdict is None else [c.to_dict() for c in verdict.changes],
        "breaking_changes": [c.to_dict() for c in change.breaking_changes],
        "attribute_changes": [a.to_dict() for a in change.attribute_changes],
        "on_destroy": change.on_destroy,
        "importing_id": change.importing_id,
        "deposed": change.deposed,
        "replace_paths": [list(p) for p in change.replace_paths],
    }
