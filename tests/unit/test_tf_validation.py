"""Offline validation of platformxe_custom_event configurations: attribute paths and seed codes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from platformxe.terraform.custom_event.validate import validate_event_config
from platformxe.tfplugin.cty import UNKNOWN

GOOD_SCHEMA = json.dumps({"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]})


def cfg(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "namespace": "lettings",
        "name": "property.favorited",
        "version": "1.0.0",
        "payload_schema": GOOD_SCHEMA,
        "payload_example": None,
        "description": None,
        "status": None,
        "on_destroy": None,
    }
    values.update(overrides)
    return values


def found(values: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """(path, code) of every problem."""
    return [(d.path, d.code) for d in validate_event_config(values)]


def test_a_good_configuration_has_no_problem() -> None:
    assert (
        validate_event_config(cfg(payload_example='{"id": "p1"}', status="draft", on_destroy="retain")) == []
    )


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"namespace": "Lettings"}, [(("namespace",), "invalid_namespace")]),
        ({"namespace": "auth"}, [(("namespace",), "reserved_namespace")]),
        ({"namespace": "platformxe", "name": "generic"}, [(("name",), "cannot_register_generic_event")]),
        ({"name": "x"}, [(("name",), "invalid_name")]),
        ({"version": "1.0.0-rc.1"}, [(("version",), "invalid_version_format")]),
        ({"payload_schema": "{not json"}, [(("payload_schema",), "invalid_json_schema")]),
        ({"payload_example": '{"id": 5}'}, [(("payload_example",), "payload_example_does_not_match_schema")]),
        ({"payload_example": "{oops"}, [(("payload_example",), "payload_example_does_not_match_schema")]),
        ({"payload_example": "null"}, [(("payload_example",), "payload_example_does_not_match_schema")]),
        ({"payload_example": " null\n"}, [(("payload_example",), "payload_example_does_not_match_schema")]),
        ({"status": "deleted"}, [(("status",), "invalid_request")]),
        ({"on_destroy": "keep"}, [(("on_destroy",), "invalid_request")]),
    ],
)
def test_each_rule_names_its_attribute_and_code(overrides: dict[str, Any], expected: list[Any]) -> None:
    assert found(cfg(**overrides)) == expected


def test_schema_caps_and_metaschema_problems_carry_the_json_pointer_in_the_detail() -> None:
    deep: dict[str, Any] = {"type": "string"}
    for _ in range(6):
        deep = {"type": "object", "properties": {"x": deep}}
    [problem] = validate_event_config(cfg(payload_schema=json.dumps(deep)))
    assert problem.path == ("payload_schema",) and problem.code == "schema_too_deep"
    wide = {"type": "object", "properties": {f"p{i}": {"type": "string"} for i in range(51)}}
    [problem] = validate_event_config(cfg(payload_schema=json.dumps(wide)))
    assert problem.code == "schema_too_wide"
    bad_type = {"type": "object", "properties": {"a": {"type": "strin"}}}
    [problem] = validate_event_config(cfg(payload_schema=json.dumps(bad_type)))
    assert problem.code == "invalid_json_schema"
    assert "/properties/a/type" in problem.detail
    assert "payload_schema" in problem.detail and "payloadSchema" not in problem.detail


def test_every_problem_is_reported_at_once() -> None:
    codes = {code for _, code in found(cfg(namespace="A", name="B", version="1", payload_schema="["))}
    assert codes == {"invalid_namespace", "invalid_name", "invalid_version_format", "invalid_json_schema"}


def test_unknown_values_are_not_judged_but_the_rest_is() -> None:
    assert found(cfg(namespace=UNKNOWN, name=UNKNOWN, version=UNKNOWN, payload_schema=UNKNOWN)) == []
    assert found(cfg(namespace=UNKNOWN, version="bad")) == [(("version",), "invalid_version_format")]
    # With the schema unknown, an example can still be refused for not being JSON, never for the schema.
    assert found(cfg(payload_schema=UNKNOWN, payload_example='{"id": 5}')) == []
    assert found(cfg(payload_schema=UNKNOWN, payload_example="{x")) == [
        (("payload_example",), "payload_example_does_not_match_schema")
    ]


def test_openapi_30_nullable_is_refused_with_a_hint() -> None:
    [problem] = validate_event_config(cfg(payload_schema=json.dumps({"type": "object", "nullable": True})))
    assert problem.code == "invalid_json_schema" and '"null"' in problem.detail


def test_a_json_null_example_is_refused_with_the_way_out() -> None:
    (problem,) = validate_event_config(cfg(payload_example="null"))
    assert problem.path == ("payload_example",)
    assert "Omit payload_example" in problem.detail
    # a string example that merely contains "null" is judged by the schema as usual
    assert validate_event_config(cfg(payload_example='{"id": "null"}')) == []


@pytest.mark.parametrize(
    ("attribute", "code"),
    [("payload_example", "payload_example_does_not_match_schema"), ("payload_schema", "invalid_json_schema")],
)
def test_text_that_is_not_json_is_said_to_be_not_json(attribute: str, code: str) -> None:
    [problem] = validate_event_config(cfg(**{attribute: '{"id": "p1",}'}))
    assert (problem.path, problem.code) == ((attribute,), code)
    assert problem.summary == f"{attribute} is not valid JSON"
    assert "jsonencode" in problem.detail
