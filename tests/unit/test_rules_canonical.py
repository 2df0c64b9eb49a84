"""RFC 8785 canonical JSON, the schema hash and description stripping (the patch rule's basis)."""

from __future__ import annotations

import hashlib
import json

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

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


# The canonical form is written by the standard library's C encoder where that gives RFC 8785's
# bytes exactly (rules/canonical._fast_form); these hold it to the rfc8785 package's output.
_ODD_TEXT = st.text(
    alphabet=st.characters(codec="utf-8")
    | st.sampled_from(["\x00", "\x1f", "\x7f", "\b", '"', "\\", "\u2028", "\ufeff", "\U0001f600", "\ue000"]),
    max_size=8,
)
_NUMBERS = (
    st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([0.0, -0.0, 1.0, -2.5, 1e-4, 9.999e-5, 1e16, 1e21, 1e-7, 0.1, 123456.789, 5e-324])
)
_JSON = st.recursive(
    st.none() | st.booleans() | _NUMBERS | _ODD_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_ODD_TEXT, inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=400, deadline=None)
@given(_JSON)
def test_the_fast_canonical_form_is_byte_for_byte_rfc8785(value: object) -> None:
    assert canonical_json(value) == rfc8785.dumps(value)


@pytest.mark.parametrize(
    "value",
    [
        {"\U0001f600": 1, "\ue000": 2, "a": 3},  # UTF-16 order puts the astral key first
        [1.0, -0.0, 1e21, 1e-7, 2.5, 0.0001],
        {"s": 'tab\tnul\x00 quote" back\\ del\x7f line\u2028'},
        [True, False, None, 2**53 - 1, -(2**53) + 1],
    ],
)
def test_values_the_fast_path_hands_over_still_get_rfc8785_bytes(value: object) -> None:
    assert canonical_json(value) == rfc8785.dumps(value)


def test_a_lone_surrogate_has_no_canonical_form() -> None:
    with pytest.raises(CanonicalJsonError):
        canonical_json({"a": "\ud800"})
