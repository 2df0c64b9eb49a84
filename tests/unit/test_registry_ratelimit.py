"""Per-organisation rate limits (registry/ratelimit.py), without a server."""

from __future__ import annotations

import pytest

from platformxe.registry.errors import ApiError
from platformxe.registry.ratelimit import DEFAULT_LIMITS, RateLimiter, parse_setting
from platformxe.rules.types import PlanTier


def test_settings_parse_and_bad_ones_say_what_is_accepted() -> None:
    assert parse_setting("free.emit=10/second;600/minute") == (PlanTier.FREE, "emit", "10/second;600/minute")
    assert parse_setting("*.write=off") == (None, "write", "off")
    for bad in ("free.emit", "gold.emit=1/second", "free.read=1/second", "free.emit=lots", "emit=1/second"):
        with pytest.raises(ValueError, match=r"TIER\.KIND=LIMITS|not a rate limit"):
            parse_setting(bad)


def test_every_tier_has_both_classes() -> None:
    assert set(DEFAULT_LIMITS) == set(PlanTier)
    assert all(set(kinds) == {"emit", "write"} for kinds in DEFAULT_LIMITS.values())


def test_past_the_limit_a_429_with_retry_after_and_other_orgs_unaffected() -> None:
    limiter = RateLimiter({(PlanTier.BASIC, "write"): "2/minute"})
    limiter.hit("org_a", PlanTier.BASIC, "write")
    limiter.hit("org_a", PlanTier.BASIC, "write")
    with pytest.raises(ApiError) as caught:
        limiter.hit("org_a", PlanTier.BASIC, "write")
    error = caught.value
    assert error.status == 429 and error.code == "rate_limited"
    assert 1 <= int(error.headers["Retry-After"]) <= 60
    assert error.details["retryAfterSeconds"] == int(error.headers["Retry-After"])
    limiter.hit("org_b", PlanTier.BASIC, "write")  # its own count
    limiter.hit("org_a", PlanTier.BASIC, "emit")  # another class


def test_a_refused_request_consumes_no_other_window() -> None:
    limiter = RateLimiter({(PlanTier.PRO, "emit"): "1/hour;5/day"})
    limiter.hit("org", PlanTier.PRO, "emit")
    for _ in range(10):
        with pytest.raises(ApiError):
            limiter.hit("org", PlanTier.PRO, "emit")
    stats = limiter._limiter.get_window_stats(limiter._items[(PlanTier.PRO, "emit")][1], "emit", "org")
    assert stats.remaining == 4


def test_off_and_disabled_limit_nothing() -> None:
    off = RateLimiter({(None, "emit"): "off"})
    disabled = RateLimiter(enabled=False)
    for _ in range(2000):
        off.hit("org", PlanTier.FREE, "emit")
        disabled.hit("org", PlanTier.FREE, "write")


def test_in_flight_cap_is_per_organisation_and_released() -> None:
    limiter = RateLimiter(max_in_flight=1)
    with limiter.in_flight("org_a"):
        with pytest.raises(ApiError) as caught, limiter.in_flight("org_a"):
            pass
        assert caught.value.headers["Retry-After"] == "1"
        with limiter.in_flight("org_b"):
            pass
    with limiter.in_flight("org_a"):
        pass


def test_every_method_but_reads_is_a_write_and_emit_its_own_class() -> None:
    from platformxe.registry.ratelimit import rate_limit_kind

    assert rate_limit_kind("POST", "/v1/events/custom/emit") == "emit"
    for method, path in (
        ("POST", "/v1/events/custom/dry-run"),
        ("POST", "/v1/events/custom/registrations"),
        ("PATCH", "/v1/events/custom/registrations/a/b/versions/1.0.0"),
        ("DELETE", "/v1/events/custom/subscriptions/sub_1"),
        ("POST", "/v1/events/custom/emits/evt_1/replay"),
    ):
        assert rate_limit_kind(method, path) == "write", (method, path)
    assert rate_limit_kind("GET", "/v1/events/custom/registrations") is None
