"""cty msgpack/JSON codec: round trips for every type, null and unknown at any depth, wire details."""

from __future__ import annotations

from decimal import Decimal

import msgpack
import pytest

from platformxe.tfplugin import (
    BOOL,
    DYNAMIC,
    NUMBER,
    STRING,
    UNKNOWN,
    ElementKey,
    List,
    Map,
    Object,
    Set,
    Tuple,
    is_known,
    with_type,
)
from platformxe.tfplugin.codec import (
    CodecError,
    decode_json,
    decode_msgpack,
    encode_json,
    encode_msgpack,
    infer_type,
)
from platformxe.tfplugin.cty import TypedDict, TypedList, type_from_json

NESTED = Object(
    {
        "s": STRING,
        "n": NUMBER,
        "b": BOOL,
        "l": List(STRING),
        "set": Set(NUMBER),
        "m": Map(List(BOOL)),
        "o": Object({"inner": STRING, "deep": List(Object({"x": NUMBER}))}, optional=["deep"]),
        "t": Tuple([STRING, NUMBER, BOOL]),
        "d": DYNAMIC,
    }
)

ROUND_TRIPS = [
    (STRING, "héllo ✓"),
    (STRING, ""),
    (NUMBER, 0),
    (NUMBER, -42),
    (NUMBER, 2**63 - 1),
    (NUMBER, -(2**63)),
    (NUMBER, 2**64 + 1),  # beyond int64 and not an exact float: sent as decimal text
    (NUMBER, 2**70),  # beyond int64, exact float64
    (NUMBER, 1.5),
    (NUMBER, Decimal("0.1000000000000000000000000001")),
    (NUMBER, float("inf")),
    (BOOL, True),
    (BOOL, False),
    (List(STRING), []),
    (List(STRING), ["a", "b"]),
    (Set(STRING), ["x", "y"]),
    (Map(NUMBER), {}),
    (Map(NUMBER), {"a": 1, "b": 2.5}),
    (Tuple([STRING, NUMBER]), ["a", 1]),
    (Object({}), {}),
    (
        NESTED,
        {
            "s": "x",
            "n": 3,
            "b": False,
            "l": ["a"],
            "set": [1, 2],
            "m": {"k": [True, False]},
            "o": {"inner": "i", "deep": [{"x": 1}, {"x": 2}]},
            "t": ["a", 1, True],
            "d": "plain string",
        },
    ),
]


@pytest.mark.parametrize(("cty_type", "value"), ROUND_TRIPS, ids=lambda v: repr(v)[:40])
def test_msgpack_round_trip(cty_type, value):
    assert decode_msgpack(encode_msgpack(value, cty_type), cty_type) == value


@pytest.mark.parametrize(
    ("cty_type", "value"), [rt for rt in ROUND_TRIPS if rt[1] != float("inf")], ids=lambda v: repr(v)[:40]
)
def test_json_round_trip(cty_type, value):
    assert decode_json(encode_json(value, cty_type), cty_type) == value


@pytest.mark.parametrize(
    "cty_type", [STRING, NUMBER, BOOL, DYNAMIC, List(STRING), Set(NUMBER), Map(BOOL), NESTED, Tuple([STRING])]
)
def test_null_and_unknown_of_every_type(cty_type):
    assert encode_msgpack(None, cty_type) == b"\xc0"
    assert decode_msgpack(b"\xc0", cty_type) is None
    assert encode_msgpack(UNKNOWN, cty_type) == b"\xd4\x00\x00"  # what cty writes for unknown
    assert decode_msgpack(b"\xd4\x00\x00", cty_type) is UNKNOWN


