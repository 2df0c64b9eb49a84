"""Output formats of ``platformxe plan-check``: text (default), markdown, json, junit."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from platformxe.plancheck.formats.json_report import render_json
from platformxe.plancheck.formats.junit import render_junit
from platformxe.plancheck.formats.markdown import render_markdown
from platformxe.plancheck.formats.text import render_text
from platformxe.plancheck.model import PlanReport, PolicyResult

__all__ = ["FORMATS", "render"]

_RENDERERS: dict[str, Callable[[PlanReport, Sequence[PolicyResult]], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
    "junit": render_junit,
}
#: Every ``--format`` value; the first is the default.
FORMATS: tuple[str, ...] = tuple(_RENDERERS)


def render(fmt: str, report: PlanReport, results: Sequence[PolicyResult]) -> str:
    """The report in format ``fmt`` (``ValueError`` for an unknown format)."""
    renderer = _RENDERERS.get(fmt)
    if renderer is None:
        raise ValueError(f"unknown format {fmt!r}; accepted: {', '.join(FORMATS)}")
    return renderer(report, results)
