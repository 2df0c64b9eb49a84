"""Timestamps as the API shows them: RFC 3339, UTC, with a ``Z`` suffix.

Stored as text in this exact fixed-width form in both backends, so text order is time order.
"""

from __future__ import annotations

import re
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


_YEAR = "(?:000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})"
_LEAP_YEAR = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
_DATE = (
    f"(?:{_YEAR}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    f"|02-(?:0[1-9]|1[0-9]|2[0-8]))|{_LEAP_YEAR}-02-29)"
)
_TIME = "T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{1,9})?"
_OFFSET = "(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
#: An RFC 3339 date-time with an offset, exactly as the API takes one (``T`` and ``Z`` upper case,
#: real calendar dates, years 0001-9999, at most 9 digits of fractions, no leap second): published
#: as the OpenAPI pattern of every time a request sends (a replay's ``since``).
TIMESTAMP_CORE = f"{_DATE}{_TIME}{_OFFSET}"
_TIMESTAMP = re.compile(TIMESTAMP_CORE)


def parse_timestamp(text: str) -> str | None:
    """``text`` in the stored form (UTC, microseconds, ``Z``), or None when it is not of
    :data:`TIMESTAMP_CORE`'s shape. Times that fall outside years 1-9999 in UTC are clamped to them."""
    if _TIMESTAMP.fullmatch(text) is None:
        return None
    # Python reads at most 6 fraction digits; the rest only refine within a microsecond.
    head, dot, rest = text.partition(".")
    if dot:
        digits = len(rest) - len(rest.lstrip("0123456789"))
        text = f"{head}.{rest[: min(digits, 6)].ljust(6, '0')}{rest[digits:]}"
    when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    try:
        utc = when.astimezone(UTC)
    except OverflowError:
        utc = (datetime.min if when.year == 1 else datetime.max).replace(tzinfo=UTC)
    return f"{utc.year:04d}-{utc:%m-%dT%H:%M:%S.%f}Z"
