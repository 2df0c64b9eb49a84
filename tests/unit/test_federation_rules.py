"""Federation's pure parts (docs/federation.md): plans, group names, push references, import ids,
and the gate the deliverer applies before every federated attempt."""

from __future__ import annotations

import pytest

from platformxe.model.federation import https_peer_state, split_child_id
from platformxe.registry.bus.deliverer import federation_gate
from platformxe.rules import Code, PlanTier
from platformxe.rules import federation as f


@pytest.mark.parametrize(
    ("plan", "allowed"), [("free", False), ("basic", False), ("pro", False), ("enterprise", True)]
)
def test_only_enterprise_federates_and_the_refusal_names_the_plan(plan: str, allowed: bool) -> None:
    assert f.may_federate(plan) is allowed
    problems = f.check_federation_plan(PlanTier(plan), "create federation groups")
    if allowed:
        assert problems == []
    else:
        [problem] = problems
        assert problem.code == Code.PLAN_UPGRADE_REQUIRED and problem.field == "plan"
        assert problem.details == {"plan": plan, "requiredPlans": ["enterprise"]}
        assert "Enterprise" in problem.message and plan.title() in problem.message


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("partners", True),
        ("a" * 100, True),
        ("", False),
        ("  ", False),
        ("a" * 101, False),
        ("x\ny", False),
        (7, False),
    ],
)
def test_group_names(name: object, ok: bool) -> None:
    assert (f.check_group_name(name) == []) is ok


def test_push_references_need_an_exact_version_and_name_the_event_field() -> None:
    assert f.split_push_ref("acme.order.placed@1.2.3") == (("acme", "order.placed", "1.2.3"), [])
    for ref, code in (
        ("acme.order.placed", Code.INVALID_REQUEST),
        ("nodot@1.0.0", Code.INVALID_REQUEST),
        (None, Code.INVALID_REQUEST),
        ("acme.order.placed@1.0", Code.INVALID_VERSION_FORMAT),
        ("Acme.order@1.0.0", Code.INVALID_NAMESPACE),
        ("platformxe.generic@1.0.0", Code.RESERVED_NAMESPACE),
    ):
        parts, problems = f.split_push_ref(ref)
        assert parts is None and problems[0].code == code and problems[0].field == "event", ref


def test_ids_have_their_published_shape() -> None:
    assert f.check_id("org_0123456789abcdef", f.ORGANIZATION_ID_CORE, "organization_id", "an org id") == []
    [problem] = f.check_id("org_x", f.ORGANIZATION_ID_CORE, "organization_id", "an org id")
    assert problem.code == Code.INVALID_REQUEST and problem.field == "organization_id"
    assert f.check_id("fin_" + "a" * 24, f.INVITATION_ID_CORE, "invitation_id", "an invitation id") == []
    assert f.check_id(None, f.INVITATION_ID_CORE, "invitation_id", "an invitation id")


def test_child_import_ids_and_the_https_peer_secret_kept_from_state() -> None:
    assert split_child_id("fgr_1/fpu_2", "fpu_") == ("fgr_1", "fpu_2")
    assert split_child_id("fgr_1/fhp_2", "fpu_") is None
    assert split_child_id("fpu_2", "fpu_") is None
    answer = {"id": "fhp_1", "groupId": "fgr_1", "url": "https://x.example", "description": None}
    assert https_peer_state(answer, {"secret": "whsec_kept"})["secret"] == "whsec_kept"
    assert https_peer_state({**answer, "secret": "whsec_new"}, {})["secret"] == "whsec_new"


def _detail(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "subscription_id": "fin_1",
        "sub_kind": "federation",
        "owner_plan": "enterprise",
        "push_live": 1,
        "membership_status": "accepted",
    }
    return {**base, **changes}


@pytest.mark.parametrize(
    ("changes", "outcome"),
    [
        ({}, None),
        ({"sub_kind": "https_peer", "subscription_id": "fhp_1", "membership_status": None}, None),
        ({"membership_status": "left"}, "membership_ended"),
        ({"membership_status": "revoked"}, "membership_ended"),
        ({"push_live": 0}, "push_removed"),
        ({"owner_plan": "pro"}, "plan_upgrade_required"),
        ({"sub_kind": None}, "group_deleted"),
        ({"sub_kind": None, "subscription_id": "fhp_1"}, "https_peer_removed"),
    ],
)
def test_the_gate_stops_an_ended_membership_a_removed_push_or_a_downgraded_owner(
    changes: dict[str, object], outcome: str | None
) -> None:
    stopped = federation_gate(_detail(**changes))
    assert (None if stopped is None else stopped[0]) == outcome
