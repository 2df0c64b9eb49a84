"""Lifecycle status transitions of one registered version (docs/rules.md)."""

from __future__ import annotations

from platformxe.rules.types import Status

__all__ = ["LEGAL_TRANSITIONS", "legal_status_transition", "parse_status"]

#: Every legal change of status. Staying in the same status is a no-op and always legal.
LEGAL_TRANSITIONS: frozenset[tuple[Status, Status]] = frozenset(
    {
        (Status.DRAFT, Status.PUBLISHED),
        (Status.DRAFT, Status.ARCHIVED),
        (Status.PUBLISHED, Status.ARCHIVED),
        (Status.ARCHIVED, Status.PUBLISHED),
    }
)


def parse_status(value: Status | str) -> Status:
    """``"published"`` → ``Status.PUBLISHED``; ``ValueError`` naming the accepted values otherwise."""
    try:
        return Status(value)
    except ValueError:
        accepted = ", ".join(s.value for s in Status)
        raise ValueError(f"status {value!r} must be one of {accepted}") from None


def legal_status_transition(old: Status | str, new: Status | str) -> bool:
    """True when a version may move from ``old`` to ``new`` (unknown statuses are never legal)."""
    try:
        before, after = parse_status(old), parse_status(new)
    except ValueError:
        return False
    return before == after or (before, after) in LEGAL_TRANSITIONS
