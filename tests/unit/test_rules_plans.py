"""Plan tiers: registration caps, monthly emit ceilings, what each tier may emit (seed table)."""

from __future__ import annotations

import pytest

from platformxe.rules import (
    PlanTier,
    may_emit_registered,
    may_pin_version,
    monthly_emit_limit,
    registration_limit,
)


@pytest.mark.parametrize(
    ("plan", "registrations", "emits", "registered", "pin"),
    [
        (PlanTier.FREE, 0, 1_000, False, False),
        (PlanTier.BASIC, 5, 10_000, True, False),
        (PlanTier.PRO, 25, 100_000, True, True),
        (PlanTier.ENTERPRISE, None, None, True, True),
    ],
)
def test_plan_table(
    plan: PlanTier, registrations: int | None, emits: int | None, registered: bool, pin: bool
) -> None:
    assert registration_limit(plan) == registrations
    assert monthly_emit_limit(plan) == emits
    assert may_emit_registered(plan) is registered
    assert may_pin_version(plan) is pin


def test_plans_accept_their_string_values() -> None:
    assert registration_limit("basic") == 5
    assert monthly_emit_limit("enterprise") is None


def test_unknown_plan_is_an_error() -> None:
    with pytest.raises(ValueError):
        registration_limit("platinum")
