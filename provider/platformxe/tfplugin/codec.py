"""cty values on the wire: msgpack (every DynamicValue Terraform sends) and JSON (stored state).

Decoding always takes the schema type, because lists, sets and tuples (and maps and objects)
look the same on the wire. Conventions of cty's msgpack encoding that matter here:

* null is msgpack nil; an unknown value is *any* msgpack extension (type 0 for a plain unknown,
  type 12 carries refinements such as "not null" or a string prefix). Unknowns are decoded to
  :data:`~platformxe.tfplugin.cty.UNKNOWN` (refinements are dropped) and encoded as extension 0.
* numbers arrive as msgpack ints, floats, or decimal strings (numbers too big or too precise
  for int64/float64). Integral values decode to ``int``, others to ``float`` or ``Decimal``.
* a ``dynamic`` value is a two-element array ``[type JSON bytes, value]``; null and unknown
  dynamic values are sent bare.

Encoding is strict: a wrong Python type raises :class:`CodecError` naming the attribute path,
so a provider bug becomes a clear diagnostic instead of an "invalid plan" from Terraform.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import msgpack

from platformxe.tfplugin.cty import (
    BOOL,
    DYNAMIC,
    NUMBER,
    STRING,
    UNKNOWN,
    CtyType,
    List,
    Map,
    Object,
    Primitive,
    Set,
    Tuple,
    TypedDict,
    TypedList,
    type_from_json,
)
from platformxe.tfplugin.diagnostics import AttributePath, ElementKey, format_path

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1


class CodecError(ValueError):
    """A value does not match its Terraform type; ``path`` says where."""

    def __init__(self, path: AttributePath, message: str) -> None:
        where = format_path(path) or "(whole value)"
        super().__init__(f"{where}: {message}")
        self.path = path
        self.message = message


def _describe(value: Any) -> str:
    return "UNKNOWN" if value is UNKNOWN else type(value).__name__


# ---------------------------------------------------------------------------------------------
# msgpack


def decode_msgpack(data: bytes, cty_type: CtyType) -> Any:
    """Decode cty msgpack bytes of type ``cty_type`` into plain Python values."""
    try:
        raw = msgpack.unpackb(data, raw=False, strict_map_key=False, ext_hook=_any_extension_is_unknown)
    except (ValueError, msgpack.UnpackException) as exc:
        raise CodecError((), f"not valid msgpack: {exc}") from exc
    return _from_wire(raw, cty_type, (), dynamic_json=False)


def encode_msgpack(value: Any, cty_type: CtyType) -> bytes:
    """Encode a plain Python value of type ``cty_type`` as cty msgpack."""
    wire = _to_wire(value, cty_type, (), for_json=False)
    packed: bytes = msgpack.packb(wire, use_bin_type=True, default=_pack_unknown)
    return packed


def _any_extension_is_unknown(code: int, data: bytes) -> Any:
    # Extension 0 is a plain unknown, 12 a refined one; cty defines no other meaning.
    return UNKNOWN


def _pack_unknown(obj: Any) -> Any:
    if obj is UNKNOWN:
        # fixext1, type 0, payload 0: the exact bytes cty writes for an unknown value.
        return msgpack.ExtType(0, b"\x00")
    raise TypeError(f"cannot encode {type(obj).__name__}")


# ---------------------------------------------------------------------------------------------
# JSON (state as stored by Terraform)


def decode_json(data: bytes | str, cty_type: CtyType, *, ignore_undefined_attributes: bool = False) -> Any:
    """Decode Terraform's JSON value encoding (state files); unknowns cannot occur there.

    ``ignore_undefined_attributes`` drops object attributes the type does not know, which is
    what upgrading a state written by an older schema with extra attributes needs.
    """
    try:
        raw = json.loads(data, parse_float=_json_number)
    except ValueError as exc:
        raise CodecError((), f"not valid JSON: {exc}") from exc
    return _from_wire(raw, cty_type, (), dynamic_json=True, lenient=ignore_undefined_attributes)


def encode_json(value: Any, cty_type: CtyType) -> bytes:
    """Encode a wholly known value as Terraform's JSON value encoding."""
    wire = _to_wire(value, cty_type, (), for_json=True)
    return _dump_json(wire).encode()


def _dump_json(wire: Any) -> str:
    # json.dumps cannot write a Decimal as a number without losing digits; do it by hand.
    if isinstance(wire, Decimal):
        return format(wire, "f")
    if isinstance(wire, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{_dump_json(v)}" for k, v in wire.items()) + "}"
    if isinstance(wire, list):
        return "[" + ",".join(_dump_json(v) for v in wire) + "]"
    return json.dumps(wire)


def _json_number(text: str) -> float | Decimal:
    as_float = float(text)
    exact = Decimal(text)
    # Keep full precision only where a float would change the number.
    return as_float if math.isfinite(as_float) and Decimal(as_float) == exact else exact


