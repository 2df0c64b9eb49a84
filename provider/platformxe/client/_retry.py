"""When and how long to wait before sending a request again.

What is retried (decided by the transport in ``_http.py``):

- HTTP 429: always (the server refused the request without doing it).
- HTTP 5xx and connections lost after the request was sent: only for requests that are safe to
  repeat (GET, PATCH, DELETE, dry-run, registration, emit with an idempotency key).
- Connection refused / DNS failure / connect timeout: always (nothing reached the server).

How long: the server's ``Retry-After`` (seconds or an HTTP date), capped at ``retry_after_cap``; without
one, exponential backoff ``base * 2**(n-1)`` capped at ``backoff_cap``, with "equal jitter" (a random
point in the upper half) so many clients that failed together do not come back together.
"""

from __future__ import annotations

import math
import random as random_module
import time
from collections.abc import Callable
from datetime import UTC

__all__ = ["RetryPolicy", "parse_retry_after"]


def parse_retry_after(value: str | None, *, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait according to a ``Retry-After`` header, or None when absent or unreadable.

    Accepts delta-seconds (``"3"``, leniently ``"1.5"``) and HTTP dates
    (``"Wed, 21 Oct 2026 07:28:00 GMT"``); a date in the past means "now" (0). Negative or
    non-finite numbers are unreadable.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        # deferred: email.utils costs ~15 ms (bench/deferred_imports.py); only a Retry-After
        # written as an HTTP date needs it
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, when.timestamp() - now())
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return seconds


class RetryPolicy:
    """How many times to retry and how long to wait in between.

    ``max_retries`` is the number of *re*-sends (3 means at most 4 attempts). ``random`` returns a
    float in [0, 1) and exists so tests can pin the jitter. (A plain class, not a dataclass: the
    dataclasses module costs more to import than this whole module.)
    """

    __slots__ = ("backoff_base", "backoff_cap", "max_retries", "random", "retry_after_cap")

    def __init__(
        self,
        max_retries: int = 3,
        backoff_base: float = 0.5,
        backoff_cap: float = 8.0,
        retry_after_cap: float = 60.0,
        random: Callable[[], float] | None = None,
    ) -> None:
        if random is None:
            random = random_module.random
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.retry_after_cap = retry_after_cap
        self.random = random

    def __repr__(self) -> str:
        return (
            f"RetryPolicy(max_retries={self.max_retries}, backoff_base={self.backoff_base}, "
            f"backoff_cap={self.backoff_cap}, retry_after_cap={self.retry_after_cap})"
        )

    def backoff(self, retry_number: int) -> float:
        """The jittered exponential delay before retry ``retry_number`` (1 = the first retry)."""
        ceiling = min(self.backoff_cap, self.backoff_base * 2.0 ** max(0, retry_number - 1))
        return ceiling * (0.5 + 0.5 * self.random())

    def delay(self, retry_number: int, retry_after: float | None) -> float:
        """The wait before retry ``retry_number``: ``Retry-After`` (capped) when given, else backoff."""
        if retry_after is not None:
            return min(retry_after, self.retry_after_cap)
        return self.backoff(retry_number)
