"""``--format markdown``: a pull-request comment (GitHub-flavoured Markdown)."""

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

#: The first line of every comment, so a CI job can find and update its previous comment.
HEADING = "## PlatformXe plan check"


def render_markdown(report: PlanReport, results: Sequence[PolicyResult]) -> str:
    """Heading, summary, a table of changes, one details block per breaking change, drift, policies."""
    bad = failed(results)
    verdict = "❌ fail" if bad else "✅ pass"
    lines = [f"{HEADING}: {verdict}", "", f"**{_cell(summary_line(report))}**", ""]
    if report.changes:
        lines += [
            "| Action | Event | Version | Verdict | Source | Breaking | Address |",
            "|---|---|---|---|---|---:|---|",
        ]
        for change in report.changes:
            cells = (
                action_cell(change),
                f"`{change.event or '?'}`",
                change.version_label("→"),
                verdict_cell(change),
                source_cell(change),
                str(len(change.breaking_changes)),
                f"`{change.address}`",
            )
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        lines += ["", f"<sub>{_cell(SOURCE_LEGEND)}</sub>"]
    else:
        lines.append("No `platformxe_custom_event` changes in this plan.")

    for change in report.changes:
        if not change.breaking_changes:
            continue
        lines += [
            "",
            "<details>",
            f"<summary>Breaking: <code>{_html(change.event or '?')}</code> {_html(change.version_label('→'))} "
            f"(<code>{_html(change.address)}</code>)</summary>",
            "",
        ]
        for item in change.breaking_changes:
            where = f" at `{_code(item.pointer)}`" if item.pointer else ""
            lines.append(f"- `{_code(item.kind)}`{where}: {_cell(item.message)}")
            if item.has_witness:
                lines.append(
                    f"  - refused payload valid under the old schema: `{_code(witness_text(item.witness))}`"
                )
        lines += ["", "</details>"]

    noted = [(c, change_notes(c, "→")) for c in report.changes]
    noted = [(c, n) for c, n in noted if n]
    if noted:
        lines += ["", "### Details", ""]
        for change, notes in noted:
            lines.append(f"- `{change.address}`: " + "; ".join(_cell(n) for n in notes))

    if report.drift:
        lines += ["", "### Drift (changed outside Terraform)", ""]
        for drift in report.drift:
            subject = f"`{drift.event or '?'}` {drift.version or '?'}"
            lines.append(f"- `{drift.address}` ({subject}): {_cell(drift.describe('→'))}")

    lines += ["", "### Policies", "", "| Policy | Result | Details |", "|---|---|---|"]
    for result in results:
        mark = "✅ pass" if result.passed else "❌ fail"
        details = "<br>".join(_cell(v.message) for v in result.violations) or _cell(result.description)
        lines.append(f"| `{result.policy}` | {mark} | {details} |")
    if report.errored:
        lines += ["", "> **The plan errored: it cannot be applied.**"]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """Text safe inside a table cell: pipes escaped, line breaks folded, HTML neutralised."""
    return _html(text).replace("|", "\\|").replace("\n", " ")


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _code(text: str) -> str:
    # A backtick would end the code span early.
    return text.replace("`", "'")
