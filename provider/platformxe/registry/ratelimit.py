"""Per-organisation rate limits on the write endpoints, and a cap on one organisation's requests in flight.

Two request classes (docs/limits.md):

- ``emit``: ``POST /emit``;
- ``write``: every other request that changes or judges something, i.e. every method but GET
  and HEAD — ``POST /registrations``, ``POST /dry-run``, ``PATCH`` and ``DELETE`` of a version,
  subscriptions and replays (:func:`rate_limit_kind`).

Each class has one or more limits per plan tier in the ``limits`` notation (``"10/second;600/minute"``),
counted per organisation over a moving window. Past a limit the answer is 429 ``rate_limited``
with ``Retry-After`` (whole seconds until the request would be accepted) and
``details.limit``/``details.retryAfterSeconds``; the SDK and the provider wait and retry.

Independently, one organisation may have at most :data:`DEFAULT_MAX_IN_FLIGHT` requests being
served at a time (429 beyond, ``Retry-After: 1``), so no tenant can hold all of the server's
worker threads.

The counters live in the server process (``limits``' memory storage): each server replica counts
on its own. Why the ``limits`` library rather than a hand-written token bucket: its moving window
is exact, it parses the operator-friendly ``N/period`` notation with several periods per class, and
its storage can later move to Redis or Memcached without changing this module.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from platformxe.registry.errors import ApiError
from platformxe.rules.types import PlanTier

__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_MAX_IN_FLIGHT",
    "EMIT",
    "KINDS",
    "RATE_LIMITED",
    "WRITE",
    "RateLimiter",
    "parse_setting",
    "rate_limit_kind",
]

#: The 429 error code (an addition to the error-code table of docs/registry.md; docs/limits.md).
RATE_LIMITED = "rate_limited"
EMIT = "emit"
WRITE = "write"
KINDS = (EMIT, WRITE)

#: Defaults per plan tier and request class (the operator overrides them with ``--rate-limit``).
DEFAULT_LIMITS: dict[PlanTier, dict[str, str]] = {
    PlanTier.FREE: {EMIT: "50/second;600/minute", WRITE: "60/minute"},
    PlanTier.BASIC: {EMIT: "100/second;3000/minute", WRITE: "300/minute"},
    PlanTier.PRO: {EMIT: "500/second;12000/minute", WRITE: "1200/minute"},
    PlanTier.ENTERPRISE: {EMIT: "2000/second;60000/minute", WRITE: "3000/minute"},
}
#: Requests of one organisation being served at once (beyond: 429, Retry-After 1).
DEFAULT_MAX_IN_FLIGHT = 16


def _parse_limits(text: str, setting: str) -> tuple[RateLimitItem, ...]:
    try:
        items = tuple(parse_many(text))
    except ValueError as exc:
        raise ValueError(
            f"{setting}: {text!r} is not a rate limit; write N/second, N/minute or N/hour, several "
            "joined with ';' (e.g. 10/second;600/minute), or 'off'"
        ) from exc
    if not items:
        raise ValueError(f"{setting}: no limit given; write e.g. 10/second;600/minute, or 'off'")
    return items


def parse_setting(text: str) -> tuple[PlanTier | None, str, str]:
    """``TIER.KIND=LIMITS`` (``*`` for every tier) → (tier or None, kind, limits); ValueError naming
    what is accepted otherwise."""
    target, sep, value = text.partition("=")
    tier_text, dot, kind = target.strip().partition(".")
    tiers = [t.value for t in PlanTier]
    if not sep or not dot or kind not in KINDS or (tier_text != "*" and tier_text not in tiers):
        raise ValueError(
            f"--rate-limit {text!r}: write TIER.KIND=LIMITS with TIER one of {', '.join(tiers)} or *, "
            f"KIND one of {', '.join(KINDS)}, e.g. free.emit=10/second;600/minute or *.write=off"
        )
    value = value.strip()
    if value != "off":
        _parse_limits(value, f"--rate-limit {text!r}")
    return (None if tier_text == "*" else PlanTier(tier_text)), kind, value


def rate_limit_kind(method: str, path: str = "") -> str | None:
    """The request class of ``method`` (and ``path``): ``emit`` for POST /emit, ``write`` for any
    other method but GET/HEAD, None (not rate limited) for reads."""
    if method.upper() in ("GET", "HEAD", "OPTIONS"):
        return None
    if method.upper() == "POST" and path.endswith("/events/custom/emit"):
        return EMIT
    return WRITE


class RateLimiter:
    """The limits in force and their counters (one per server process)."""

    def __init__(
        self,
        overrides: Mapping[tuple[PlanTier | None, str], str] | None = None,
        *,
        enabled: bool = True,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
    ) -> None:
        table = {tier: dict(kinds) for tier, kinds in DEFAULT_LIMITS.items()}
        for (tier, kind), value in (overrides or {}).items():
            for each in [tier] if tier is not None else list(PlanTier):
                table[each][kind] = value
        self.table = table
        self.enabled = enabled
        self.max_in_flight = max_in_flight
        self._items: dict[tuple[PlanTier, str], tuple[RateLimitItem, ...]] = {
            (tier, kind): () if value == "off" else _parse_limits(value, f"{tier.value}.{kind}")
            for tier, kinds in table.items()
            for kind, value in kinds.items()
        }
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._lock = threading.Lock()
        self._in_flight: dict[str, int] = {}

    def described(self) -> dict[str, dict[str, str]]:
        """The limits in force, ``{tier: {kind: "10/second;600/minute" or "off"}}``."""
        return {tier.value: dict(kinds) for tier, kinds in self.table.items()}

    def hit(self, org_id: str, plan: PlanTier, kind: str, cost: int = 1) -> None:
        """Count ``cost`` requests of ``kind`` (one, or a batch's size), or raise the 429 when a
        limit is used up."""
        if not self.enabled:
            return
        items = self._items.get((plan, kind), ())
        if not items:
            return
        with self._lock:  # test-then-hit atomically: a refused request consumes nothing
            refused = [item for item in items if not self._limiter.test(item, kind, org_id, cost=cost)]
            if not refused:
                for item in items:
                    self._limiter.hit(item, kind, org_id, cost=cost)
                return
            now = time.time()
            waits = [self._limiter.get_window_stats(item, kind, org_id).reset_time - now for item in refused]
        wait = max(1, math.ceil(max(waits)))
        shown = str(refused[0])
        raise rate_limited(
            f"{kind} requests are limited to {shown} per organisation on the {plan.value.title()} plan "
            f"and this organisation has used them; retry after {wait} s (Retry-After), spread the "
            "requests out, or upgrade the plan",
            wait,
            plan=plan.value,
            kind=kind,
            limit=shown,
        )

    @contextmanager
    def in_flight(self, org_id: str) -> Iterator[None]:
        """Hold one of the organisation's in-flight slots for the block (429 when none is free)."""
        if not self.enabled or self.max_in_flight <= 0:
            yield
            return
        with self._lock:
            count = self._in_flight.get(org_id, 0)
            if count >= self.max_in_flight:
                full = True
            else:
                full = False
                self._in_flight[org_id] = count + 1
        if full:
            raise rate_limited(
                f"this organisation already has {self.max_in_flight} requests being served; wait for "
                "some to finish (Retry-After) before sending more in parallel",
                1,
                limit=f"{self.max_in_flight} in flight",
            )
        try:
            yield
        finally:
            with self._lock:
                left = self._in_flight[org_id] - 1
                if left:
                    self._in_flight[org_id] = left
                else:
                    del self._in_flight[org_id]


def rate_limited(message: str, retry_after: int, **details: Any) -> ApiError:
    """A 429 ``rate_limited`` error carrying its ``Retry-After`` seconds."""
    error = ApiError(429, RATE_LIMITED, message, {**details, "retryAfterSeconds": retry_after})
    error.headers["Retry-After"] = str(retry_after)
    return error


#: No limits at all (code that builds an application without a server, e.g. tools).
UNLIMITED = RateLimiter(enabled=False)
