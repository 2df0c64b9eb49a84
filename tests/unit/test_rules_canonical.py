"""RFC 8785 canonical JSON, the schema hash and description stripping (the patch rule's basis)."""

from __future__ import annotations

import hashlib
import json

import pytest

from platformxe.rules import canonical_json, schema_hash, strip_descriptions
from platformxe.rules.canonical import CanonicalJsonError


def test_key_order_and_whitespace_do_not_change_the_hash() -> None:
    a = json.loads('{"type": "object", "properties": {"b": {"type": "string"}, "a": {"type": "integer"}}}')
    b = json.loads('{"properties":{"a":{"type":"integer"},"b":{"type":"string"}},"type":"object"}')
    assert canonical_json(a) == canonical_json(b)
    assert schema_hash(a) == schema_hash(b)


def test_canonical_form_is_rfc8785() -> None:
    # Keys sorted by UTF-16 code units, no whitespace, numbers in ECMAScript form.
    assert canonical_json({"b": 1.0, "a": [True, None, "é"], "c": 1e21}) == (
        '{"a":[true,null,"é"],"b":1,"c":1e+21}'.encode()
    )


def test_hash_is_sha256_hex_of_canonical_bytes() -> None:
    schema = {"type": "string"}
    assert schema_hash(schema) == hashlib.sha256(b'{"type":"string"}').hexdigest()
    assert len(schema_hash(schema)) == 64


def test_different_schemas_hash_differently() -> None:
    assert schema_hash({"type": "string"}) != schema_hash({"type": "integer"})


@pytest.mark.parametrize(
    ("value", "pointer"),
    [
        ({"maximum": 2**60}, "/maximum"),
        ({"enum": [1, -(2**53)]}, "/enum/1"),
        ({"x": float("nan")}, "/x"),
        ({"x": float("inf")}, "/x"),
    ],
)
def test_numbers_without_exact_canonical_form_raise_a_clear_error(value: object, pointer: str) -> None:
    with pytest.raises(CanonicalJsonError) as info:
        canonical_json(value)
    assert info.value.pointer == pointer
    assert isinstance(info.value, ValueError)


def test_largest_safe_integer_is_fine() -> None:
    assert canonical_json(2**53 - 1) == b"9007199254740991"


def test_strip_descriptions_removes_keyword_positions_only() -> None:
    schema = {
        "description": "root",
        "type": "object",
        "properties": {
            "description": {"type": "string", "description": "a property named description"},
            "tags": {"type": "array", "items": {"description": "tag", "type": "string"}},
        },
        "$defs": {"x": {"description": "defs", "allOf": [{"description": "branch"}]}},
        "enum": [{"description": "data stays"}],
        "default": {"description": "data stays"},
        "examples": [{"description": "data stays"}],
        "const": {"description": "data stays"},
    }
    assert strip_descriptions(schema) == {
        "type": "object",
        "properties": {
            "description": {"type": "string"},
            "tags": {"type": "array", "items": {"type": "string"}},
        },
        "$defs": {"x": {"allOf": [{}]}},
        "enum": [{"description": "data stays"}],
        "default": {"description": "data stays"},
        "examples": [{"description": "data stays"}],
        "const": {"description": "data stays"},
    }


def test_strip_descriptions_does_not_mutate_and_handles_booleans() -> None:
    schema = {"description": "d", "additionalProperties": False, "not": True}
    assert strip_descriptions(schema) == {"additionalProperties": False, "not": True}
    assert schema == {"description": "d", "additionalProperties": False, "not": True}
    assert strip_descriptions(True) is True
