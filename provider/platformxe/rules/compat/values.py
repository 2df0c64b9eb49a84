"""JSON values as the checker sees them: instance kinds, equality, and keyword readings.

The bottom floor of the compatibility checker: nothing here knows about documents or pieces.
JSON Schema's ``number`` is split into integral values (``integer``; 1.0 counts) and
non-integral ones (``nonint``) so that integer ⊂ number is exact; equality follows the
validator (1 == 1.0 for ``enum``/``const``, but true != 1); numeric keyword values are read as
exact fractions.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

# Instance kinds. JSON Schema's "number" is the union of integral values (``integer``; 1.0
# counts) and non-integral ones (``nonint``); keeping them apart makes integer ⊂ number exact.
ALL_KINDS: frozenset[str] = frozenset({"null", "boolean", "object", "array", "string", "integer", "nonint"})


NUMERIC: frozenset[str] = frozenset({"integer", "nonint"})


TYPE_KINDS: dict[str, frozenset[str]] = {
    "null": frozenset({"null"}),
    "boolean": frozenset({"boolean"}),
    "object": frozenset({"object"}),
    "array": frozenset({"array"}),
    "string": frozenset({"string"}),
    "number": NUMERIC,
    "integer": frozenset({"integer"}),
}


# Keywords the Draft 2020-12 validator acts on (jsonschema's Draft202012Validator.VALIDATORS);
# everything else is an annotation or a location for $ref targets. A unit test keeps this list
# equal to the installed library's, without importing jsonschema here.
ASSERTING_KEYWORDS: frozenset[str] = frozenset(
    {
        "$dynamicRef", "$ref", "additionalProperties", "allOf", "anyOf", "const", "contains",
        "dependentRequired", "dependentSchemas", "enum", "exclusiveMaximum", "exclusiveMinimum",
        "format", "if", "items", "maxItems", "maxLength", "maxProperties", "maximum", "minItems",
        "minLength", "minProperties", "minimum", "multipleOf", "not", "oneOf", "pattern",
        "patternProperties", "prefixItems", "properties", "propertyNames", "required", "type",
        "unevaluatedItems", "unevaluatedProperties", "uniqueItems",
    }
)  # fmt: skip


# Keywords only read together with others (then/else with if, min/maxContains with contains).
DEPENDENT_KEYWORDS: frozenset[str] = frozenset({"then", "else", "minContains", "maxContains"})


# Structural keywords: they locate or identify schemas but constrain nothing by themselves.
STRUCTURAL_KEYWORDS: frozenset[str] = frozenset(
    {"$defs", "definitions", "$id", "$anchor", "$dynamicAnchor", "$schema", "$vocabulary"}
)


def kind_of(value: Any) -> str:
    """The instance kind of a JSON value, as the validator's ``type`` keyword sees it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "nonint"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def type_kinds(type_value: Any) -> frozenset[str] | None:
    """Kinds admitted by a ``type`` keyword value; None when the value is malformed."""
    names = type_value if isinstance(type_value, list) else [type_value]
    out: set[str] = set()
    for name in names:
        if not isinstance(name, str) or name not in TYPE_KINDS:
            return None
        out |= TYPE_KINDS[name]
    return frozenset(out)


def describe_kinds(kinds: frozenset[str]) -> str:
    """Kinds back in JSON Schema words: {'integer','nonint'} -> 'number'."""
    if kinds == ALL_KINDS:
        return "any type"
    names: list[str] = []
    rest = set(kinds)
    if rest >= NUMERIC:
        names.append("number")
        rest -= NUMERIC
    for k in ("null", "boolean", "object", "array", "string", "integer"):
        if k in rest:
            names.append(k)
    if "nonint" in rest:
        names.append("non-integer number")
    return " or ".join(names) if names else "nothing"


def strict_equal(a: Any, b: Any) -> bool:
    """JSON equality that keeps booleans, integers and floats apart (Python's == does not)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(strict_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(strict_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


_CHEAP = frozenset({"type", "enum", "const"})
_NEEDS_VALIDATOR = ASSERTING_KEYWORDS - _CHEAP


def cheap_valid(schema: Any, value: Any) -> bool | None:
    """Validity for schemas made only of type/enum/const (and annotations), without the
    validator; None when the schema needs the real validator."""
    if isinstance(schema, bool):
        return schema
    if not isinstance(schema, dict) or not _NEEDS_VALIDATOR.isdisjoint(schema):
        return None
    if "type" in schema:
        kinds = type_kinds(schema["type"])
        if kinds is None:
            return None
        if kind_of(value) not in kinds:
            return False
    if "const" in schema and not json_equal(value, schema["const"]):
        return False
    enum = schema.get("enum")
    if enum is not None:
        if not isinstance(enum, list):
            return None
        return in_enum(value, enum)
    return True


_ENUM_SETS: dict[int, tuple[list[Any], frozenset[Any], bool]] = {}


def _scalar_key(v: Any) -> Any:
    if isinstance(v, bool):
        return ("b", v)
    if isinstance(v, int | float):
        return ("n", v)  # 1 and 1.0 hash and compare equal, as the validator's enum wants
    if isinstance(v, str):
        return ("s", v)
    if v is None:
        return ("z",)
    return None


def in_enum(value: Any, enum: list[Any]) -> bool:
    """``value`` is among the enum's values (validator equality), with a hashed fast path."""
    entry = _ENUM_SETS.get(id(enum))
    if entry is None or entry[0] is not enum:
        keys = [_scalar_key(e) for e in enum]
        entry = (enum, frozenset(k for k in keys if k is not None), any(k is None for k in keys))
        if len(_ENUM_SETS) > 4096:
            _ENUM_SETS.clear()
        _ENUM_SETS[id(enum)] = entry
    key = _scalar_key(value)
    if key is not None:
        if key in entry[1]:
            return True
        if not entry[2]:
            return False
    return any(json_equal(value, e) for e in enum)


def json_equal(a: Any, b: Any) -> bool:
    """Equality as the validator's enum/const see it: 1 == 1.0, but true != 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def number(value: Any) -> Fraction | None:
    """A JSON number as an exact fraction (None for non-numbers, NaN or infinities)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return Fraction(value)
    except (ValueError, OverflowError):
        return None


def count(value: Any) -> int | None:
    """A non-negative integer keyword value (5 or 5.0), None when malformed."""
    f = number(value)
    if f is None or f.denominator != 1 or f < 0:
        return None
    return int(f)


def exact_multiple(d: Any) -> Fraction | None:
    """``multipleOf`` values the validator checks exactly, as fractions.

    jsonschema checks an integer divisor with ``%`` (exact) but a float divisor as
    ``int(x / d) == x / d`` in floating point, which is exact only for powers of two ≤ 1
    (dividing by them only shifts the exponent). Any other float (0.1, 0.01 …) makes the
    accepted set irregular — 0.35 passes multipleOf 0.01 but fails multipleOf 0.001 — so such
    divisors get no exact reading.
    """
    if isinstance(d, bool):
        return None
    if isinstance(d, int) and 0 < d <= 2**53:
        return Fraction(d)
    if isinstance(d, float) and 0 < d <= 1 and math.frexp(d)[0] == 0.5:
        return Fraction(d)
    return None
