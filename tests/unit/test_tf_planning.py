"""The plan decision of platformxe_custom_event: replace/in-place, immutability, status, verdicts."""

from __future__ import annotations

import json
from typing import Any

import pytest

from platformxe.model.custom_event import COMPUTED_ATTRIBUTES
from platformxe.rules import Candidate, ExistingVersion, SchemaChange, SemverBump, Verdict, dry_run_verdict
from platformxe.rules.codes import Code
from platformxe.rules.types import Problem
from platformxe.terraform.custom_event.plan import plan_event
from platformxe.terraform.provider_data import PlanChecks, PlannedVersions
from platformxe.tfplugin.cty import UNKNOWN
from platformxe.tfplugin.diagnostics import Severity

ORG = "org_test"
SCHEMA_1 = json.dumps({"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]})
SCHEMA_1_REFORMATTED = (
    '{\n  "required": ["id"],\n  "properties": {"id": {"type": "string"}},\n  "type": "object"\n}'
)
SCHEMA_2 = json.dumps(
    {
        "type": "object",
        "properties": {"id": {"type": "string"}, "note": {"type": "string"}},
        "required": ["id"],
    }
)


def config(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "namespace": "lettings",
        "name": "property.favorited",
        "version": "1.0.0",
        "payload_schema": SCHEMA_1,
        "payload_example": None,
        "description": None,
        "status": None,
        "on_destroy": None,
    }
    values.update(overrides)
    return values


def state(**overrides: Any) -> dict[str, Any]:
    values = config(status="published", on_destroy="archive")
    values.update(
        id="lettings/property.favorited@1.0.0",
        canonical_name=f"TENANT_CUSTOM:{ORG}:lettings.property.favorited@1.0.0",
        organization_id=ORG,
        created_at="2026-01-01T00:00:00Z",
        forked_from=None,
        schema_hash="abc",
        schema_flavour="json-schema-2020-12",
        semver_bump="initial",
        previous_version=None,
        changes=[],
    )
    values.update(overrides)
    return values


class FakeRegistry:
    """Judges with the real rules engine against the versions it holds, like the registry does."""

    def __init__(self, *existing: tuple[str, str]) -> None:
        self.existing = [ExistingVersion(v, s) for v, s in existing]
        self.calls: list[Candidate] = []

    def __call__(self, candidate: Candidate) -> Verdict:
        self.calls.append(candidate)
        return dry_run_verdict(candidate, self.existing)


def errors(result: Any) -> list[Any]:
    return [d for d in result.diagnostics if d.severity is Severity.ERROR]


def warnings(result: Any) -> list[Any]:
    return [d for d in result.diagnostics if d.severity is Severity.WARNING]


def test_create_plans_every_computed_value_and_no_warning() -> None:
    registry = FakeRegistry()
    result = plan_event(None, config(), organization_id=ORG, checks=PlanChecks.REMOTE, ask_registry=registry)
    values = result.values
    assert values["id"] == "lettings/property.favorited@1.0.0"
    assert values["canonical_name"] == f"TENANT_CUSTOM:{ORG}:lettings.property.favorited@1.0.0"
    assert values["organization_id"] == ORG
    assert values["semver_bump"] == "initial"
    assert values["previous_version"] is None
    assert values["changes"] == []
    assert len(values["schema_hash"]) == 64
    assert values["schema_flavour"] == "json-schema-2020-12"
    assert values["created_at"] is UNKNOWN
    assert values["status"] == "published" and values["on_destroy"] == "archive"
    assert errors(result) == []
    assert warnings(result) == []  # the verdict is in the planned values; nothing to act on
    assert len(registry.calls) == 1


def test_reformatted_schema_keeps_the_prior_text_and_plans_nothing() -> None:
    prior = state()
    registry = FakeRegistry(("1.0.0", SCHEMA_1))
    result = plan_event(
        prior,
        config(payload_schema=SCHEMA_1_REFORMATTED),
        organization_id=ORG,
        checks=PlanChecks.REMOTE,
        ask_registry=registry,
    )
    assert result.values["payload_schema"] == SCHEMA_1
    assert result.requires_replace == []
    assert {a: result.values[a] for a in COMPUTED_ATTRIBUTES} == {a: prior[a] for a in COMPUTED_ATTRIBUTES}
    assert result.diagnostics == []
    assert registry.calls == []  # nothing to judge on a no-op


def test_schema_change_without_version_change_is_an_immutability_error_naming_the_version() -> None:
    registry = FakeRegistry(("1.0.0", SCHEMA_1))
    result = plan_event(
        state(),
        config(payload_schema=SCHEMA_2),
        organization_id=ORG,
        checks=PlanChecks.REMOTE,
        ask_registry=registry,
    )
    [problem] = errors(result)
    assert problem.path == ("payload_schema",)
    assert "schemas are immutable per version" in problem.summary
    # The placeholder compat checker cannot prove compatibility, so the suggestion is the major;
    # whatever the checker says, the message names the registry's suggested version.
    suggested = dry_run_verdict(
        Candidate("lettings", "property.favorited", "1.0.0", SCHEMA_2), [ExistingVersion("1.0.0", SCHEMA_1)]
    ).suggested_version
    assert f"bump version to {suggested}" in problem.summary


@pytest.mark.parametrize("checks", [PlanChecks.OFFLINE, PlanChecks.OFF])
def test_immutability_is_caught_without_the_registry(checks: PlanChecks) -> None:
    result = plan_event(state(), config(payload_example='{"id": "x"}'), organization_id=ORG, checks=checks)
    [problem] = errors(result)
    assert problem.path == ("payload_example",)
    assert "bump version to 1.0.1" in problem.summary  # schema unchanged: a patch is enough


def test_version_bump_replaces_and_carries_the_verdict() -> None:
    verdict = Verdict(
        valid=True,
        semver_bump=SemverBump.MINOR,
        schema_hash="h",
        schema_flavour=None,
        previous_version="1.0.0",
        changes=(
            SchemaChange("property_added", "/properties/note", False, 'added optional property "note"'),
        ),
        errors=(),
        suggested_version="1.1.0",
    )
    result = plan_event(
        state(),
        config(version="1.1.0", payload_schema=SCHEMA_2),
        organization_id=ORG,
        checks=PlanChecks.REMOTE,
        ask_registry=lambda candidate: verdict,
    )
    assert result.requires_replace == ["version", "payload_schema"]
    assert result.values["semver_bump"] == "minor"
    assert result.values["previous_version"] == "1.0.0"
    assert result.values["changes"] == [
        {
            "kind": "property_added",
            "path": "/properties/note",
            "breaking": False,
            "message": 'added optional property "note"',
            "witness": None,
        }
    ]
    assert result.values["id"] == "lettings/property.favorited@1.1.0"
    assert warnings(result) == []  # a minor bump needs no action: semver_bump and changes say it


def test_breaking_change_as_minor_is_an_error_on_version_naming_the_major() -> None:
    registry = FakeRegistry(("1.0.0", SCHEMA_1))
    breaking = json.dumps({"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]})
    result = plan_event(
        state(),
        config(version="1.1.0", payload_schema=breaking),
        organization_id=ORG,
        checks=PlanChecks.REMOTE,
        ask_registry=registry,
    )
    [problem] = errors(result)
    assert problem.path == ("version",)
    assert "this change is breaking; register it as 2.0.0" in problem.summary
    assert problem.code == "minor_must_be_backwards_compatible"
    assert result.values["semver_bump"] is UNKNOWN


def test_skipping_a_version_names_the_legal_ones() -> None:
    registry = FakeRegistry(("1.0.0", SCHEMA_1))
    result = plan_event(
        None, config(version="1.0.5"), organization_id=ORG, checks=PlanChecks.REMOTE, ask_registry=registry
    )
    [problem] = errors(result)
    assert problem.path == ("version",)
    assert problem.code == "version_invalid_jump"
    assert "register it as 1.0.1" in problem.summary


def test_create_of_an_identical_existing_version_is_adopted_not_refused() -> None:
    registry = FakeRegistry(("1.0.0", SCHEMA_1))
    result = plan_event(
        None,
        config(payload_schema=SCHEMA_1_REFORMATTED),
        organization_id=ORG,
        checks=PlanChecks.REMOTE,
        ask_registry=registry,
    )
    assert errors(result) == []
    [note] = warnings(result)
    assert "apply will adopt it" in note.summary
    assert result.values["semver_bump"] is UNKNOWN  # read from the registry's history at apply


def test_create_over_a_different_existing_version_is_refused_with_an_import_hint() -> None:
    registry = FakeRegistry(("1.0.0", SCHEMA_2))
    result = plan_event(None, config(), organization_id=ORG, checks=PlanChecks.REMOTE, ask_registry=registry)
    [problem] = errors(result)
    assert problem.path == ("version",)
    assert problem.code == "version_already_exists"
    assert (
        'terraform import platformxe_custom_event.<name> "lettings/property.favorited@1.0.0"'
        in problem.detail
    )


def test_unknown_inputs_skip_the_dry_run_without_error() -> None:
    registry = FakeRegistry()
    result = plan_event(
        None,
        config(payload_schema=UNKNOWN),
        organization_id=ORG,
        checks=PlanChecks.REMOTE,
        ask_registry=registry,
    )
    assert registry.calls == []
    assert result.diagnostics == []
    assert result.values["semver_bump"] is UNKNOWN and result.values["schema_hash"] is UNKNOWN
    assert result.values["id"] == "lettings/property.favorited@1.0.0"  # still known


def test_unknown_version_leaves_id_and_canonical_name_unknown() -> None:
    result = plan_event(
        None,
        config(version=UNKNOWN),
        organization_id=ORG,
        checks=PlanChecks.REMOTE,
        ask_registry=FakeRegistry(),
    )
    assert result.values["id"] is UNKNOWN and result.values["canonical_name"] is UNKNOWN


def test_without_an_organisation_id_canonical_name_is_known_after_apply() -> None:
    result = plan_event(None, config(), organization_id=None, checks=PlanChecks.OFF)
    assert result.values["canonical_name"] is UNKNOWN and result.values["organization_id"] is UNKNOWN
    assert len(result.values["schema_hash"]) == 64  # still computed locally


def test_status_and_description_change_in_place_and_keep_computed_values() -> None:
    prior = state()
    result = plan_event(
        prior,
        config(status="archived", description="now documented"),
        organization_id=ORG,
        checks=PlanChecks.REMOTE,
        ask_registry=FakeRegistry(),
    )
    assert result.requires_replace == []
    assert result.values["status"] == "archived" and result.values["description"] == "now documented"
    assert result.values["semver_bump"] == "initial" and result.values["created_at"] == prior["created_at"]
    assert result.diagnostics == []


def test_published_to_draft_is_a_plan_error_on_status() -> None:
    result = plan_event(state(), config(status="draft"), organization_id=ORG, checks=PlanChecks.REMOTE)
    [problem] = errors(result)
    assert problem.path == ("status",)
    assert problem.code == "invalid_status_transition"
    assert '"archived"' in problem.detail


def test_archived_back_to_published_is_legal() -> None:
    result = plan_event(state(status="archived"), config(), organization_id=ORG, checks=PlanChecks.REMOTE)
    assert result.values["status"] == "published" and result.diagnostics == []


def test_offline_replace_is_judged_against_the_version_in_state() -> None:
    result = plan_event(
        state(),
        config(version="1.0.1", payload_schema=SCHEMA_1_REFORMATTED),
        organization_id=ORG,
        checks=PlanChecks.OFFLINE,
    )
    # Errors and the line at plan; the values are known after apply (Terraform re-plans a replacement
    # without prior state, where nothing offline could produce them again).
    assert result.values["semver_bump"] is UNKNOWN
    [line] = warnings(result)
    assert "patch bump over 1.0.0" in line.summary and "offline" in line.summary


def test_offline_refuses_an_illegal_bump_against_the_version_in_state() -> None:
    breaking = json.dumps({"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]})
    result = plan_event(
        state(),
        config(version="1.0.1", payload_schema=breaking),
        organization_id=ORG,
        checks=PlanChecks.OFFLINE,
    )
    [problem] = errors(result)
    assert problem.path == ("version",) and problem.code == "patch_must_be_byte_equal"


def test_offline_create_does_not_guess_the_bump() -> None:
    result = plan_event(None, config(), organization_id=ORG, checks=PlanChecks.OFFLINE)
    assert result.values["semver_bump"] is UNKNOWN and result.diagnostics == []


def test_off_never_judges() -> None:
    result = plan_event(
        state(),
        config(version="1.0.1"),
        organization_id=ORG,
        checks=PlanChecks.OFF,
        ask_registry=FakeRegistry(),
    )
    assert result.values["semver_bump"] is UNKNOWN and result.diagnostics == []


def test_other_registry_rules_land_on_their_attribute() -> None:
    refused = Verdict(
        valid=False,
        semver_bump=SemverBump.INITIAL,
        schema_hash=None,
        schema_flavour=None,
        previous_version=None,
        changes=(),
        errors=(
            Problem(Code.NAMESPACE_NOT_ALLOWED, 'namespace "lettings" is not on the allowlist', "namespace"),
        ),
        suggested_version="1.0.0",
    )
    result = plan_event(
        None, config(), organization_id=ORG, checks=PlanChecks.REMOTE, ask_registry=lambda c: refused
    )
    [problem] = errors(result)
    assert problem.path == ("namespace",) and problem.code == "namespace_not_allowed"


def test_a_version_planned_alongside_another_of_its_event_is_judged_at_apply() -> None:
    registry = FakeRegistry()
    siblings = PlannedVersions()
    first = plan_event(
        None,
        config(),
        organization_id=ORG,
        checks=PlanChecks.REMOTE,
        ask_registry=registry,
        siblings=siblings,
    )
    second = plan_event(
        None,
        config(version="1.1.0"),
        organization_id=ORG,
        checks=PlanChecks.REMOTE,
        ask_registry=registry,
        siblings=siblings,
    )
    assert first.values["semver_bump"] == "initial"
    # The registry cannot see 1.0.0 yet: its verdict for 1.1.0 would change once 1.0.0 is registered.
    assert second.values["semver_bump"] is UNKNOWN and len(registry.calls) == 1
    [note] = warnings(second)
    assert "judged at apply, after 1.0.0" in note.summary
    assert errors(second) == []


def _registered(example: Any) -> Any:
    def read(namespace: str, name: str, version: str) -> dict[str, Any]:
        return {"namespace": namespace, "name": name, "version": version, "payloadExample": example}

    return read


def test_adopting_a_published_version_as_draft_is_a_plan_error_on_status() -> None:
    registry = FakeRegistry(("1.0.0", SCHEMA_1))
    result = plan_event(
        None,
        config(status="draft"),
        organization_id=ORG,
        checks=PlanChecks.REMOTE,
        ask_registry=registry,
        registered=_registered(None),
    )
    [problem] = errors(result)
    assert warnings(result) == []  # no "apply will adopt it" promise
    assert problem.path == ("status",)
    assert problem.code == "invalid_status_transition"
    assert 'set status = "published"' in problem.summary
    assert "terraform import" in problem.detail


def test_adopting_a_version_registered_with_another_example_is_a_plan_error_naming_the_bump() -> None:
    registry = FakeRegistry(("1.0.0", SCHEMA_1))
    result = plan_event(
        None,
        config(payload_example='{"id": "new"}'),
        organization_id=ORG,
        checks=PlanChecks.REMOTE,
        ask_registry=registry,
        registered=_registered({"id": "old"}),
    )
    [problem] = errors(result)
    assert problem.path == ("payload_example",)
    assert problem.code == "version_already_exists"
    assert "bump to 1.0.1" in problem.summary
    # the same example, written differently, is adopted
    same = plan_event(
        None,
        config(payload_example='{ "id" : "old" }'),
        organization_id=ORG,
        checks=PlanChecks.REMOTE,
        ask_registry=registry,
        registered=_registered({"id": "old"}),
    )
    assert errors(same) == []
    assert "apply will adopt it" in warnings(same)[0].summary


def test_a_schema_unknown_at_plan_under_the_same_version_warns_that_apply_may_refuse_it() -> None:
    registry = FakeRegistry(("1.0.0", SCHEMA_1))
    result = plan_event(
        state(),
        config(payload_schema=UNKNOWN),
        organization_id=ORG,
        checks=PlanChecks.REMOTE,
        ask_registry=registry,
    )
    assert errors(result) == []
    [note] = warnings(result)
    assert note.path == ("payload_schema",)
    assert "only known at apply" in note.summary
    assert "version must be bumped" in note.detail
    assert registry.calls == []
    # a version bump alongside an unknown schema is an ordinary new version: nothing to warn about
    bumped = plan_event(
        state(),
        config(version="1.1.0", payload_schema=UNKNOWN),
        organization_id=ORG,
        checks=PlanChecks.REMOTE,
        ask_registry=registry,
    )
    assert bumped.diagnostics == []


def _plan_in_order(*versions: str, schema: Any = SCHEMA_1) -> list[Any]:
    """Plan one new resource per version, in this order, in one process."""
    registry, siblings = FakeRegistry(), PlannedVersions()
    return [
        plan_event(
            None,
            config(version=v, payload_schema=schema),
            organization_id=ORG,
            checks=PlanChecks.REMOTE,
            ask_registry=registry,
            siblings=siblings,
        )
        for v in versions
    ]


def test_a_lower_version_planned_after_a_higher_one_is_a_plan_error_asking_for_depends_on() -> None:
    higher, lower = _plan_in_order("1.1.0", "1.0.0")
    [problem] = errors(lower)
    assert problem.path == ("version",)
    assert "1.0.0 and 1.1.0 are both in this configuration" in problem.summary
    assert "add depends_on" in problem.summary and "to the 1.1.0 resource" in problem.summary
    # the lower version never gets a known verdict once it comes second
    assert lower.values["semver_bump"] is UNKNOWN
    assert errors(higher) == []


def test_each_version_is_judged_the_same_way_every_time_it_is_planned_in_order() -> None:
    # depends_on: the plan process and the apply process both plan 1.0.0 before 1.1.0, and a
    # replacement is planned twice in one process; 1.1.0 is unknown in every one of those plans.
    for run in (_plan_in_order("1.0.0", "1.1.0", "1.1.0"), _plan_in_order("1.0.0", "1.1.0")):
        assert run[0].values["semver_bump"] == "initial"
        assert all(r.values["semver_bump"] is UNKNOWN and errors(r) == [] for r in run[1:])


def test_a_version_unknown_at_plan_makes_later_versions_of_the_event_unknown_too() -> None:
    siblings = PlannedVersions()
    assert siblings("lettings", "x.y", None) == []
    assert siblings("lettings", "x.y", "1.1.0") == [None]
    assert siblings("lettings", "x.y", "1.0.0") == [None, "1.1.0"]
    assert siblings("lettings", "x.y", "1.1.0") == [None]  # what came before its first record
    assert siblings("lettings", "other.event", "1.0.0") == []
    registry, recorder = FakeRegistry(), PlannedVersions()
    results = [
        plan_event(
            None,
            config(version=v),
            organization_id=ORG,
            checks=PlanChecks.REMOTE,
            ask_registry=registry,
            siblings=recorder,
        )
        for v in (UNKNOWN, "1.1.0")
    ]
    assert results[1].values["semver_bump"] is UNKNOWN and registry.calls == []
    assert "a version unknown at plan" in warnings(results[1])[0].summary


def test_two_hundred_new_events_plan_with_no_warning_at_all() -> None:
    registry, siblings = FakeRegistry(), PlannedVersions()
    results = [
        plan_event(
            None,
            config(name=f"property.event{i:03d}"),
            organization_id=ORG,
            checks=PlanChecks.REMOTE,
            ask_registry=registry,
            siblings=siblings,
        )
        for i in range(200)
    ]
    assert [d for r in results for d in r.diagnostics] == []
    assert {r.values["semver_bump"] for r in results} == {"initial"}


def test_a_major_bump_is_the_verdict_that_warns() -> None:
    registry = FakeRegistry(("1.0.0", SCHEMA_1))
    breaking = json.dumps({"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]})
    result = plan_event(
        state(),
        config(version="2.0.0", payload_schema=breaking),
        organization_id=ORG,
        checks=PlanChecks.REMOTE,
        ask_registry=registry,
    )
    assert errors(result) == [] and result.values["semver_bump"] == "major"
    [line] = warnings(result)
    assert line.summary.startswith("lettings.property.favorited 2.0.0: major bump over 1.0.0 (breaking:")
    assert "- breaking:" in line.detail


def _bump_with_emits(count: int, **prior: Any) -> Any:
    asked: list[Any] = []

    def recent_emits(ref: Any) -> int:
        asked.append(ref)
        return count

    result = plan_event(
        state(**prior),
        config(version="1.0.1"),
        organization_id=ORG,
        checks=PlanChecks.REMOTE,
        ask_registry=FakeRegistry(("1.0.0", SCHEMA_1)),
        recent_emits=recent_emits,
    )
    return result, asked


def test_a_bump_that_archives_a_version_still_emitted_warns_with_the_count() -> None:
    result, asked = _bump_with_emits(12)
    assert [ref.label for ref in asked] == ["lettings.property.favorited 1.0.0"]
    [note] = warnings(result)
    assert note.summary == (
        "lettings.property.favorited 1.0.0 received 12 emits in the last 7 days, and this plan archives it"
    )
    assert note.path == ("version",) and 'on_destroy = "retain"' in note.detail
    assert errors(result) == [] and result.values["semver_bump"] == "patch"


def test_no_archive_warning_when_unused_retained_or_archived_already() -> None:
    assert warnings(_bump_with_emits(0)[0]) == []
    retained, asked = _bump_with_emits(5, on_destroy="retain")
    assert warnings(retained) == [] and asked == []
    archived, asked = _bump_with_emits(5, status="archived")
    assert warnings(archived) == [] and asked == []
