"""Timestamps as the API shows them: RFC 3339, UTC, with a ``Z`` suffix.

Stored as text in this exact fixed-width form in both backends, so text order is time order.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def now_text() -> str:
    """The current UTC time, e.g. ``2026-05-04T10:00:00.123456Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def month_of(timestamp: str) -> str:
    """The calendar month (UTC) of a timestamp from :func:`now_text`, e.g. ``2026-05``."""
    return timestamp[:7]


def days_ago_text(days: int) -> str:
    """The UTC time ``days`` days ago, in :func:`now_text`'s form (so it compares as text)."""
    return (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