# ---------------------------------------------------------------------------------------------
# wire structure -> Python values


def _from_wire(
    raw: Any, cty_type: CtyType, path: AttributePath, *, dynamic_json: bool, lenient: bool = False
) -> Any:
    if raw is None or raw is UNKNOWN:
        return raw
    if isinstance(cty_type, Primitive):
        if cty_type.name == "dynamic":
            return _dynamic_from_wire(raw, path, dynamic_json=dynamic_json, lenient=lenient)
        return _primitive_from_wire(raw, cty_type, path)
    if isinstance(cty_type, (List, Set)):
        if not isinstance(raw, list):
            raise CodecError(path, f"expected a {cty_type.to_json()[0]}, got {_describe(raw)}")
        return [
            _from_wire(item, cty_type.element, (*path, i), dynamic_json=dynamic_json, lenient=lenient)
            for i, item in enumerate(raw)
        ]
    if isinstance(cty_type, Tuple):
        if not isinstance(raw, list) or len(raw) != len(cty_type.elements):
            raise CodecError(path, f"expected a tuple of {len(cty_type.elements)} elements")
        return [
            _from_wire(item, et, (*path, i), dynamic_json=dynamic_json, lenient=lenient)
            for i, (item, et) in enumerate(zip(raw, cty_type.elements, strict=True))
        ]
    if isinstance(cty_type, Map):
        if not isinstance(raw, dict):
            raise CodecError(path, f"expected a map, got {_describe(raw)}")
        return {
            str(k): _from_wire(
                v, cty_type.element, (*path, ElementKey(str(k))), dynamic_json=dynamic_json, lenient=lenient
            )
            for k, v in raw.items()
        }
    if isinstance(cty_type, Object):
        if not isinstance(raw, dict):
            raise CodecError(path, f"expected an object, got {_describe(raw)}")
        extra = [k for k in raw if k not in cty_type.attributes]
        if extra and not lenient:
            raise CodecError(path, f"unsupported attribute {extra[0]!r}")
        # cty fills attributes missing on the wire with null; do the same.
        return {
            name: _from_wire(raw.get(name), at, (*path, name), dynamic_json=dynamic_json, lenient=lenient)
            for name, at in cty_type.attributes.items()
        }
    raise CodecError(path, f"unsupported type {cty_type!r}")


def _primitive_from_wire(raw: Any, cty_type: Primitive, path: AttributePath) -> Any:
    if cty_type.name == "string":
        if isinstance(raw, str):
            return raw
        raise CodecError(path, f"expected a string, got {_describe(raw)}")
    if cty_type.name == "bool":
        if isinstance(raw, bool):
            return raw
        raise CodecError(path, f"expected a bool, got {_describe(raw)}")
    # number
    if isinstance(raw, bool):
        raise CodecError(path, "expected a number, got bool")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        # cty sends integers as msgpack ints unless they exceed int64: integral floats are big ints.
        return int(raw) if raw.is_integer() else raw
    if isinstance(raw, Decimal):
        return int(raw) if raw == raw.to_integral_value() else raw
    if isinstance(raw, str):
        try:
            number = Decimal(raw)
        except InvalidOperation as exc:
            raise CodecError(path, f"expected a number, got the string {raw!r}") from exc
        if not number.is_finite():
            return float(number)
        return int(number) if number == number.to_integral_value() else number
    raise CodecError(path, f"expected a number, got {_describe(raw)}")


def _dynamic_from_wire(raw: Any, path: AttributePath, *, dynamic_json: bool, lenient: bool) -> Any:
    if dynamic_json:
        if not isinstance(raw, dict) or set(raw) != {"value", "type"}:
            raise CodecError(path, 'a dynamic value in JSON must be {"value": ..., "type": ...}')
        spec, inner = raw["type"], raw["value"]
    else:
        if not isinstance(raw, list) or len(raw) != 2:
            raise CodecError(path, "a dynamic value must be a [type, value] pair")
        spec, inner = raw
    try:
        actual = type_from_json(spec)
    except ValueError as exc:
        raise CodecError(path, str(exc)) from exc
    value = _from_wire(inner, actual, path, dynamic_json=dynamic_json, lenient=lenient)
    if isinstance(value, list):
        return TypedList(value, actual)
    if isinstance(value, dict):
        return TypedDict(value, actual)
    return value


# ---------------------------------------------------------------------------------------------
# Python values -> wire structure


