"""CI policies over a plan report: ``--fail-on major|breaking|drift|any-change``.

Besides the requested policies, the ``rules`` check always runs: a verdict the checker computed
offline that breaks a registry rule (a version jump that is not a single step, a minor bump that
is not backwards-compatible …) fails the check, because that apply would be refused.

A verdict nobody can know before apply (``unknown``) fails ``major`` and ``breaking``: the checker
cannot show the change is safe, and a gate that passes what it cannot see is no gate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from platformxe.plancheck.model import (
    UNKNOWN_BUMP,
    Action,
    EventChange,
    PlanReport,
    PolicyResult,
    Violation,
)

__all__ = ["POLICIES", "POLICY_DESCRIPTIONS", "RULES_POLICY", "evaluate"]

#: Name of the check that runs whatever ``--fail-on`` says.
RULES_POLICY = "rules"

#: Every ``--fail-on`` value, in the order results are reported.
POLICIES: tuple[str, ...] = ("major", "breaking", "drift", "any-change")

POLICY_DESCRIPTIONS: dict[str, str] = {
    RULES_POLICY: "every create/replace passes the registry's rules (always on)",
    "major": "no major version bump",
    "breaking": "no breaking schema change",
    "drift": "no platformxe_custom_event changed outside Terraform",
    "any-change": "no platformxe_custom_event is created, replaced, updated, deleted or forgotten",
}


def _label(change: EventChange) -> str:
    return f"{change.event or change.address} {change.version_label()}"


def _rules(report: PlanReport) -> Iterable[Violation]:
    for change in report.changes:
        if change.verdict is None:
            continue
        for problem in change.verdict.errors:
            yield Violation(change.address, f"{_label(change)}: {problem.code}: {problem.message}")


def _major(report: PlanReport) -> Iterable[Violation]:
    for change in report.changes:
        verdict = change.verdict
        if verdict is None:
            continue
        if verdict.semver_bump == "major":
            over = f" over {verdict.previous_version}" if verdict.previous_version else ""
            yield Violation(change.address, f"{_label(change)} is a major bump{over}")
        elif verdict.semver_bump == UNKNOWN_BUMP:
            yield Violation(
                change.address, f"{_label(change)}: verdict unknown until apply; cannot rule out a major bump"
            )


def _breaking(report: PlanReport) -> Iterable[Violation]:
    for change in report.changes:
        verdict = change.verdict
        if verdict is None:
            continue
        if verdict.semver_bump == UNKNOWN_BUMP:
            yield Violation(
                change.address,
                f"{_label(change)}: verdict unknown until apply; cannot rule out a breaking change",
            )
            continue
        breaking = verdict.breaking_changes
        if breaking:
            first = breaking[0]
            more = f" (and {len(breaking) - 1} more)" if len(breaking) > 1 else ""
            where = f" at {first.pointer}" if first.pointer else ""
            yield Violation(
                change.address,
                f"{_label(change)}: breaking change {first.kind}{where}: {first.message}{more}",
            )


def _drift(report: PlanReport) -> Iterable[Violation]:
    for drift in report.drift:
        subject = f"{drift.event or drift.address} {drift.version or '?'}"
        yield Violation(drift.address, f"{subject}: {drift.describe()}")


def _any_change(report: PlanReport) -> Iterable[Violation]:
    for change in report.changes:
        if change.action != Action.NO_OP:
            yield Violation(change.address, f"{_label(change)}: {change.action}")


_CHECKS: dict[str, Callable[[PlanReport], Iterable[Violation]]] = {
    RULES_POLICY: _rules,
    "major": _major,
    "breaking": _breaking,
    "drift": _drift,
    "any-change": _any_change,
}


def evaluate(report: PlanReport, fail_on: Iterable[str]) -> tuple[PolicyResult, ...]:
    """The rules check, then each requested policy once, in :data:`POLICIES` order.

    ``ValueError`` names the accepted values when ``fail_on`` holds an unknown policy.
    """
    requested = set(fail_on)
    unknown = requested - set(POLICIES)
    if unknown:
        raise ValueError(f"unknown policy {sorted(unknown)[0]!r}; accepted: {', '.join(POLICIES)}")
    names = [RULES_POLICY, *(p for p in POLICIES if p in requested)]
    return tuple(
        PolicyResult(
            policy=name,
            description=POLICY_DESCRIPTIONS[name],
            violations=tuple(_CHECKS[name](report)),
            requested=name != RULES_POLICY,
        )
        for name in names
    )
