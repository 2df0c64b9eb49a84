"""Semantic JSON equality of the provider's JSON string attributes (payload_schema, payload_example)."""

from __future__ import annotations

import pytest

from platformxe.terraform.jsonvalue import (
    dump_json,
    parse_json_text,
    reconcile_json,
    same_json,
    same_json_value,
)

SCHEMA = '{"type": "object", "properties": {"a": {"type": "integer", "maximum": 10}}, "required": ["a"]}'


@pytest.mark.parametrize(
    "other",
    [
        '{"required":["a"],"properties":{"a":{"maximum":10,"type":"integer"}},"type":"object"}',
        '\n  {\n    "type" : "object",\n    "properties": {"a": {"type": "integer", "maximum": 10.0}},\n'
        '    "required": ["a"]\n  }\n',
        '{"type": "object", "properties": {"a": {"type": "integer", "maximum": 1e1}}, "required": ["a"]}',
        '{"type": "object", "properties": {"a": {"type": "integer", "maximum": 100E-1}}, "required": ["a"]}',
    ],
)
def test_formatting_key_order_and_number_spelling_are_not_changes(other: str) -> None:
    assert same_json(SCHEMA, other)


@pytest.mark.parametrize(
    "other",
    [
        '{"type": "object", "properties": {"a": {"type": "integer", "maximum": 11}}, "required": ["a"]}',
        '{"type": "object", "properties": {"a": {"type": "integer", "maximum": 10}}, "required": []}',
        '{"type": "object", "properties": {"a": {"type": "integer", "maximum": 10}}}',
        # array order is meaningful
        '{"type": "object", "properties": {"a": {"type": "integer", "maximum": 10}}, "required": ["a", "b"]}',
        '{"type": "object", "properties": {"a": {"type": "integer", "maximum": "10"}}, "required": ["a"]}',
    ],
)
def test_real_changes_are_changes(other: str) -> None:
    assert not same_json(SCHEMA, other)


def test_booleans_are_not_numbers() -> None:
    assert not same_json('{"x": true}', '{"x": 1}')
    assert not same_json('{"x": false}', '{"x": 0}')
    assert not same_json('{"x": null}', '{"x": false}')
    assert same_json("[true, null]", "[ true ,null ]")


def test_numbers_equal_as_doubles_are_the_same_number() -> None:
    # The registry and the RFC 8785 hash see doubles: these two spellings are one double.
    assert same_json("0.1", "0.1000000000000000055511151231257827")
    assert not same_json("0.1", "0.2")
    assert same_json("-0", "0")


def test_array_order_matters_and_nesting_is_compared() -> None:
    assert not same_json("[1, 2]", "[2, 1]")
    assert same_json('{"a": [{"b": 1, "c": 2}]}', '{"a": [{"c": 2.0, "b": 1}]}')


def test_null_attribute_only_equals_null() -> None:
    assert same_json(None, None)
    assert not same_json(None, "{}")
    assert not same_json("{}", None)


def test_text_that_is_not_json_is_compared_byte_for_byte() -> None:
    assert same_json("{not json", "{not json")
    assert not same_json("{not json", "{not  json")
    assert not same_json("NaN", "NaN ")


def test_parse_refuses_non_json_constants() -> None:
    with pytest.raises(ValueError):
        parse_json_text("NaN")


def test_parsed_values_compare_with_registry_values() -> None:
    # A state string (exact decimals) against a registry answer (ints and floats from json.loads).
    assert same_json_value(parse_json_text('{"max": 10.0, "min": 1e0}'), {"min": 1, "max": 10})
    assert not same_json_value(parse_json_text('{"flag": 1}'), {"flag": True})


def test_reconcile_keeps_prior_text_when_the_document_is_the_same() -> None:
    prior = '{\n  "type": "object"\n}\n'
    assert reconcile_json(prior, {"type": "object"}) is prior
    assert reconcile_json(prior, {"type": "string"}) == '{"type":"string"}'
    assert reconcile_json(None, {"b": 1, "a": [1.5]}) == '{"b":1,"a":[1.5]}'
    assert reconcile_json("{}", None) is None
    assert reconcile_json("not json", {"a": 1}) == '{"a":1}'


def test_dump_keeps_unicode_and_key_order() -> None:
    assert dump_json({"z": "é", "a": 1}) == '{"z":"é","a":1}'


def test_deeply_nested_documents_do_not_exhaust_recursion() -> None:
    deep = "[" * 5000 + "]" * 5000
    left = parse_json_text("[" * 900 + "1" + "]" * 900)
    right = parse_json_text("[" * 900 + "1.0" + "]" * 900)
    assert same_json_value(left, right)
    assert same_json(deep, deep)
