"""Payload schemas: JSON parsing, flavour, metaschema, references, caps, payload validation and size."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from platformxe.rules import (
    MAX_PAYLOAD_BYTES,
    Code,
    SchemaFlavour,
    check_payload_size,
    check_schema,
    count_properties,
    detect_flavour,
    parse_json_field,
    schema_depth,
    validate_payload,
)
from platformxe.rules.metacheck import metaschema_clean
from platformxe.rules.walk import iter_schemas

SEED_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "propertyId": {"type": "string", "maxLength": 64},
        "subjectId": {"type": "string", "maxLength": 64},
        "favoritedAt": {"type": "string", "format": "date-time"},
    },
    "required": ["propertyId", "subjectId"],
    "additionalProperties": False,
}


def nested(levels: int) -> dict[str, Any]:
    """An object schema whose deepest subschema sits at ``levels`` (root = 1)."""
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(levels - 1):
        schema = {"type": "object", "properties": {"x": schema}}
    return schema


def wide(count: int) -> dict[str, Any]:
    return {"type": "object", "properties": {f"p{i}": {"type": "string"} for i in range(count)}}


# --- parse_json_field ---------------------------------------------------------------------


def test_parse_json_text_and_pass_through() -> None:
    assert parse_json_field('{"type": "object"}', "payloadSchema") == ({"type": "object"}, [])
    assert parse_json_field({"type": "object"}, "payloadSchema") == ({"type": "object"}, [])


@pytest.mark.parametrize(
    ("field", "code"),
    [
        ("payloadSchema", Code.INVALID_JSON_SCHEMA),
        ("payloadExample", Code.PAYLOAD_EXAMPLE_DOES_NOT_MATCH_SCHEMA),
        ("payload", Code.PAYLOAD_INVALID),
        ("other", Code.INVALID_REQUEST),
    ],
)
def test_parse_errors_carry_the_fields_code(field: str, code: Code) -> None:
    value, problems = parse_json_field('{"type": ', field)
    assert value is None
    assert [p.code for p in problems] == [code]
    assert problems[0].field == field
    assert "is not valid JSON" in problems[0].message
    assert "line 1 column" in problems[0].message


@pytest.mark.parametrize(("text", "reason"), [('{"a": 1, "a": 2}', "appears twice"), ('{"a": NaN}', "NaN")])
def test_ambiguous_json_is_refused(text: str, reason: str) -> None:
    _, problems = parse_json_field(text, "payloadSchema")
    assert reason in problems[0].message


# --- flavour ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "flavour"),
    [
        (SEED_SCHEMA, SchemaFlavour.JSON_SCHEMA_2020_12),
        ({"$schema": "https://json-schema.org/draft/2020-12/schema"}, SchemaFlavour.JSON_SCHEMA_2020_12),
        ({"$schema": "https://spec.openapis.org/oas/3.1/dialect/base"}, SchemaFlavour.OPENAPI_3_1),
        ({"$schema": "https://spec.openapis.org/oas/3.1/dialect/2024-10-25"}, SchemaFlavour.OPENAPI_3_1),
        ({"type": "object", "discriminator": {"propertyName": "kind"}}, SchemaFlavour.OPENAPI_3_1),
        ({"properties": {"a": {"type": "string", "example": "x"}}}, SchemaFlavour.OPENAPI_3_1),
        ({"items": {"xml": {"name": "item"}}}, SchemaFlavour.OPENAPI_3_1),
        ({"$defs": {"a": {"externalDocs": {"url": "https://example.com"}}}}, SchemaFlavour.OPENAPI_3_1),
        # A *property* called "example" is not the keyword; nor is data inside enum/const.
        ({"properties": {"example": {"type": "string"}}}, SchemaFlavour.JSON_SCHEMA_2020_12),
        ({"const": {"discriminator": 1}}, SchemaFlavour.JSON_SCHEMA_2020_12),
    ],
)
def test_detect_flavour(schema: dict[str, Any], flavour: SchemaFlavour) -> None:
    assert detect_flavour(schema) is flavour


# --- check_schema -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "schema",
    [
        SEED_SCHEMA,
        {"$schema": "https://json-schema.org/draft/2020-12/schema#", "type": "object"},
        {"$schema": "https://spec.openapis.org/oas/3.1/dialect/base", "type": "object", "example": {}},
        {"type": "object", "properties": {"a": {"$ref": "#/$defs/a"}}, "$defs": {"a": {"type": "string"}}},
        {"$defs": {"a": {"$anchor": "addr", "type": "string"}}, "properties": {"b": {"$ref": "#addr"}}},
        {"$id": "https://example.com/event", "properties": {"n": {"$ref": "#/$defs/n"}}, "$defs": {"n": {}}},
        {"type": "object", "properties": {"tree": {"$ref": "#"}}},
        {"type": "object", "patternProperties": {"^x-": {"type": "string"}}},
        {"type": "object", "properties": {"a": {"type": ["string", "null"]}}},
        {},
    ],
)
def test_good_schemas_have_no_problems(schema: dict[str, Any]) -> None:
    assert check_schema(schema) == []


def _only(problems: list[Any], code: Code) -> Any:
    assert [p.code for p in problems] == [code], [p.message for p in problems]
    return problems[0]


@pytest.mark.parametrize(
    ("schema", "pointer", "words"),
    [
        ({"type": "strin"}, "/type", '"type" at /type must be one of "array"'),
        ({"required": "a"}, "/required", '"required" at /required must be an array'),
        ({"properties": {"a": {"minLength": -1}}}, "/properties/a/minLength", "must be at least 0"),
        ({"properties": {"a": {"pattern": "("}}}, "/properties/a/pattern", "not a valid ECMA-262 regular"),
        ({"pattern": "(?P<n>x)"}, "/pattern", "(?<name>"),
        ({"pattern": "\\a"}, "/pattern", "not an ECMA-262 escape"),
        ({"patternProperties": {"[": {}}}, "/patternProperties", "not a valid ECMA-262 regular"),
        ({"$schema": "http://json-schema.org/draft-07/schema#"}, "/$schema", "only JSON Schema 2020-12"),
        ({"properties": {"a": {"$ref": "#/$defs/missing"}}}, "/properties/a/$ref", "points to nothing"),
        ({"properties": {"a": {"$ref": "#nowhere"}}}, "/properties/a/$ref", "points to nothing"),
        (
            {"properties": {"a": {"$ref": "https://example.com/s.json"}}},
            "/properties/a/$ref",
            "points outside",
        ),
        ({"$ref": "other.json#/x"}, "/$ref", "only local references"),
        ({"$ref": "https://json-schema.org/draft/2020-12/schema"}, "/$ref", "points outside"),
        ({"maximum": 2**60}, "/maximum", "2^53"),
        ({"if": {"$ref": "#"}}, "/if/$ref", "validation would never end"),
        ({"$ref": "#"}, "/$ref", "validation would never end"),
    ],
)
def test_invalid_json_schema_names_the_pointer(schema: dict[str, Any], pointer: str, words: str) -> None:
    problem = _only(check_schema(schema), Code.INVALID_JSON_SCHEMA)
    assert problem.pointer == pointer
    assert problem.field == "payloadSchema"
    assert words in problem.message


@pytest.mark.parametrize(
    ("schema", "hint"),
    [
        ({"type": "string", "nullable": True}, 'use "type": ["string", "null"]'),
        ({"nullable": True}, 'add "null" to "type"'),
        ({"type": "string", "nullable": False}, "remove it"),
    ],
)
def test_openapi_30_nullable_is_refused_with_a_hint(schema: dict[str, Any], hint: str) -> None:
    problem = _only(check_schema({"type": "object", "properties": {"a": schema}}), Code.INVALID_JSON_SCHEMA)
    assert problem.pointer == "/properties/a/nullable"
    assert "OpenAPI 3.0" in problem.message
    assert hint in problem.message


@pytest.mark.parametrize(
    ("root", "words"), [(True, "accepts every"), (False, "accepts no"), ([], "an array")]
)
def test_root_must_be_an_object(root: Any, words: str) -> None:
    problem = _only(check_schema(root), Code.INVALID_JSON_SCHEMA)
    assert words in problem.message
    assert problem.pointer == ""


def test_every_problem_is_reported_at_once() -> None:
    schema = {
        "type": "object",
        "nullable": True,
        "properties": {"a": {"type": "strin"}, "b": {"$ref": "#/$defs/x"}, **wide(50)["properties"]},
    }
    codes = [p.code for p in check_schema(schema)]
    assert codes.count(Code.INVALID_JSON_SCHEMA) == 3
    assert Code.SCHEMA_TOO_WIDE in codes


# --- caps -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "depth"),
    [
        ({}, 1),
        ({"type": "string"}, 1),
        ({"additionalProperties": False}, 1),  # boolean subschemas add no level
        (nested(2), 2),
        (nested(5), 5),
        ({"items": {"items": {"items": {}}}}, 4),
        ({"allOf": [{"anyOf": [{"not": {}}]}]}, 4),
        ({"$defs": {"a": {"properties": {"b": {}}}}}, 3),
        ({"if": {}, "then": {"prefixItems": [{}]}, "else": {}}, 3),
        ({"dependentSchemas": {"a": {"contains": {"propertyNames": {}}}}}, 4),
        ({"enum": [{"properties": {"a": {"properties": {}}}}]}, 1),  # data, not schemas
    ],
)
def test_schema_depth(schema: dict[str, Any], depth: int) -> None:
    assert schema_depth(schema) == depth


def test_depth_five_is_accepted_and_six_is_too_deep() -> None:
    assert check_schema(nested(5)) == []
    problem = _only(check_schema(nested(6)), Code.SCHEMA_TOO_DEEP)
    assert problem.pointer == "/properties/x/properties/x/properties/x/properties/x/properties/x"
    assert problem.details["depth"] == 6
    assert "at most 5 levels" in problem.message


def test_closing_the_deepest_object_is_not_a_level() -> None:
    schema = nested(5)
    schema["properties"]["x"]["properties"]["x"]["properties"]["x"]["additionalProperties"] = False
    assert check_schema(schema) == []


def test_hostile_depth_is_refused_without_crashing() -> None:
    schema: dict[str, Any] = {}
    for _ in range(400):
        schema = {"items": schema}
    problem = _only(check_schema(schema), Code.SCHEMA_TOO_DEEP)
    assert problem.details["depth"] == 401


@pytest.mark.parametrize(
    ("schema", "count"),
    [
        (SEED_SCHEMA, 3),
        (wide(50), 50),
        ({"properties": {"a": {"properties": {"b": {}, "c": {}}}}}, 3),
        ({"$defs": {"x": {"properties": {"a": {}}}}, "properties": {"a": {}}}, 2),
        ({"allOf": [{"properties": {"a": {}}}, {"properties": {"a": {}}}]}, 2),
        ({"properties": {"properties": {"type": "object"}}}, 1),
        ({"const": {"properties": {"a": 1, "b": 2}}}, 0),
    ],
)
def test_count_properties(schema: dict[str, Any], count: int) -> None:
    assert count_properties(schema) == count


def test_fifty_properties_accepted_fifty_one_too_wide() -> None:
    assert check_schema(wide(50)) == []
    nested_51 = wide(49)
    nested_51["properties"]["p0"] = {"type": "object", "properties": {"q1": {}, "q2": {}}}
    problem = _only(check_schema(nested_51), Code.SCHEMA_TOO_WIDE)
    assert problem.details["properties"] == 51
    assert "51 properties" in problem.message


# --- payload validation -------------------------------------------------------------------


def test_seed_payload_is_valid() -> None:
    payload = {"propertyId": "p_123", "subjectId": "sub_456", "favoritedAt": "2026-05-04T10:00:00Z"}
    assert validate_payload(SEED_SCHEMA, payload) == []


def test_every_error_is_reported_with_its_pointer() -> None:
    payload = {"propertyId": "x" * 65, "favoritedAt": "yesterday", "extra": 1}
    problems = validate_payload(SEED_SCHEMA, payload)
    assert {p.code for p in problems} == {Code.PAYLOAD_INVALID}
    by_pointer = {p.pointer: p for p in problems}
    assert set(by_pointer) == {"", "/propertyId", "/favoritedAt"}
    assert "is not a valid date-time" in by_pointer["/favoritedAt"].message
    assert 'rule "format"' in by_pointer["/favoritedAt"].message
    assert "payload/propertyId" in by_pointer["/propertyId"].message
    assert len(problems) == 4  # maxLength, format, required subjectId, additionalProperties


def test_field_and_code_are_the_callers() -> None:
    problems = validate_payload(
        SEED_SCHEMA, {}, field="payloadExample", code=Code.PAYLOAD_EXAMPLE_DOES_NOT_MATCH_SCHEMA
    )
    assert {(p.code, p.field) for p in problems} == {
        (Code.PAYLOAD_EXAMPLE_DOES_NOT_MATCH_SCHEMA, "payloadExample")
    }


@pytest.mark.parametrize(
    ("fmt", "good", "bad"),
    [
        ("date-time", "2026-05-04T10:00:00+02:00", "2026-05-04 10:00"),
        ("date-time", "1998-12-31T23:59:60Z", "2026-02-30T10:00:00Z"),
        ("date-time", "2026-05-04t10:00:00.123z", "2026-05-04T10:00:00Z\n"),
        ("date", "2024-02-29", "2023-02-29"),
        ("time", "10:00:00Z", "10:00:00"),
        ("email", "joe.bloggs@example.com", "joe..bloggs@example.com"),
        ("email", '"joe bloggs"@[192.0.2.1]', "no-at-sign"),
        ("uuid", "123e4567-e89b-12d3-a456-426614174000", "123e4567e89b12d3a456426614174000"),
        ("ipv4", "192.0.2.1", "192.0.2.256"),
        ("ipv6", "2001:db8::1", "2001:db8:::1"),
        ("hostname", "api.example.com", "-bad-.example.com"),
        ("hostname", "xn--bcher-kva.example", "ab--cd.example"),
        ("uri", "https://example.com/a?b=c", "not a uri"),
    ],
)
def test_formats_are_asserted(fmt: str, good: str, bad: str) -> None:
    schema = {"type": "string", "format": fmt}
    assert validate_payload(schema, good) == []
    problems = validate_payload(schema, bad)
    assert problems and problems[0].details["keyword"] == "format"
    assert f"is not a valid {fmt}" in problems[0].message


def test_formats_only_constrain_strings() -> None:
    assert validate_payload({"format": "date-time"}, 42) == []


def test_remote_refs_are_never_fetched() -> None:
    problems = validate_payload({"$ref": "http://127.0.0.1:9/never.json"}, {})
    assert [p.code for p in problems] == [Code.INVALID_JSON_SCHEMA]


@pytest.mark.parametrize(
    "schema",
    [
        {"if": {"$ref": "#"}},  # loops without consuming the payload
        {"properties": 5},  # not a JSON Schema at all (check_schema refuses it first)
        {"properties": {"a": {"pattern": "(?P<n>b)"}}},  # Python syntax, not an ECMA-262 pattern
    ],
)
def test_unusable_schemas_give_a_problem_not_an_exception(schema: dict[str, Any]) -> None:
    problems = validate_payload(schema, {"a": "b"})
    assert [p.code for p in problems] == [Code.INVALID_JSON_SCHEMA]
    assert check_schema(schema)


def test_many_errors_are_capped() -> None:
    problems = validate_payload({"type": "array", "items": {"type": "string"}}, list(range(150)))
    assert len(problems) == 101
    assert problems[-1].details["notListed"] == 50


def test_validator_cache_keeps_results_separate() -> None:
    a = {"type": "object", "required": ["a"]}
    b = {"required": ["a"], "type": "object"}  # same content, other key order: same cache entry
    assert validate_payload(a, {"a": 1}) == validate_payload(b, {"a": 1}) == []
    assert validate_payload({"type": "object", "required": ["b"]}, {"a": 1})


# --- payload size -------------------------------------------------------------------------


def _payload_of_size(size: int) -> dict[str, str]:
    overhead = len(json.dumps({"d": ""}, separators=(",", ":")))
    return {"d": "x" * (size - overhead)}


def test_payload_size_boundary() -> None:
    assert check_payload_size(_payload_of_size(MAX_PAYLOAD_BYTES)) == []
    problem = _only(check_payload_size(_payload_of_size(MAX_PAYLOAD_BYTES + 1)), Code.PAYLOAD_TOO_LARGE)
    assert problem.details == {"size": MAX_PAYLOAD_BYTES + 1, "maxSize": MAX_PAYLOAD_BYTES}
    assert "262,144 bytes" in problem.message


def test_payload_size_counts_utf8_bytes_not_characters() -> None:
    payload = {"d": "é" * (MAX_PAYLOAD_BYTES // 2)}  # each é is 2 bytes in UTF-8
    assert check_payload_size(payload)[0].code is Code.PAYLOAD_TOO_LARGE
    assert check_payload_size({"d": "é"}, field="payloadExample") == []


# --- fast metaschema pre-check ------------------------------------------------------------

SUITE = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "json-schema-test-suite"
ODD_VALUES: list[Any] = [
    -1,
    0,
    1.5,
    2.0,
    "x",
    "(",
    "#a",
    "a b",
    [],
    ["a", "a"],
    ["string"],
    [1],
    {},
    None,
    True,
]


def _suite_schemas() -> list[dict[str, Any]]:
    out = [SEED_SCHEMA]
    for path in sorted(SUITE.glob("*.json")):
        out += [
            g["schema"] for g in json.loads(path.read_text(encoding="utf-8")) if isinstance(g["schema"], dict)
        ]
    return out


def _mutants(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Copies of ``schema`` with one keyword value (at any schema position) replaced by an odd value."""
    out = []
    for node in iter_schemas(schema):
        if not isinstance(node.schema, dict):
            continue
        for key in node.schema:
            for value in ODD_VALUES:
                mutant = copy.deepcopy(schema)
                target: Any = mutant
                for token in node.pointer.split("/")[1:]:
                    token = token.replace("~1", "/").replace("~0", "~")
                    target = target[int(token)] if isinstance(target, list) else target[token]
                target[key] = value
                out.append(mutant)
    return out