def _to_wire(value: Any, cty_type: CtyType, path: AttributePath, *, for_json: bool) -> Any:
    if value is None:
        return None
    if value is UNKNOWN:
        if for_json:
            raise CodecError(path, "unknown values cannot be stored as JSON")
        return UNKNOWN
    if isinstance(cty_type, Primitive):
        if cty_type.name == "dynamic":
            actual = infer_type(value, path)
            inner = _to_wire(value, actual, path, for_json=for_json)
            if for_json:
                return {"value": inner, "type": actual.to_json()}
            return [actual.type_json(), inner]
        return _primitive_to_wire(value, cty_type, path, for_json=for_json)
    if isinstance(cty_type, (List, Set)):
        if isinstance(cty_type, List) and isinstance(value, (set, frozenset)):
            raise CodecError(path, f"expected a list (Python list), got {_describe(value)}")
        if not isinstance(value, (list, tuple, set, frozenset)):
            raise CodecError(
                path, f"expected a {cty_type.to_json()[0]} (Python list), got {_describe(value)}"
            )
        return [_to_wire(v, cty_type.element, (*path, i), for_json=for_json) for i, v in enumerate(value)]
    if isinstance(cty_type, Tuple):
        if not isinstance(value, (list, tuple)) or len(value) != len(cty_type.elements):
            raise CodecError(path, f"expected a list of {len(cty_type.elements)} elements for a tuple")
        return [
            _to_wire(v, t, (*path, i), for_json=for_json)
            for i, (v, t) in enumerate(zip(value, cty_type.elements, strict=True))
        ]
    if isinstance(cty_type, Map):
        if not isinstance(value, Mapping):
            raise CodecError(path, f"expected a map (Python dict), got {_describe(value)}")
        out = {}
        for key in sorted(value):
            if not isinstance(key, str):
                raise CodecError(path, f"map keys must be strings, got {_describe(key)}")
            out[key] = _to_wire(value[key], cty_type.element, (*path, ElementKey(key)), for_json=for_json)
        return out
    if isinstance(cty_type, Object):
        if not isinstance(value, Mapping):
            raise CodecError(path, f"expected an object (Python dict), got {_describe(value)}")
        extra = sorted(str(k) for k in value if k not in cty_type.attributes)
        if extra:
            raise CodecError(
                path, f"unsupported attribute {extra[0]!r}; the type has {sorted(cty_type.attributes)}"
            )
        return {
            name: _to_wire(value.get(name), cty_type.attributes[name], (*path, name), for_json=for_json)
            for name in sorted(cty_type.attributes)
        }
    raise CodecError(path, f"unsupported type {cty_type!r}")


def _primitive_to_wire(value: Any, cty_type: Primitive, path: AttributePath, *, for_json: bool) -> Any:
    if cty_type.name == "string":
        if isinstance(value, str):
            return value
        raise CodecError(path, f"expected a string, got {_describe(value)}")
    if cty_type.name == "bool":
        if isinstance(value, bool):
            return value
        raise CodecError(path, f"expected a bool, got {_describe(value)}")
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise CodecError(path, f"expected a number, got {_describe(value)}")
    return _number_to_wire(value, path, for_json=for_json)


def _number_to_wire(value: int | float | Decimal, path: AttributePath, *, for_json: bool) -> Any:
    if isinstance(value, float):
        if math.isnan(value):
            raise CodecError(path, "NaN is not a Terraform number")
        if for_json and math.isinf(value):
            raise CodecError(path, "infinite numbers cannot be stored as JSON")
        if value.is_integer() and _INT64_MIN <= value <= _INT64_MAX:
            return int(value)
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise CodecError(path, f"{value} is not a Terraform number")
        if value == value.to_integral_value():
            value = int(value)
        elif Decimal(float(value)) == value:
            return float(value)
        else:
            return value if for_json else format(value, "f")
    if _INT64_MIN <= value <= _INT64_MAX or for_json:
        return value
    # Beyond int64: cty sends exact float64s as floats and everything else as decimal text.
    as_float = float(value)
    return as_float if int(as_float) == value else str(value)


def infer_type(value: Any, path: AttributePath = ()) -> CtyType:
    """The Terraform type a plain value gets in a ``dynamic`` slot.

    Values decoded from Terraform keep their exact type (:class:`TypedList`/:class:`TypedDict`);
    otherwise lists become tuples, dicts objects, Python sets sets.
    """
    if isinstance(value, (TypedList, TypedDict)):
        return value.cty_type
    if value is None or value is UNKNOWN:
        return DYNAMIC
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, str):
        return STRING
    if isinstance(value, (int, float, Decimal)):
        return NUMBER
    if isinstance(value, Mapping):
        return Object({str(k): infer_type(v, (*path, str(k))) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return Tuple(infer_type(v, (*path, i)) for i, v in enumerate(value))
    if isinstance(value, (set, frozenset)):
        kinds = {infer_type(v, path) for v in value}
        if len(kinds) > 1:
            raise CodecError(path, "a set's elements must all have one type")
        return Set(kinds.pop() if kinds else DYNAMIC)
    raise CodecError(path, f"{type(value).__name__} has no Terraform type")
