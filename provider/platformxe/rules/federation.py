"""Federation rules (docs/federation.md): who may federate, a group's name, a push's reference.

Pure functions returning :class:`Problem` lists, shared by the registry (authoritative) and the
Terraform provider (offline checks at ``terraform validate``).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from platformxe.rules.codes import Code
from platformxe.rules.names import split_event_name, validate_name, validate_namespace
from platformxe.rules.semver import validate_version
from platformxe.rules.types import VISIBLE_TEXT_CORE, PlanTier, Problem

__all__ = [
    "FEDERATION_PLANS",
    "GROUP_NAME_CORE",
    "GROUP_NAME_RE",
    "INVITATION_ID_CORE",
    "MAX_GROUP_NAME",
    "ORGANIZATION_ID_CORE",
    "check_federation_plan",
    "check_group_name",
    "check_id",
    "may_federate",
    "split_push_ref",
]

#: Plans that may create groups, accept invitations, declare pushes and add HTTPS peers.
FEDERATION_PLANS: tuple[PlanTier, ...] = (PlanTier.ENTERPRISE,)
MAX_GROUP_NAME = 100
#: A group's name: 1-100 long (checked apart), no control characters, not blank
#: (``types.VISIBLE_TEXT_CORE``, the pattern the OpenAPI document publishes).
GROUP_NAME_CORE = VISIBLE_TEXT_CORE
GROUP_NAME_RE = re.compile(f"^{GROUP_NAME_CORE}$")


#: An organisation id as the registry mints it (``org_`` + 16 lower-case hex digits).
ORGANIZATION_ID_CORE = r"org_[0-9a-f]{16}"
#: A federation invitation id (``fin_`` + 24 lower-case hex digits).
INVITATION_ID_CORE = r"fin_[0-9a-f]{24}"


def check_id(value: Any, core: str, field: str, what: str) -> list[Problem]:
    """``invalid_request`` on ``field`` unless ``value`` matches ``core`` (an id's published shape)."""
    if isinstance(value, str) and re.fullmatch(core, value):
        return []
    return [Problem(Code.INVALID_REQUEST, f"{field} {value!r} is not {what} ({core})", field)]


def may_federate(plan: PlanTier | str) -> bool:
    """Whether the tier may federate (Enterprise only)."""
    return PlanTier(plan) in FEDERATION_PLANS


def check_federation_plan(plan: PlanTier | str, action: str) -> list[Problem]:
    """``plan_upgrade_required`` (naming Enterprise) when ``plan`` may not ``action``."""
    tier = PlanTier(plan)
    if may_federate(tier):
        return []
    return [
        Problem(
            Code.PLAN_UPGRADE_REQUIRED,
            f"the {tier.value.title()} plan cannot {action}; federation needs the Enterprise plan",
            "plan",
            details={"plan": tier.value, "requiredPlans": [p.value for p in FEDERATION_PLANS]},
        )
    ]


def check_group_name(name: Any) -> list[Problem]:
    """A group's name is required: 1-100 characters, not blank, without control characters."""
    if isinstance(name, str) and len(name) <= MAX_GROUP_NAME and GROUP_NAME_RE.fullmatch(name):
        return []
    return [
        Problem(
            Code.INVALID_REQUEST,
            f"name is required: a string of 1 to {MAX_GROUP_NAME} characters, not blank (at least one "
            "character other than a space), without control characters (U+0000-U+001F, U+007F)",
            "name",
        )
    ]


def split_push_ref(ref: Any, field: str = "event") -> tuple[tuple[str, str, str] | None, list[Problem]]:
    """``(namespace, name, version)`` of ``"<namespace>.<name>@<version>"``, or the problems."""
    shape = Problem(
        Code.INVALID_REQUEST,
        f'{field} must be "<namespace>.<name>@<version>" with an exact version, '
        "e.g. lettings.property.favorited@1.0.0",
        field,
    )
    if not isinstance(ref, str) or "@" not in ref:
        return None, [shape]
    full, _, version = ref.partition("@")
    try:
        namespace, name = split_event_name(full)
    except ValueError:
        return None, [shape]
    problems = [*validate_namespace(namespace), *validate_name(name), *validate_version(version)]
    if problems:
        # The part's own code and message, on the field the caller sent.
        return None, [replace(p, field=field, message=f"{field}: {p.message}") for p in problems]
    return (namespace, name, version), []
