"""The default output: a plain-text table for terminals and CI logs."""

from __future__ import annotations

from collections.abc import Sequence

from platformxe.plancheck.formats.common import (
    SOURCE_LEGEND,
    action_cell,
    change_notes,
    failed,
    source_cell,
    summary_line,
    verdict_cell,
    witness_text,
)
from platformxe.plancheck.model import PlanReport, PolicyResult

_COLUMNS = ("ACTION", "EVENT", "VERSION", "VERDICT", "SOURCE", "BREAKING", "ADDRESS")


def render_text(report: PlanReport, results: Sequence[PolicyResult]) -> str:
    """The whole report as text lines."""
    lines = [f"PlatformXe plan check: {report.source} ({_plan_facts(report)})", summary_line(report), ""]
    if report.changes:
        rows = [
            (
                action_cell(c),
                c.event or "?",
                c.version_label(),
                verdict_cell(c),
                source_cell(c),
                str(len(c.breaking_changes)),
                c.address,
            )
            for c in report.changes
        ]
        lines.extend(_table(_COLUMNS, rows))
        if any(c.verdict is not None for c in report.changes):
            lines.append(SOURCE_LEGEND)
    else:
        lines.append("No platformxe_custom_event changes in this plan.")

    breaking = [c for c in report.changes if c.breaking_changes]
    if breaking:
        lines += ["", "Breaking changes:"]
        for change in breaking:
            lines.append(f"  {change.address} ({change.event} {change.version_label()}):")
            for item in change.breaking_changes:
                where = f" at {item.pointer}" if item.pointer else ""
                lines.append(f"    - {item.kind}{where}: {item.message}")
                if item.has_witness:
                    lines.append(
                        f"      refused payload valid under the old schema: {witness_text(item.witness)}"
                    )

    noted = [(c, change_notes(c)) for c in report.changes]
    noted = [(c, n) for c, n in noted if n]
    if noted:
        lines += ["", "Details:"]
        for change, notes in noted:
            lines.append(f"  {change.address}:")
            lines.extend(f"    - {note}" for note in notes)

    if report.drift:
        lines += ["", "Drift (changed outside Terraform):"]
        for drift in report.drift:
            lines.append(
                f"  {drift.address} ({drift.event or '?'} {drift.version or '?'}): {drift.describe()}"
            )

    lines += ["", "Policies:"]
    for result in results:
        mark = "pass" if result.passed else "FAIL"
        lines.append(f"  {mark}  {result.policy}: {result.description}")
        lines.extend(f"        - {v.message}" for v in result.violations)
    if not any(r.requested for r in results):
        lines.append("  (no --fail-on policy requested)")
    bad = failed(results)
    lines.append("")
    lines.append(f"Result: FAIL ({', '.join(r.policy for r in bad)} failed)" if bad else "Result: pass")
    return "\n".join(lines) + "\n"


def _plan_facts(report: PlanReport) -> str:
    facts = [f"Terraform {report.terraform_version or '?'}", f"format {report.format_version}"]
    if report.plan_checks:
        facts.append(f"plan_checks = {report.plan_checks}")
    if report.errored:
        facts.append("PLAN ERRORED: it cannot be applied")
    return ", ".join(facts)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(header[i]), *(len(r[i]) for r in rows)) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

    return [line(header)] + [line(row) for row in rows]
