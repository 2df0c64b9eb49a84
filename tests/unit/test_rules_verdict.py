"""The dry-run verdict: bump rules, every problem at once, suggested version, org rules.

The compatibility checker is another module's job; most tests here replace ``compare`` with a
stub that answers what each test needs, so they judge the verdict's own logic.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

import platformxe.rules.compat as compat_module
from platformxe.rules import (
    Candidate,
    Code,
    CompatReport,
    ExistingVersion,
    OrgContext,
    PlanTier,
    SchemaChange,
    SchemaFlavour,
    SemverBump,
    Status,
    dry_run_verdict,
    schema_hash,
)
from platformxe.rules.codes import SEED_ORDER

V1: dict[str, Any] = {
    "type": "object",
    "properties": {"propertyId": {"type": "string", "maxLength": 64}, "subjectId": {"type": "string"}},
    "required": ["propertyId"],
}
V1_DESCRIBED = {**V1, "description": "Fired when a customer favorites a property"}
V1_CHANNEL = {**V1, "properties": {**V1["properties"], "channel": {"enum": ["web", "app"]}}}
V1_CHANNEL_REQUIRED = {**V1_CHANNEL, "required": ["propertyId", "channel"]}

CHANNEL_REQUIRED = SchemaChange(
    kind="required_added", pointer="/required", breaking=True, message='property "channel" is now required'
)
CHANNEL_ADDED = SchemaChange(
    kind="property_added",
    pointer="/properties/channel",
    breaking=False,
    message='added optional property "channel"',
)


@pytest.fixture
def stub_compare(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """Replace ``compare``: adding "channel" is compatible, requiring it is breaking."""
    calls: dict[str, Any] = {"count": 0}

    def compare(old: Any, new: Any, policy: str = "strict", deadline: float | None = None) -> CompatReport:
        calls["count"] += 1
        calls["policy"] = policy
        if new == V1_CHANNEL_REQUIRED:
            return CompatReport(compatible=False, changes=(CHANNEL_ADDED, CHANNEL_REQUIRED))
        if new == V1_CHANNEL:
            return CompatReport(compatible=True, changes=(CHANNEL_ADDED,))
        return CompatReport(compatible=old == new)

    monkeypatch.setattr(compat_module, "compare", compare)
    yield calls


def cand(version: str = "1.0.0", schema: Any = V1, **kw: Any) -> Candidate:
    return Candidate(namespace=kw.pop("namespace", "lettings"), name=kw.pop("name", "property.favorited"),
                     version=version, payload_schema=schema, **kw)  # fmt: skip


def existing(*versions: str, schema: Any = V1, status: Status = Status.PUBLISHED) -> list[ExistingVersion]:
    return [ExistingVersion(version=v, payload_schema=schema, status=status) for v in versions]


def codes(verdict: Any) -> list[Code]:
    return [p.code for p in verdict.errors]


# --- initial ----------------------------------------------------------------------------------


def test_initial_registration() -> None:
    verdict = dry_run_verdict(cand(), [])
    assert verdict.valid
    assert verdict.semver_bump is SemverBump.INITIAL
    assert verdict.previous_version is None
    assert verdict.schema_hash == schema_hash(V1)
    assert verdict.schema_flavour is SchemaFlavour.JSON_SCHEMA_2020_12
    assert verdict.suggested_version == "1.0.0"
    assert verdict.changes == ()


def test_initial_version_need_not_be_1_0_0() -> None:
    verdict = dry_run_verdict(cand("0.3.0"), [])
    assert verdict.valid and verdict.suggested_version == "0.3.0"


def test_schema_as_json_text_gives_the_same_hash() -> None:
    text = json.dumps(V1, indent=4)
    assert dry_run_verdict(cand(schema=text), []).schema_hash == schema_hash(V1)


def test_openapi_flavour_is_reported() -> None:
    schema = {**V1, "$schema": "https://spec.openapis.org/oas/3.1/dialect/base"}
    assert dry_run_verdict(cand(schema=schema), []).schema_flavour is SchemaFlavour.OPENAPI_3_1


# --- everything at once, seed order -----------------------------------------------------------


def test_every_problem_at_once_in_seed_order() -> None:
    verdict = dry_run_verdict(
        cand("1.0", schema={"type": "strin", "properties": {"a": {"$ref": "#/nope"}}}, namespace="Bad",
             name="X", payload_example="{}", has_example=True),
        [],
    )  # fmt: skip
    assert not verdict.valid
    assert codes(verdict) == [
        Code.INVALID_NAMESPACE,
        Code.INVALID_NAME,
        Code.INVALID_VERSION_FORMAT,
        Code.INVALID_JSON_SCHEMA,
        Code.INVALID_JSON_SCHEMA,
    ]
    assert verdict.semver_bump is None
    assert verdict.suggested_version == "1.0.0"


def test_errors_are_sorted_by_the_seed_table() -> None:
    verdict = dry_run_verdict(
        cand("2.5.0", schema={"type": "object", "nullable": True}, namespace="auth"),
        existing("1.0.0"),
        OrgContext("org", PlanTier.FREE, frozenset({"acme"})),
    )
    order = [SEED_ORDER[c] for c in codes(verdict)]
    assert order == sorted(order)
    assert codes(verdict) == [
        Code.RESERVED_NAMESPACE,
        Code.VERSION_INVALID_JUMP,
        Code.INVALID_JSON_SCHEMA,
        Code.REGISTRATION_QUOTA_EXCEEDED,
    ]


def test_invalid_schema_skips_compat_but_keeps_name_and_version_problems(
    stub_compare: dict[str, Any],
) -> None:
    verdict = dry_run_verdict(cand("1.1.0", schema={"type": 5}, name="X"), existing("1.0.0"))
    assert codes(verdict) == [Code.INVALID_NAME, Code.INVALID_JSON_SCHEMA]
    assert stub_compare["count"] == 0
    assert verdict.changes == ()
    assert verdict.semver_bump is SemverBump.MINOR
    assert verdict.suggested_version is None


def test_unparseable_schema_text() -> None:
    verdict = dry_run_verdict(cand(schema="{not json"), [])
    assert codes(verdict) == [Code.INVALID_JSON_SCHEMA]
    assert verdict.schema_hash is None and verdict.schema_flavour is None


def test_unhashable_number_is_a_problem_not_a_crash() -> None:
    verdict = dry_run_verdict(cand(schema={"type": "integer", "maximum": 2**64}), [])
    assert codes(verdict) == [Code.INVALID_JSON_SCHEMA]
    assert verdict.schema_hash is None
    [problem] = verdict.errors
    assert problem.pointer == "/maximum" and "2^53" in problem.message


def test_a_schema_with_numbers_the_fast_canonical_form_hands_over_hashes_as_rfc8785_says() -> None:
    import hashlib

    import rfc8785

    schema = {"type": "number", "minimum": 1e-7, "maximum": 1e21, "multipleOf": 0.5, "default": 2.0}
    verdict = dry_run_verdict(cand(schema=schema), [])
    assert verdict.valid
    assert verdict.schema_hash == hashlib.sha256(rfc8785.dumps(schema)).hexdigest()


def test_unknown_status_is_an_invalid_request() -> None:
    verdict = dry_run_verdict(cand(status="deleted"), [])  # type: ignore[arg-type]
    assert codes(verdict) == [Code.INVALID_REQUEST]
    assert verdict.errors[0].field == "status"


# --- names ------------------------------------------------------------------------------------


def test_generic_event_replaces_reserved_namespace() -> None:
    verdict = dry_run_verdict(cand(namespace="platformxe", name="generic"), [])
    assert codes(verdict) == [Code.CANNOT_REGISTER_GENERIC_EVENT]


def test_reserved_namespace_other_name() -> None:
    assert codes(dry_run_verdict(cand(namespace="platformxe", name="mine"), [])) == [Code.RESERVED_NAMESPACE]


def test_allowlist_only_with_an_org() -> None:
    org = OrgContext("org", PlanTier.PRO, frozenset({"acme"}))
    assert codes(dry_run_verdict(cand(), [], org)) == [Code.NAMESPACE_NOT_ALLOWED]
    assert dry_run_verdict(cand(), []).valid
    # An ill-formed namespace is not also reported as "not allowed".
    assert codes(dry_run_verdict(cand(namespace="X"), [], org)) == [Code.INVALID_NAMESPACE]


# --- versions against existing ones -----------------------------------------------------------


def test_same_version_same_schema_says_so() -> None:
    verdict = dry_run_verdict(cand("1.0.0", schema=json.dumps(V1)), existing("1.0.0"))
    assert codes(verdict) == [Code.VERSION_ALREADY_EXISTS]
    details = verdict.errors[0].details
    assert details["sameSchema"] is True
    assert details["schemaHash"] == schema_hash(V1)
    assert "with the same schema" in verdict.errors[0].message


def test_same_version_other_schema_suggests_a_version(stub_compare: dict[str, Any]) -> None:
    verdict = dry_run_verdict(cand("1.0.0", schema=V1_CHANNEL), existing("1.0.0"))
    assert codes(verdict) == [Code.VERSION_ALREADY_EXISTS]
    assert verdict.errors[0].details["sameSchema"] is False
    assert verdict.suggested_version == "1.1.0"
    assert "register the change as 1.1.0" in verdict.errors[0].message


def test_existing_hash_is_taken_from_the_registry_when_given() -> None:
    stored = [ExistingVersion("1.0.0", V1, schema_hash="ab" * 32)]
    assert dry_run_verdict(cand("1.0.0"), stored).errors[0].details["schemaHash"] == "ab" * 32


def test_downgrade() -> None:
    verdict = dry_run_verdict(cand("1.1.5"), existing("1.0.0", "1.2.0"))
    assert codes(verdict) == [Code.VERSION_DOWNGRADE]
    assert verdict.previous_version == "1.2.0"
    assert "1.2.1, 1.3.0 and 2.0.0" in verdict.errors[0].message


@pytest.mark.parametrize("version", ["1.4.4", "1.6.0", "3.0.0", "2.1.0", "2.0.1", "1.5.1"])
def test_invalid_jump_names_the_three_legal_versions(version: str) -> None:
    verdict = dry_run_verdict(cand(version), existing("1.4.2"))
    assert codes(verdict) == [Code.VERSION_INVALID_JUMP]
    message = verdict.errors[0].message
    assert "1.4.3 (patch)" in message and "1.5.0 (minor)" in message and "2.0.0 (major)" in message


def test_previous_is_the_highest_version_whatever_its_status() -> None:
    stored = existing("1.0.0") + existing("1.1.0", status=Status.ARCHIVED)
    verdict = dry_run_verdict(cand("1.1.1"), stored)
    assert verdict.previous_version == "1.1.0"
    assert verdict.semver_bump is SemverBump.PATCH
    assert verdict.valid


# --- content rules of each bump ---------------------------------------------------------------


def test_patch_may_change_descriptions_only() -> None:
    verdict = dry_run_verdict(cand("1.0.1", schema=V1_DESCRIBED), existing("1.0.0"))
    assert verdict.valid
    assert verdict.semver_bump is SemverBump.PATCH
    assert verdict.suggested_version == "1.0.1"


def test_patch_with_a_real_change(stub_compare: dict[str, Any]) -> None:
    verdict = dry_run_verdict(cand("1.0.1", schema=V1_CHANNEL), existing("1.0.0"))
    assert codes(verdict) == [Code.PATCH_MUST_BE_BYTE_EQUAL]
    assert verdict.errors[0].field == "payloadSchema"
    assert "register it as 1.1.0" in verdict.errors[0].message
    assert verdict.suggested_version == "1.1.0"


def test_minor_compatible(stub_compare: dict[str, Any]) -> None:
    verdict = dry_run_verdict(cand("1.1.0", schema=V1_CHANNEL), existing("1.0.0"))
    assert verdict.valid
    assert verdict.semver_bump is SemverBump.MINOR
    assert verdict.changes == (CHANNEL_ADDED,)
    assert verdict.suggested_version == "1.1.0"


def test_minor_breaking_names_the_first_breaking_change(stub_compare: dict[str, Any]) -> None:
    verdict = dry_run_verdict(cand("1.1.0", schema=V1_CHANNEL_REQUIRED), existing("1.0.0"))
    assert codes(verdict) == [Code.MINOR_MUST_BE_BACKWARDS_COMPATIBLE]
    assert verdict.errors[0].message == (
        "minor bump 1.1.0 over 1.0.0 is not backwards-compatible under the strict compatibility policy: "
        'property "channel" is now required; register it as 2.0.0'
    )
    assert verdict.suggested_version == "2.0.0"
    assert verdict.compatibility_policy == "strict" and verdict.to_dict()["compatibilityPolicy"] == "strict"
    assert verdict.changes == (CHANNEL_ADDED, CHANNEL_REQUIRED)


def test_minor_with_descriptions_only_is_fine_and_suggests_patch() -> None:
    verdict = dry_run_verdict(cand("1.1.0", schema=V1_DESCRIBED), existing("1.0.0"))
    assert verdict.valid and verdict.suggested_version == "1.0.1"


def test_major_is_free_form(stub_compare: dict[str, Any]) -> None:
    verdict = dry_run_verdict(cand("2.0.0", schema=V1_CHANNEL_REQUIRED), existing("1.0.0"))
    assert verdict.valid
    assert verdict.semver_bump is SemverBump.MAJOR
    assert verdict.suggested_version == "2.0.0"


def test_real_checker_refuses_a_narrowing_minor() -> None:
    narrowed = {**V1, "properties": {**V1["properties"], "propertyId": {"type": "integer"}}}
    verdict = dry_run_verdict(cand("1.1.0", schema=narrowed), existing("1.0.0"))
    assert codes(verdict) == [Code.MINOR_MUST_BE_BACKWARDS_COMPATIBLE]
    assert "register it as 2.0.0" in verdict.errors[0].message


# --- example ----------------------------------------------------------------------------------


def test_example_must_match_the_schema() -> None:
    ok = dry_run_verdict(cand(payload_example={"propertyId": "p1"}, has_example=True), [])
    assert ok.valid
    bad = dry_run_verdict(cand(payload_example='{"propertyId": 5}', has_example=True), [])
    assert codes(bad) == [Code.PAYLOAD_EXAMPLE_DOES_NOT_MATCH_SCHEMA]
    assert bad.errors[0].field == "payloadExample"
    assert bad.errors[0].pointer == "/propertyId"


def test_example_that_is_not_json() -> None:
    verdict = dry_run_verdict(cand(payload_example="{oops", has_example=True), [])
    assert codes(verdict) == [Code.PAYLOAD_EXAMPLE_DOES_NOT_MATCH_SCHEMA]
    assert "not valid JSON" in verdict.errors[0].message


# --- quota ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("plan", "used", "stored", "exceeded"),
    [
        (PlanTier.FREE, 0, [], True),
        (PlanTier.FREE, 0, existing("1.0.0"), True),  # Free registers nothing at all
        (PlanTier.BASIC, 4, [], False),
        (PlanTier.BASIC, 5, [], True),
        (PlanTier.BASIC, 5, existing("1.0.0"), False),  # a new version of a counted event
        (PlanTier.BASIC, 5, existing("1.0.0", status=Status.ARCHIVED), True),  # archived: counts as new
        (PlanTier.PRO, 24, [], False),
        (PlanTier.PRO, 25, [], True),
        (PlanTier.ENTERPRISE, 10_000, [], False),
    ],
)
def test_registration_quota(plan: PlanTier, used: int, stored: list[ExistingVersion], exceeded: bool) -> None:
    org = OrgContext("org", plan, frozenset({"lettings"}), registrations_used=used)
    version = "1.0.1" if stored else "1.0.0"
    verdict = dry_run_verdict(cand(version, schema=V1_DESCRIBED if stored else V1), stored, org)
    assert (Code.REGISTRATION_QUOTA_EXCEEDED in codes(verdict)) is exceeded
    if exceeded:
        assert verdict.errors[-1].details["plan"] == plan.value


# --- API body ---------------------------------------------------------------------------------


def test_to_dict_is_the_api_body(stub_compare: dict[str, Any]) -> None:
    body = dry_run_verdict(cand("1.1.0", schema=V1_CHANNEL_REQUIRED), existing("1.0.0")).to_dict()
    assert set(body) == {
        "compatibilityPolicy",
        "valid",
        "semverBump",
        "schemaHash",
        "schemaFlavour",
        "previousVersion",
        "changes",
        "errors",
        "suggestedVersion",
    }
    assert body["semverBump"] == "minor"
    assert body["errors"][0]["code"] == "minor_must_be_backwards_compatible"
    assert body["errors"][0]["path"] == "payloadSchema"
    assert body["changes"][1] == {
        "kind": "required_added",
        "path": "/required",
        "breaking": True,
        "message": 'property "channel" is now required',
    }
    json.dumps(body)  # serialisable as is


def test_the_policy_reaches_the_checker_and_the_answer(stub_compare: dict[str, Any]) -> None:
    verdict = dry_run_verdict(cand("1.1.0", schema=V1_CHANNEL), existing("1.0.0"), policy="lenient")
    assert stub_compare["policy"] == "lenient"
    assert verdict.to_dict()["compatibilityPolicy"] == "lenient"


def test_a_refused_minor_says_when_the_lenient_policy_would_take_it() -> None:
    # V1 is an open object: under strict, an old payload may already carry "channel" with any
    # value, so constraining it breaks; under lenient (old payloads carry declared properties
    # only) it is the ordinary minor change, and the refusal says so.
    verdict = dry_run_verdict(cand("1.1.0", schema=V1_CHANNEL), existing("1.0.0"))
    assert codes(verdict) == [Code.MINOR_MUST_BE_BACKWARDS_COMPATIBLE]
    problem = verdict.errors[0]
    assert problem.message.endswith(
        "register it as 2.0.0, or keep 1.1.0 by setting the event's compatibility policy to lenient "
        "(old payloads are then assumed to carry only the properties the schema declares), under which "
        "this change is compatible"
    )
    assert problem.details["compatibleUnderLenient"] is True
    lenient = dry_run_verdict(cand("1.1.0", schema=V1_CHANNEL), existing("1.0.0"), policy="lenient")
    assert lenient.valid and lenient.semver_bump is SemverBump.MINOR


def test_a_minor_breaking_under_both_policies_gets_no_lenient_hint() -> None:
    verdict = dry_run_verdict(cand("1.1.0", schema=V1_CHANNEL_REQUIRED), existing("1.0.0"))
    assert codes(verdict) == [Code.MINOR_MUST_BE_BACKWARDS_COMPATIBLE]
    assert "lenient" not in verdict.errors[0].message.split("under the strict compatibility policy")[1]
    assert "compatibleUnderLenient" not in verdict.errors[0].details
    refused = dry_run_verdict(cand("1.1.0", schema=V1_CHANNEL_REQUIRED), existing("1.0.0"), policy="lenient")
    assert codes(refused) == [Code.MINOR_MUST_BE_BACKWARDS_COMPATIBLE]
    assert "keep 1.1.0" not in refused.errors[0].message
