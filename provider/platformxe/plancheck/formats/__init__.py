"""Output formats of ``platformxe plan-check``: text (default), markdown, json, junit."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from platformxe.plancheck.model import PlanReport, PolicyResult

__all__ = ["FORMATS", "render"]

#: Every ``--format`` value; the first is the default.
FORMATS: tuple[str, ...] = ("text", "markdown", "json", "junit")


def render(fmt: str, report: PlanReport, results: Sequence[PolicyResult]) -> str:
    """The report in format ``fmt`` (``ValueError`` for an unknown format)."""
    renderer: Callable[[PlanReport, Sequence[PolicyResult]], str]
    if fmt == "text":
        from platformxe.plancheck.formats.text import render_text as renderer
    elif fmt == "markdown":
        from platformxe.plancheck.formats.markdown import render_markdown as renderer
    elif fmt == "json":
        from platformxe.plancheck.formats.json_report import render_json as renderer
    elif fmt == "junit":
        from platformxe.plancheck.formats.junit import render_junit as renderer
    else:
        raise ValueError(f"unknown format {fmt!r}; accepted: {', '.join(FORMATS)}")
    return renderer(report, results)
