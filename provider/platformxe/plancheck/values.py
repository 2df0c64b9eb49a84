"""Reading values of plan JSON: unknown markers, and JSON text compared by meaning."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["is_unknown", "json_equal"]


def is_unknown(after_unknown: Any, key: str) -> bool:
    """True when Terraform marks ``key`` (or anything inside it) as known only after apply."""
    if not isinstance(after_unknown, dict):
        return after_unknown is True
    return _contains_true(after_unknown.get(key))


def json_equal(left: Any, right: Any) -> bool:
    """Whether two JSON texts mean the same document (falls back to text equality)."""
    if left == right:
        return True
    if not isinstance(left, str) or not isinstance(right, str):
        return False
    try:
        return _canonical(json.loads(left)) == _canonical(json.loads(right))
    except ValueError:
        return False


def _canonical(value: Any) -> str:
    # Sorted keys make key order irrelevant; RFC 8785 number forms are not needed for a diff.
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _contains_true(value: Any) -> bool:
    if value is True:
        return True
    if isinstance(value, dict):
        return any(_contains_true(v) for v in value.values())
    if isinstance(value, list):
        return any(_contains_true(v) for v in value)
    return False