def test_null_and_unknown_at_every_depth():
    value = {
        "s": None,
        "n": UNKNOWN,
        "b": None,
        "l": ["a", UNKNOWN, None],
        "set": UNKNOWN,
        "m": {"k": [UNKNOWN], "n": None},
        "o": {"inner": UNKNOWN, "deep": [{"x": None}, {"x": UNKNOWN}, UNKNOWN]},
        "t": [None, UNKNOWN, True],
        "d": UNKNOWN,
    }
    decoded = decode_msgpack(encode_msgpack(value, NESTED), NESTED)
    assert decoded == value
    assert decoded["o"]["deep"][1]["x"] is UNKNOWN
    assert not is_known(decoded)


def test_missing_object_attributes_encode_and_decode_as_null():
    typ = Object({"a": STRING, "b": NUMBER})
    assert decode_msgpack(encode_msgpack({"a": "x"}, typ), typ) == {"a": "x", "b": None}
    assert decode_msgpack(msgpack.packb({"a": "x"}), typ) == {"a": "x", "b": None}


def test_any_extension_is_unknown_including_refined_unknowns():
    refined = msgpack.packb(msgpack.ExtType(12, msgpack.packb({1: True, 2: "prefix-"})))
    assert decode_msgpack(refined, STRING) is UNKNOWN
    inside = msgpack.packb({"a": msgpack.ExtType(12, b"\x81\x01\xc3"), "b": "x"})
    assert decode_msgpack(inside, Object({"a": NUMBER, "b": STRING})) == {"a": UNKNOWN, "b": "x"}


def test_numbers_arrive_as_int_float_or_decimal_text():
    assert decode_msgpack(msgpack.packb(7), NUMBER) == 7
    assert decode_msgpack(msgpack.packb(0.25), NUMBER) == 0.25
    assert decode_msgpack(msgpack.packb(float(2**70)), NUMBER) == 2**70
    assert isinstance(decode_msgpack(msgpack.packb(float(2**70)), NUMBER), int)
    assert (
        decode_msgpack(msgpack.packb("123456789012345678901234567890"), NUMBER)
        == 123456789012345678901234567890
    )
    assert decode_msgpack(msgpack.packb("1.00000000000000000001"), NUMBER) == Decimal(
        "1.00000000000000000001"
    )
    with pytest.raises(CodecError, match="expected a number"):
        decode_msgpack(msgpack.packb("twelve"), NUMBER)


def test_numbers_are_encoded_like_cty():
    assert msgpack.unpackb(encode_msgpack(5.0, NUMBER)) == 5  # integral float -> msgpack int
    assert isinstance(msgpack.unpackb(encode_msgpack(5.0, NUMBER)), int)
    assert msgpack.unpackb(encode_msgpack(2**64 + 1, NUMBER)) == str(2**64 + 1)
    assert msgpack.unpackb(encode_msgpack(Decimal("0.1000000000000000000000000001"), NUMBER)) == (
        "0.1000000000000000000000000001"
    )
    with pytest.raises(CodecError, match="NaN"):
        encode_msgpack(float("nan"), NUMBER)


def test_dynamic_is_a_type_value_pair_and_keeps_its_type():
    wire = msgpack.packb([b'["list","string"]', ["a", "b"]], use_bin_type=True)
    value = decode_msgpack(wire, DYNAMIC)
    assert value == ["a", "b"]
    assert isinstance(value, TypedList)
    assert value.cty_type == List(STRING)
    # back to Terraform with the same type, not as a tuple
    assert msgpack.unpackb(encode_msgpack(value, DYNAMIC), raw=False)[0] == b'["list","string"]'
    # a plain Python value gets an inferred type
    pair = msgpack.unpackb(encode_msgpack({"k": [1, "x"]}, DYNAMIC), raw=False)
    assert type_from_json(pair[0]) == Object({"k": Tuple([NUMBER, STRING])})
    # with_type picks the type explicitly
    pair = msgpack.unpackb(encode_msgpack(with_type({"a": "1"}, Map(STRING)), DYNAMIC), raw=False)
    assert pair[0] == b'["map","string"]'


