"""The change list of compare(): kinds, pointers, breaking flags, messages and witnesses.

These are what `terraform plan` and the dry-run show, so the wording is part of the contract:
a platform engineer must see which field changed, how, and whether it breaks emitters.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from platformxe.rules import SchemaChange
from platformxe.rules.compat import compare
from platformxe.rules.compat.scalars import FORMAT_IMPLIES
from platformxe.rules.compat.values import ASSERTING_KEYWORDS
from platformxe.rules.compat.witness import FORMAT_SAMPLES
from platformxe.rules.formats import format_checker
from platformxe.rules.payload import compiled_validator

BASE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "propertyId": {"type": "string", "maxLength": 64},
        "channel": {"enum": ["email", "sms"]},
        "amount": {"type": "number", "minimum": 0},
    },
    "required": ["propertyId"],
    "additionalProperties": False,
}


def _with(**props: Any) -> dict[str, Any]:
    out = {**BASE, "properties": {**BASE["properties"], **props}}
    return out


def _only(old: Any, new: Any) -> SchemaChange:
    changes = compare(old, new).changes
    assert len(changes) == 1, changes
    return changes[0]


def _valid(schema: Any, payload: Any) -> bool:
    return bool(compiled_validator(schema).is_valid(payload))  # the registry's validator (ECMA patterns)


def test_identical_schemas_have_no_changes() -> None:
    report = compare(BASE, {**BASE})
    assert report.compatible and report.changes == ()


def test_max_length_lowered_names_the_field_and_both_values() -> None:
    c = _only(BASE, _with(propertyId={"type": "string", "maxLength": 32}))
    assert c.kind == "max_length_lowered"
    assert c.pointer == "/properties/propertyId/maxLength"
    assert c.breaking
    assert c.message.startswith('maxLength of "propertyId" lowered from 64 to 32')
    assert c.has_witness and len(c.witness["propertyId"]) > 32
    assert _valid(BASE, c.witness) and not _valid(
        _with(propertyId={"type": "string", "maxLength": 32}), c.witness
    )


def test_max_length_raised_is_not_breaking() -> None:
    c = _only(BASE, _with(propertyId={"type": "string", "maxLength": 128}))
    assert (c.kind, c.breaking, c.has_witness) == ("max_length_raised", False, False)
    assert c.message == 'maxLength of "propertyId" raised from 64 to 128'


def test_optional_property_added_to_closed_object() -> None:
    c = _only(BASE, _with(note={"type": "string"}))
    assert (c.kind, c.pointer, c.breaking) == ("property_added", "/properties/note", False)
    assert c.message == 'added optional property "note"'


def test_property_added_to_open_object_is_breaking_and_says_why() -> None:
    old = {k: v for k, v in BASE.items() if k != "additionalProperties"}
    new = {**old, "properties": {**old["properties"], "note": {"type": "string"}}}
    c = _only(old, new)
    assert (c.kind, c.breaking) == ("property_added", True)
    assert "open object" in c.message
    assert c.has_witness and not isinstance(c.witness["note"], str)


def test_required_added() -> None:
    new = {**BASE, "required": ["propertyId", "channel"]}
    c = _only(BASE, new)
    assert (c.kind, c.pointer, c.breaking) == ("property_required", "/required", True)
    assert c.message.startswith('property "channel" is now required')
    assert c.has_witness and "channel" not in c.witness


def test_required_removed() -> None:
    c = _only(BASE, {**BASE, "required": []})
    assert (c.kind, c.breaking) == ("property_optional", False)
    assert c.message == 'property "propertyId" is no longer required'


def test_property_removed_from_closed_object() -> None:
    props = {k: v for k, v in BASE["properties"].items() if k != "amount"}
    c = _only(BASE, {**BASE, "properties": props})
    assert (c.kind, c.pointer, c.breaking) == ("property_removed", "/properties/amount", True)
    assert c.has_witness and "amount" in c.witness


def test_enum_value_removed_and_added() -> None:
    report = compare(BASE, _with(channel={"enum": ["email", "push"]}))
    kinds = {(c.kind, c.breaking) for c in report.changes}
    assert kinds == {("enum_value_removed", True), ("enum_value_added", False)}
    removed = next(c for c in report.changes if c.kind == "enum_value_removed")
    assert removed.message.startswith('value "sms" of "channel" is no longer allowed')
    assert removed.witness["channel"] == "sms"


def test_type_narrowed_and_widened() -> None:
    narrowed = _only(BASE, _with(amount={"type": "integer", "minimum": 0}))
    assert (narrowed.kind, narrowed.breaking) == ("type_narrowed", True)
    assert narrowed.message.startswith('type of "amount" narrowed from number to integer')
    assert narrowed.has_witness and not float(narrowed.witness["amount"]).is_integer()
    widened = _only(BASE, _with(amount={"type": ["number", "null"], "minimum": 0}))
    assert (widened.kind, widened.breaking) == ("type_widened", False)


def test_bound_kinds_cover_every_numeric_keyword() -> None:
    cases = {
        "minimum": ({"minimum": 0}, {"minimum": 1}, "minimum_raised"),
        "maximum": ({"maximum": 10}, {"maximum": 5}, "maximum_lowered"),
        "exclusiveMinimum": ({}, {"exclusiveMinimum": 0}, "exclusive_minimum_added"),
        "exclusiveMaximum": ({"exclusiveMaximum": 3}, {}, "exclusive_maximum_removed"),
        "multipleOf": ({"multipleOf": 2}, {"multipleOf": 4}, "multiple_of_raised"),
    }
    for kw, (before, after, kind) in cases.items():
        c = _only({"type": "number", **before}, {"type": "number", **after})
        assert c.kind == kind, kw
        assert kw in c.message
        assert c.breaking == (not kind.endswith("_removed"))


def test_description_change_is_an_annotation_change() -> None:
    c = _only(BASE, {**BASE, "description": "favourited properties"})
    assert (c.kind, c.pointer, c.breaking) == ("description_added", "/description", False)
    assert "annotation" in c.message


ANNOTATION_KINDS = {
    "title": "title_added",
    "examples": "examples_added",
    "default": "default_added",
    "deprecated": "deprecated_added",
    "readOnly": "read_only_added",
    "writeOnly": "write_only_added",
    "$comment": "comment_added",
    "example": "example_added",
    "discriminator": "discriminator_added",
    "xml": "xml_added",
    "externalDocs": "external_docs_added",
}


@pytest.mark.parametrize("kw", sorted(ANNOTATION_KINDS))
def test_annotations_never_break(kw: str) -> None:
    value: Any = {"propertyName": "channel"} if kw == "discriminator" else "x"
    report = compare(BASE, _with(channel={"enum": ["email", "sms"], kw: value}))
    assert report.compatible
    assert [c.kind for c in report.changes] == [ANNOTATION_KINDS[kw]]


def test_unknown_keyword_is_reported_as_harmless() -> None:
    c = _only(BASE, {**BASE, "x-owner": "team-a"})
    assert (c.kind, c.breaking) == ("unknown_keyword_changed", False)
    assert "nothing is refused" in c.message


def test_unprovable_change_says_could_not_prove() -> None:
    old = {"type": "string", "pattern": "^[a-z]+(-[a-z]+)*$"}
    new = {"type": "string", "pattern": "^(?!-)[a-z-]+$"}
    report = compare(old, new)
    assert not report.compatible
    c = report.breaking_changes[0]
    assert c.kind == "pattern_changed"
    assert "could not prove" in c.message


def test_format_added_is_breaking_only_when_the_validator_checks_it() -> None:
    checked = _only({"type": "string"}, {"type": "string", "format": "uuid"})
    assert (checked.kind, checked.breaking) == ("format_added", True)
    assert checked.has_witness
    unchecked = _only({"type": "string"}, {"type": "string", "format": "x-phone"})
    assert (unchecked.kind, unchecked.breaking) == ("format_added", False)
    assert "does not check this format" in unchecked.message


def test_every_breaking_witness_is_verified() -> None:
    new = {
        **BASE,
        "properties": {
            "propertyId": {"type": "string", "maxLength": 8, "pattern": "^[a-z]+$"},
            "channel": {"const": "email"},
            "amount": {"type": "integer", "minimum": 1, "maximum": 100},
        },
        "required": ["propertyId", "channel"],
    }
    report = compare(BASE, new)
    assert not report.compatible
    assert len(report.breaking_changes) >= 5
    for c in report.changes:
        if c.has_witness:
            assert c.breaking and _valid(BASE, c.witness) and not _valid(new, c.witness), c


def test_to_dict_carries_the_witness_only_when_present() -> None:
    report = compare(BASE, _with(propertyId={"type": "string", "maxLength": 32}))
    body = report.changes[0].to_dict()
    assert set(body) == {"kind", "path", "breaking", "message", "witness"}
    relaxed = compare(BASE, _with(propertyId={"type": "string"})).changes[0].to_dict()
    assert "witness" not in relaxed


def test_kinds_are_stable_snake_case() -> None:
    pairs = [
        (BASE, _with(note={"type": "string"})),
        (BASE, {**BASE, "required": ["channel"]}),
        ({"anyOf": [{"type": "string"}, {"type": "integer"}]}, {"anyOf": [{"type": "string"}]}),
        (
            {"oneOf": [{"type": "string"}, {"type": "integer"}]},
            {"oneOf": [{"type": "string"}, {"type": "number"}]},
        ),
        (
            {"type": "array", "items": {"type": "string"}},
            {"type": "array", "items": {"type": "string"}, "maxItems": 3},
        ),
        ({"type": "object"}, {"type": "object", "dependentRequired": {"a": ["b"]}}),
        ({"type": "string"}, {"type": "string", "not": {"const": "x"}}),
        ({"type": "object"}, {"type": "object", "if": {"required": ["a"]}, "then": {"required": ["b"]}}),
    ]
    for old, new in pairs:
        for c in compare(old, new).changes:
            assert c.kind and c.kind == c.kind.lower() and " " not in c.kind and "-" not in c.kind, c
            assert c.pointer == "" or c.pointer.startswith("/"), c
            assert c.message and (c.message[0].islower() or c.message[0] == '"'), c


def test_asserting_keyword_list_matches_the_installed_validator() -> None:
    assert frozenset(Draft202012Validator.VALIDATORS) == ASSERTING_KEYWORDS


def test_format_checkers_only_constrain_strings() -> None:
    # The checker treats "format" as a string keyword: a format added to a non-string type is
    # judged harmless. That is only true if every installed checker accepts non-strings.
    checker = format_checker()
    for fmt in checker.checkers:
        for value in (None, True, 0, 1.5, [], {}):
            assert checker.conforms(value, fmt), (fmt, value)


def test_format_samples_are_valid_for_asserted_formats() -> None:
    checker = format_checker()
    for fmt, samples in FORMAT_SAMPLES.items():
        if fmt in checker.checkers:
            assert any(checker.conforms(s, fmt) for s in samples), fmt


def test_schemas_the_validator_cannot_finish_are_never_judged_compatible() -> None:
    # {"not": {"$ref": "#"}} refers to itself in place: the validator recurses without end.
    paradox = {"not": {"$ref": "#"}}
    for old, new in (({"type": "string"}, paradox), (paradox, {}), ({"$ref": "#"}, {"type": "string"})):
        report = compare(old, new)
        assert not report.compatible
        assert "could not prove" in report.changes[0].message


def test_float_divisor_is_not_proved_for_unbounded_integers() -> None:
    # jsonschema divides the payload by a float divisor; an int past the float range makes that
    # division raise, so an old payload of 10**400 (fine for "integer") is refused by the new one.
    huge = 10**400
    assert _valid({"type": "integer"}, huge)
    with pytest.raises(OverflowError):
        _valid({"multipleOf": 0.5}, huge)
    for old, new in (
        ({"type": "integer"}, {"multipleOf": 0.5}),
        ({"type": "number", "multipleOf": 6}, {"multipleOf": 1.5}),
    ):
        assert not compare(old, new).compatible
    # bounded old values, or an old float divisor (which already refused such ints), are fine
    assert compare({"type": "integer", "minimum": -5, "maximum": 100}, {"multipleOf": 0.5}).compatible
    assert compare({"type": "integer", "multipleOf": 0.5}, {"multipleOf": 0.25}).compatible


def test_recursion_through_the_payload_is_fine() -> None:
    node = {
        "type": "object",
        "properties": {"v": {"type": "integer"}, "next": {"$ref": "#"}},
        "required": ["v"],
    }
    wider = {**node, "properties": {"v": {"type": "number"}, "next": {"$ref": "#"}}}
    assert compare(node, wider).compatible
    narrowed = compare(wider, node)
    assert not narrowed.compatible
    deep = [c for c in narrowed.changes if c.has_witness and "next" in c.witness]
    assert deep, "the change is also found one level down the recursion, with a nested witness"


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(
    st.one_of(
        st.text(max_size=20),
        st.from_regex(
            r"\A[a-z]{1,5}:(//[a-z.]{1,8})?(/[a-z%0-9]{0,4}){0,3}(\?[a-z=&]{0,6})?(#[a-z]{0,4})?\Z"
        ),
        st.from_regex(r"\A[a-z.]{0,6}@[a-z.@]{0,6}\Z"),
        st.from_regex(r"\A[a-zé?\"]{0,6}@[a-zé.\[\]0-9]{0,9}\Z"),
        st.from_regex(r"\A(https?:)?//(\[[0-9a-fv:.]{0,12}\]|[a-zé.]{0,5})(/[a-zé(%0-9]{0,4}){0,2}\Z"),
    )
)
def test_format_implications_hold_for_the_installed_checkers(value: str) -> None:
    checker = format_checker()  # the validator's own (rules/formats.py), not jsonschema's stock one
    for fmt, implied in FORMAT_IMPLIES.items():
        if fmt in checker.checkers and checker.conforms(value, fmt):
            for other in implied:
                assert other in checker.checkers and checker.conforms(value, other), (value, fmt, other)
