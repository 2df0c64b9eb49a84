"""When the next attempt happens: the retry schedule, jitter and ``Retry-After``."""

from __future__ import annotations

import email.utils
import random
import time
from datetime import UTC, datetime, timedelta

#: Each delay is moved by up to this fraction either way, so retries of many deliveries spread out.
JITTER = 0.10
#: The longest ``Retry-After`` honoured (a receiver cannot park a delivery for ever).
MAX_RETRY_AFTER = 24 * 3600.0


def text_in(seconds: float) -> str:
    """The UTC time ``seconds`` from now in the registry's timestamp form."""
    return (datetime.now(UTC) + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date), None if absent/garbled."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return min(max(0.0, when.timestamp() - time.time()), MAX_RETRY_AFTER)


def next_delay(
    attempts_made: int,
    schedule: tuple[float, ...],
    retry_after: float | None,
    rng: random.Random | None = None,
) -> float | None:
    """Seconds until the next attempt after ``attempts_made`` failed ones, or None when exhausted.

    ``schedule[i]`` is the wait before attempt ``i + 1`` (``schedule[0]`` is the first, normally 0).
    A ``Retry-After`` (429/503) is honoured when it asks for longer than the schedule.
    """
    if attempts_made >= len(schedule):
        return None
    base = schedule[attempts_made]
    jitter = (rng or random).uniform(-JITTER, JITTER) * base
    delay = base + jitter
    if retry_after is not None:
        delay = max(delay, retry_after)
    return delay
