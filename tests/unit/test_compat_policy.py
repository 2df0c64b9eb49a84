"""Compatibility policies (strict / lenient), the deadline, and constructs the checker does not model."""

from __future__ import annotations

import copy
import time
from typing import Any

import pytest

from platformxe.rules import validate_payload
from platformxe.rules.compat import TOO_COSTLY, compare, lenient_view

OPEN = {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}
OPTIONAL_ADDED = {
    "type": "object",
    "properties": {"id": {"type": "string"}, "note": {"type": "string", "maxLength": 10}},
    "required": ["id"],
}


def test_an_optional_property_added_to_an_open_object_is_breaking_strictly_and_fine_leniently() -> None:
    strict = compare(OPEN, OPTIONAL_ADDED)
    assert not strict.compatible and strict.policy == "strict"
    (change,) = strict.breaking_changes
    assert change.has_witness
    assert validate_payload(OPEN, change.witness) == [] and validate_payload(OPTIONAL_ADDED, change.witness)
    lenient = compare(OPEN, OPTIONAL_ADDED, policy="lenient")
    assert lenient.compatible and lenient.policy == "lenient"
    # the view's own closing is not reported as a change of the tenant's schema
    assert [c.kind for c in lenient.changes] == ["property_added"]


def test_the_default_policy_is_strict() -> None:
    assert compare(OPEN, OPEN).policy == "strict"
    with pytest.raises(ValueError, match="'strict' or 'lenient'"):
        compare(OPEN, OPEN, policy="loose")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (OPEN, {**OPEN, "required": ["id", "note"], "properties": {**OPEN["properties"], "note": {}}}),
        (OPEN, {**OPEN, "properties": {"id": {"type": "string", "maxLength": 3}}}),
        ({"type": "object", "properties": {"a": {"type": "object", "properties": {"x": {}}}}},
         {"type": "object", "properties": {"a": {"type": "object", "properties": {"x": {"type": "integer"}}}}}),
    ],
)  # fmt: skip
def test_lenient_still_refuses_what_breaks_declared_properties(old: Any, new: Any) -> None:
    report = compare(old, new, policy="lenient")
    assert not report.compatible
    for change in report.breaking_changes:
        if change.has_witness:  # a witness under lenient is a payload of the old schema, declared keys only
            assert validate_payload(lenient_view(old), change.witness) == []
            assert validate_payload(old, change.witness) == []
            assert validate_payload(new, change.witness) != []


def test_lenient_view_closes_value_positions_and_keeps_composed_properties_allowed() -> None:
    composed = {"allOf": [{"properties": {"a": {}}}, {"properties": {"b": {}}}], "properties": {"c": {}}}
    view = lenient_view(composed)
    assert view["unevaluatedProperties"] is False and "additionalProperties" not in view["allOf"][0]
    assert validate_payload(view, {"a": 1, "b": 2, "c": 3}) == []
    assert validate_payload(view, {"d": 1}) != []
    nested = lenient_view({"properties": {"p": {"properties": {"q": {}}, "additionalProperties": True}}})
    assert nested == {
        "properties": {"p": {"properties": {"q": {}}, "additionalProperties": False}},
        "additionalProperties": False,
    }
    kept = {"properties": {"a": {}}, "additionalProperties": {"type": "string"}}
    assert lenient_view(kept) == kept  # the schema already says what extra properties must be
    negated = {"not": {"properties": {"a": {"type": "string"}}}}
    assert lenient_view(negated) == negated


def test_lenient_view_leaves_the_input_alone_and_is_a_document_of_its_own() -> None:
    old = {"properties": {"p": {"properties": {"q": {"type": "string"}}}, "n": {"type": "integer"}}}
    before = copy.deepcopy(old)
    view = lenient_view(old)
    assert old == before
    view["properties"]["n"]["type"] = "string"  # the caller may change the view it was given
    assert old == before


@pytest.mark.parametrize("policy", ["strict", "lenient"])
def test_a_reference_object_shared_by_both_documents_is_followed_in_each(policy: str) -> None:
    # The same Python object in both documents names a different definition in each: the
    # verdict is the one the two documents get as separate JSON texts.
    ref = {"$ref": "#/$defs/d"}
    old = {"properties": {"a": ref}, "$defs": {"d": {"type": "string"}}}
    new = {"properties": {"a": ref}, "$defs": {"d": {"type": "integer"}}}
    shared = compare(old, new, policy)
    assert not shared.compatible
    assert shared == compare(copy.deepcopy(old), copy.deepcopy(new), policy)
    assert validate_payload(old, shared.breaking_changes[0].witness) == []


def test_past_the_deadline_the_verdict_is_not_proven() -> None:
    report = compare(OPEN, OPTIONAL_ADDED, deadline=time.monotonic() - 1)
    assert not report.compatible
    assert [c.message for c in report.changes] == [TOO_COSTLY]
    assert "too costly" in TOO_COSTLY


@pytest.mark.parametrize(
    "schema",
    [
        {"$defs": {"node": {"$dynamicAnchor": "node", "type": "object"}}, "$dynamicRef": "#node"},
        {"properties": {"a": {"$id": "https://example.com/a", "$defs": {"x": {}}, "$ref": "#/$defs/x"}}},
    ],
)
def test_unmodelled_constructs_are_never_proved_compatible(schema: dict[str, Any]) -> None:
    loosened = {**schema, "description": "the same schema, described"}
    for old, new in ((schema, loosened), (loosened, schema)):
        report = compare(old, new)
        assert not report.compatible
        assert any("does not model" in c.message for c in report.breaking_changes)
    assert compare(schema, schema).compatible  # equal schemas stay proved


RECALL_OLD: dict[str, Any] = {
    "type": "object",
    "properties": {"a": {"type": "string", "pattern": "^[a-z]+$"}, "b": {"type": "integer", "minimum": 0}},
    "required": ["a"],
}


@pytest.mark.parametrize(
    "new",
    [
        {},
        True,
        dict(RECALL_OLD),
        {"anyOf": [{"type": "string"}, RECALL_OLD]},
        {"oneOf": [{"type": "string"}, RECALL_OLD]},
        {"type": "object"},
    ],
)
@pytest.mark.parametrize("policy", ["strict", "lenient"])
def test_trivially_true_inclusions_are_proved(new: Any, policy: str) -> None:
    assert compare(RECALL_OLD, new, policy).compatible
