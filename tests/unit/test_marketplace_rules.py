"""The marketplace's pure rules (docs/marketplace.md): plans, listing text, tags."""

from __future__ import annotations

import pytest

from platformxe.rules import Code, PlanTier
from platformxe.rules import marketplace as m


@pytest.mark.parametrize(
    ("plan", "allowed"), [("free", False), ("basic", False), ("pro", True), ("enterprise", True)]
)
def test_only_pro_and_enterprise_publish_and_fork(plan: str, allowed: bool) -> None:
    assert m.may_use_marketplace(plan) is allowed
    problems = m.check_marketplace_plan(PlanTier(plan), "fork")
    assert (problems == []) is allowed
    if not allowed:
        [p] = problems
        assert p.code is Code.PLAN_UPGRADE_REQUIRED and p.details["plan"] == plan
        assert plan.title() in p.message and "cannot fork" in p.message and "Pro or Enterprise" in p.message


def test_listing_text_limits() -> None:
    assert m.check_listing_text("T", None, None) == []
    assert m.check_listing_text("x" * 100, "s" * 1000, [f"t{i}" for i in range(10)]) == []
    for title in ("", "   ", "x" * 101, "a\nb", None, 3):
        [p] = m.check_listing_text(title, None, None)
        assert p.field == "title" and p.code is Code.INVALID_REQUEST
    [p] = m.check_listing_text("T", "s" * 1001, None)
    assert p.field == "summary" and "1000" in p.message
    [p] = m.check_listing_text("T", None, [f"t{i}" for i in range(11)])
    assert p.field == "tags" and p.details["limit"] == 10
    [p] = m.check_listing_text("T", None, ["a", "a"])
    assert "repeat" in p.message


@pytest.mark.parametrize("tag", ["crm", "order-events", "9lives", "a" * 30])
def test_good_tags(tag: str) -> None:
    assert m.check_tag(tag) == []


@pytest.mark.parametrize("tag", ["", "-x", "Upper", "a b", "a_b", "a" * 31, 7, None])
def test_bad_tags_say_what_is_accepted(tag: object) -> None:
    [p] = m.check_tag(tag)
    assert p.field == "tags" and "^[a-z0-9][a-z0-9-]{0,29}$" in p.message
