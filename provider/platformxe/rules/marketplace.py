"""Marketplace rules (docs/marketplace.md): who may publish or fork, and what a listing's text may hold.

Pure functions returning :class:`Problem` lists, shared by the registry (authoritative) and the
Terraform provider (offline checks at ``terraform validate``).
"""

from __future__ import annotations

import re
from typing import Any

from platformxe.rules.codes import Code
from platformxe.rules.types import VISIBLE_TEXT_CORE, PlanTier, Problem

__all__ = [
    "MARKETPLACE_PLANS",
    "MAX_QUERY",
    "MAX_SUMMARY",
    "MAX_TAGS",
    "MAX_TITLE",
    "SUMMARY_CORE",
    "TAG_CORE",
    "TAG_RE",
    "TITLE_CORE",
    "check_listing_text",
    "check_marketplace_plan",
    "check_tag",
    "may_use_marketplace",
]

#: Plans that may publish and fork (browsing is open to every plan).
MARKETPLACE_PLANS: tuple[PlanTier, ...] = (PlanTier.PRO, PlanTier.ENTERPRISE)
MAX_TITLE = 100
MAX_SUMMARY = 1000
MAX_TAGS = 10
#: Longest ``q`` a browse accepts.
MAX_QUERY = 200
#: A tag (unanchored: ``TAG_RE`` anchors it, the registry's parameter table publishes it).
TAG_CORE = r"[a-z0-9][a-z0-9-]{0,29}"
TAG_RE = re.compile(f"^{TAG_CORE}$")
#: A title: see ``types.VISIBLE_TEXT_CORE``; 1 to ``MAX_TITLE`` characters (checked apart).
TITLE_CORE = VISIBLE_TEXT_CORE
_TITLE = re.compile(TITLE_CORE)
#: A summary: any text without NUL, at most ``MAX_SUMMARY`` characters.
SUMMARY_CORE = "[^\\x00]*"


def may_use_marketplace(plan: PlanTier | str) -> bool:
    """Whether the tier may publish listings and fork them (Pro and Enterprise)."""
    return PlanTier(plan) in MARKETPLACE_PLANS


def check_marketplace_plan(plan: PlanTier | str, action: str) -> list[Problem]:
    """``plan_upgrade_required`` when ``plan`` may not ``action`` ("publish" or "fork")."""
    tier = PlanTier(plan)
    if may_use_marketplace(tier):
        return []
    return [
        Problem(
            Code.PLAN_UPGRADE_REQUIRED,
            f"the {tier.value.title()} plan cannot {action} marketplace listings; publishing and forking "
            "need the Pro or Enterprise plan (browsing is open to every plan)",
            "plan",
            details={"plan": tier.value, "requiredPlans": [p.value for p in MARKETPLACE_PLANS]},
        )
    ]


def check_tag(tag: Any, field: str = "tags") -> list[Problem]:
    """One tag: lower-case letters, digits and hyphens, starting with a letter or digit, 1-30 long."""
    if isinstance(tag, str) and TAG_RE.fullmatch(tag):
        return []
    return [
        Problem(
            Code.INVALID_REQUEST,
            f"{field}: {tag!r} is not a tag; a tag is 1-30 lower-case letters, digits or hyphens "
            "starting with a letter or digit (^[a-z0-9][a-z0-9-]{0,29}$), e.g. crm or order-events",
            field,
        )
    ]


def check_listing_text(title: Any, summary: Any, tags: Any) -> list[Problem]:
    """Problems of a listing's title (required), summary and tags (both optional, null = absent)."""
    problems: list[Problem] = []
    if not isinstance(title, str) or len(title) > MAX_TITLE or _TITLE.fullmatch(title) is None:
        problems.append(
            Problem(
                Code.INVALID_REQUEST,
                f"title is required: a string of 1 to {MAX_TITLE} characters, not blank (at least one "
                "character other than a space), without control characters (U+0000-U+001F, U+007F)",
                "title",
            )
        )
    if summary is not None and (
        not isinstance(summary, str) or len(summary) > MAX_SUMMARY or "\x00" in summary
    ):
        problems.append(
            Problem(
                Code.INVALID_REQUEST,
                f"summary must be a string of at most {MAX_SUMMARY} characters (or null)",
                "summary",
            )
        )
    if tags is not None:
        if not isinstance(tags, list):
            problems.append(
                Problem(Code.INVALID_REQUEST, "tags must be an array of strings (or null)", "tags")
            )
        elif len(tags) > MAX_TAGS:
            problems.append(
                Problem(
                    Code.INVALID_REQUEST,
                    f"tags may list at most {MAX_TAGS} tags, got {len(tags)}",
                    "tags",
                    details={"limit": MAX_TAGS},
                )
            )
        else:
            for tag in tags:
                problems += check_tag(tag)
            if not problems and len(set(tags)) != len(tags):
                problems.append(Problem(Code.INVALID_REQUEST, "tags must not repeat a tag", "tags"))
    return problems