def test_dynamic_in_json_state():
    text = b'{"value":{"a":[1,2]},"type":["object",{"a":["list","number"]}]}'
    value = decode_json(text, DYNAMIC)
    assert value == {"a": [1, 2]}
    assert isinstance(value, TypedDict)
    assert decode_json(encode_json(value, DYNAMIC), DYNAMIC) == value


def test_json_cannot_hold_unknown():
    with pytest.raises(CodecError, match="unknown values cannot be stored as JSON"):
        encode_json({"a": UNKNOWN}, Object({"a": STRING}))


def test_json_keeps_precision_of_long_decimals():
    typ = Object({"n": NUMBER})
    assert decode_json(b'{"n": 0.1000000000000000000000000001}', typ)["n"] == Decimal(
        "0.1000000000000000000000000001"
    )
    assert decode_json(b'{"n": 2.5}', typ)["n"] == 2.5


def test_json_can_ignore_attributes_the_schema_dropped():
    typ = Object({"a": STRING})
    with pytest.raises(CodecError, match="unsupported attribute 'gone'"):
        decode_json(b'{"a":"x","gone":1}', typ)
    assert decode_json(b'{"a":"x","gone":1}', typ, ignore_undefined_attributes=True) == {"a": "x"}


@pytest.mark.parametrize(
    ("cty_type", "value", "where", "message"),
    [
        (Object({"a": STRING}), {"a": 1}, ("a",), "expected a string, got int"),
        (Object({"a": NUMBER}), {"a": True}, ("a",), "expected a number, got bool"),
        (Object({"a": BOOL}), {"a": "yes"}, ("a",), "expected a bool, got str"),
        (Object({"a": List(STRING)}), {"a": ["x", 2]}, ("a", 1), "expected a string"),
        (Object({"m": Map(STRING)}), {"m": {"k": 1}}, ("m", ElementKey("k")), "expected a string"),
        (Object({"a": STRING}), {"b": "x"}, (), "unsupported attribute 'b'"),
        (Tuple([STRING]), ["a", "b"], (), "list of 1 elements for a tuple"),
        (List(STRING), "abc", (), "expected a list"),
    ],
)
def test_encoding_errors_name_the_attribute_path(cty_type, value, where, message):
    with pytest.raises(CodecError, match=message) as info:
        encode_msgpack(value, cty_type)
    assert info.value.path == where


def test_decoding_errors_name_the_attribute_path():
    typ = Object({"outer": Object({"n": NUMBER})})
    with pytest.raises(CodecError) as info:
        decode_msgpack(msgpack.packb({"outer": {"n": "abc"}}), typ)
    assert info.value.path == ("outer", "n")
    assert str(info.value).startswith("outer.n:")
    with pytest.raises(CodecError, match="not valid msgpack"):
        decode_msgpack(b"\xc1", STRING)


@pytest.mark.parametrize(
    "cty_type",
    [
        STRING,
        DYNAMIC,
        List(Map(NUMBER)),
        Set(BOOL),
        Object({"a": STRING, "b": List(NUMBER)}, optional=["b"]),
        Tuple([STRING, Object({})]),
    ],
)
def test_type_json_round_trip(cty_type):
    assert type_from_json(cty_type.type_json()) == cty_type


def test_type_json_spelling():
    assert Object({"b": NUMBER, "a": STRING}, optional=["b"]).type_json() == (
        b'["object",{"a":"string","b":"number"},["b"]]'
    )
    with pytest.raises(ValueError, match="malformed type JSON"):
        type_from_json(b'["list"]')


def test_infer_type():
    assert infer_type({"a": [1, "x"], "b": None, "c": True}) == Object(
        {"a": Tuple([NUMBER, STRING]), "b": DYNAMIC, "c": BOOL}
    )
    assert infer_type(frozenset({"a", "b"})) == Set(STRING)


def test_unknown_refuses_truth_testing():
    with pytest.raises(TypeError, match="unknown until apply"):
        bool(UNKNOWN)