def test_fast_precheck_never_passes_what_the_metaschema_refuses() -> None:
    """The pre-check may say "unsure" too often, never "clean" wrongly (every third suite schema)."""
    from jsonschema import Draft202012Validator

    from platformxe.rules.formats import format_checker

    # the registry's format checker: "pattern" values (format "regex") are ECMA-262
    meta = Draft202012Validator(Draft202012Validator.META_SCHEMA, format_checker=format_checker())
    schemas = _suite_schemas()
    assert len(schemas) > 300
    checked = 0
    for schema in schemas[::3]:
        for mutant in _mutants(schema):
            if metaschema_clean(mutant):
                checked += 1
                assert not list(meta.iter_errors(mutant)), json.dumps(mutant)[:200]
    assert checked > 500


def test_fast_precheck_accepts_valid_suite_schemas() -> None:
    """It is fast for real schemas: every metaschema-valid suite schema passes without the slow path."""
    from jsonschema import Draft202012Validator

    meta = Draft202012Validator(
        Draft202012Validator.META_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    for schema in _suite_schemas():
        if not list(meta.iter_errors(schema)):
            assert metaschema_clean(schema), json.dumps(schema)[:200]


def test_malformed_schemas_never_raise() -> None:
    """Mutated suite schemas (a sample) give problems, never exceptions, in every schema entry point."""
    for schema in _suite_schemas()[::12]:
        for mutant in _mutants(schema)[::3]:
            check_schema(mutant)
            detect_flavour(mutant)
            validate_payload(mutant, {"foo": [1, "x"], "bar": {}})


def test_backtracking_pattern_is_refused_quickly_not_stalled() -> None:
    # A tenant's pattern with overlapping repetition and an emitter's crafted string: Python's
    # re would take seconds (doubling per character); we refuse the value within the time limit.
    import time

    schema = {"type": "object", "properties": {"s": {"type": "string", "pattern": "^(a|a)*$"}}}
    started = time.perf_counter()
    problems = validate_payload(schema, {"s": "a" * 40 + "b"})
    elapsed = time.perf_counter() - started
    assert [p.code for p in problems] == [Code.PAYLOAD_INVALID]
    assert problems[0].pointer == "/s"
    assert "took longer than" in problems[0].message and "simplify the pattern" in problems[0].message
    assert elapsed < 5.0
    # ordinary values still match and mismatch as before
    assert validate_payload(schema, {"s": "aaaa"}) == []
    assert validate_payload(schema, {"s": "ab"})[0].code == Code.PAYLOAD_INVALID


def test_backtracking_pattern_property_name_is_refused_with_its_key() -> None:
    schema = {"type": "object", "patternProperties": {"^(a|a)*$": {"type": "integer"}}}
    problems = validate_payload(schema, {"a" * 40 + "b": 1, "aa": 2})
    assert len(problems) == 1 and problems[0].pointer == "/" + "a" * 40 + "b"
    assert validate_payload(schema, {"aa": "x"})[0].pointer == "/aa"
