"""Backward compatibility of payload schemas (placeholder being replaced by the full checker).

Sound baseline: only schemas that are canonically equal are judged compatible.
"""

from __future__ import annotations

import json
from typing import Any

from platformxe.rules.types import CompatReport, SchemaChange

__all__ = ["compare", "is_backward_compatible"]


def compare(old: Any, new: Any) -> CompatReport:
    """Compare two schemas; compatible only when proven."""
    if json.dumps(old, sort_keys=True) == json.dumps(new, sort_keys=True):
        return CompatReport(compatible=True)
    change = SchemaChange(
        kind="undecided",
        pointer="",
        breaking=True,
        message="the schemas differ and the checker could not prove the change compatible",
    )
    return CompatReport(compatible=False, changes=(change,))


def is_backward_compatible(old_schema: dict[str, Any], new_schema: dict[str, Any]) -> bool:
    """True when every instance valid under ``old_schema`` is valid under ``new_schema``."""
    return compare(old_schema, new_schema).compatible
