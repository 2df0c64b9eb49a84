"""What each plan tier allows (docs/rules.md)."""

from __future__ import annotations

from platformxe.rules.types import PlanTier

__all__ = ["may_emit_registered", "may_pin_version", "monthly_emit_limit", "registration_limit"]

_REGISTRATIONS: dict[PlanTier, int | None] = {
    PlanTier.FREE: 0,
    PlanTier.BASIC: 5,
    PlanTier.PRO: 25,
    PlanTier.ENTERPRISE: None,
}

_MONTHLY_EMITS: dict[PlanTier, int | None] = {
    PlanTier.FREE: 1_000,
    PlanTier.BASIC: 10_000,
    PlanTier.PRO: 100_000,
    PlanTier.ENTERPRISE: None,
}


def registration_limit(plan: PlanTier | str) -> int | None:
    """How many (namespace, name) pairs the tier may register; None means unlimited."""
    return _REGISTRATIONS[PlanTier(plan)]


def monthly_emit_limit(plan: PlanTier | str) -> int | None:
    """How many emits per calendar month (UTC) the tier may make; None means unlimited."""
    return _MONTHLY_EMITS[PlanTier(plan)]


def may_emit_registered(plan: PlanTier | str) -> bool:
    """Whether the tier may emit registered events (Free emits only ``platformxe.generic``)."""
    return PlanTier(plan) is not PlanTier.FREE


def may_pin_version(plan: PlanTier | str) -> bool:
    """Whether emits may pin a version other than the latest published (Basic is "latest only")."""
    return PlanTier(plan) in (PlanTier.PRO, PlanTier.ENTERPRISE)
