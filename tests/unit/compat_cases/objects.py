"""Cases: properties, required, additional/pattern/unevaluated properties, names, dependencies, sizes."""

from __future__ import annotations

from compat_cases.common import I, N, S, bad, obj, ok

EVENT = obj(
    {"propertyId": {"type": "string", "maxLength": 64}, "channel": {"enum": ["email", "sms"]}}, ["propertyId"]
)
CLOSED = obj(
    {"propertyId": {"type": "string"}, "channel": {"enum": ["email", "sms"]}}, ["propertyId"], closed=True
)

CASES = [
    ok(
        "closed-add-optional-property",
        CLOSED,
        obj({**CLOSED["properties"], "note": S}, ["propertyId"], closed=True),
        "old payloads never carried note",
    ),
    bad(
        "open-add-typed-property",
        EVENT,
        obj({**EVENT["properties"], "note": S}, ["propertyId"]),
        "an open object already accepted note with any value",
        {"propertyId": "p", "note": 5},
    ),
    ok(
        "open-add-unconstrained-property",
        EVENT,
        obj({**EVENT["properties"], "note": {}}, ["propertyId"]),
        "a property schema accepting anything refuses nothing",
    ),
    ok(
        "open-remove-property",
        EVENT,
        obj({"propertyId": EVENT["properties"]["propertyId"]}, ["propertyId"]),
        "the removed key is still allowed as an undeclared property",
    ),
    bad(
        "closed-remove-property",
        CLOSED,
        obj({"propertyId": S}, ["propertyId"], closed=True),
        "channel now refused by additionalProperties false",
        {"propertyId": "p", "channel": "sms"},
    ),
    bad(
        "required-added",
        EVENT,
        {**EVENT, "required": ["propertyId", "channel"]},
        "channel may be missing",
        {"propertyId": "p"},
    ),
    ok("required-removed", EVENT, {**EVENT, "required": []}, "relaxed"),
    ok(
        "required-added-already-required-via-allof",
        {"allOf": [EVENT, {"required": ["channel"]}]},
        {**EVENT, "required": ["propertyId", "channel"]},
        "old already required channel (allOf)",
    ),
    bad(
        "close-open-object",
        EVENT,
        {**EVENT, "additionalProperties": False},
        "undeclared keys refused",
        {"propertyId": "p", "extra": 1},
    ),
    ok(
        "open-closed-object",
        CLOSED,
        {k: v for k, v in CLOSED.items() if k != "additionalProperties"},
        "relaxed",
    ),
    ok(
        "additional-widened",
        {"type": "object", "additionalProperties": S},
        {"type": "object", "additionalProperties": {"type": ["string", "number"]}},
        "values widened",
    ),
    bad(
        "additional-narrowed",
        {"type": "object", "additionalProperties": S},
        {"type": "object", "additionalProperties": I},
        "string values refused",
        {"x": "s"},
    ),
    bad(
        "pattern-properties-added-open",
        {"type": "object"},
        {"type": "object", "patternProperties": {"^x-": S}},
        "x-keys with non-string values refused",
        {"x-a": 1},
    ),
    ok(
        "pattern-properties-added-closed",
        CLOSED,
        {**CLOSED, "patternProperties": {"^x-": S}},
        "closed old objects never had x- keys",
    ),
    ok(
        "pattern-properties-widened",
        {"type": "object", "patternProperties": {"^x-": S}},
        {"type": "object", "patternProperties": {"^x-": {"type": ["string", "null"]}}},
        "widened",
    ),
    bad(
        "pattern-properties-narrowed",
        {"type": "object", "patternProperties": {"^x-": S}},
        {"type": "object", "patternProperties": {"^x-": {"type": "string", "maxLength": 2}}},
        "long values refused",
        {"x-a": "abc"},
    ),
    bad(
        "closed-pattern-removed",
        {"type": "object", "patternProperties": {"^x-": S}, "additionalProperties": False},
        {"type": "object", "additionalProperties": False},
        "x- keys now refused",
        {"x-a": "s"},
    ),
    bad(
        "property-names-added-open",
        {"type": "object"},
        {"type": "object", "propertyNames": {"maxLength": 3}},
        "long key refused",
        {"abcd": 1},
    ),
    ok(
        "property-names-relaxed",
        {"type": "object", "propertyNames": {"maxLength": 3}},
        {"type": "object", "propertyNames": {"maxLength": 5}},
        "relaxed",
    ),
    ok(
        "property-names-added-closed",
        CLOSED,
        {**CLOSED, "propertyNames": {"pattern": "^[a-zA-Z]+$"}},
        "every declared name matches",
    ),
    bad(
        "property-names-added-closed-bad",
        CLOSED,
        {**CLOSED, "propertyNames": {"maxLength": 7}},
        "propertyId is 10 characters",
        {"propertyId": "p"},
    ),
    bad(
        "unevaluated-false-added",
        EVENT,
        {**EVENT, "unevaluatedProperties": False},
        "undeclared keys refused",
        {"propertyId": "p", "zzz": 1},
    ),
    ok(
        "unevaluated-allof-property-added",
        {"allOf": [{"properties": {"a": S}}], "unevaluatedProperties": False},
        {"allOf": [{"properties": {"a": S, "b": I}}], "unevaluatedProperties": False},
        "old payloads have only a",
    ),
    ok(
        "unevaluated-to-additional",
        {"type": "object", "properties": {"a": S}, "unevaluatedProperties": False},
        {"type": "object", "properties": {"a": S}, "additionalProperties": False},
        "same effect without in-place applicators",
    ),
    bad(
        "dependent-required-added",
        {"type": "object"},
        {"type": "object", "dependentRequired": {"a": ["b"]}},
        "a without b refused",
        {"a": 1},
    ),
    ok(
        "dependent-required-removed",
        {"type": "object", "dependentRequired": {"a": ["b"]}},
        {"type": "object"},
        "relaxed",
    ),
    ok(
        "dependent-required-already-required",
        obj({"a": S, "b": S}, ["b"]),
        {**obj({"a": S, "b": S}, ["b"]), "dependentRequired": {"a": ["b"]}},
        "b always present",
    ),
    bad(
        "dependent-schemas-added",
        {"type": "object"},
        {"type": "object", "dependentSchemas": {"a": {"required": ["b"]}}},
        "a without b refused",
        {"a": 1},
    ),
    ok(
        "dependent-schemas-relaxed",
        {"type": "object", "dependentSchemas": {"a": {"required": ["b", "c"]}}},
        {"type": "object", "dependentSchemas": {"a": {"required": ["b"]}}},
        "weaker consequence",
    ),
    ok(
        "min-properties-covered-by-required",
        obj({"a": S, "b": S}, ["a", "b"]),
        {**obj({"a": S, "b": S}, ["a", "b"]), "minProperties": 2},
        "two required keys",
    ),
    ok(
        "max-properties-closed",
        obj({"a": S, "b": S}, closed=True),
        {**obj({"a": S, "b": S}, closed=True), "maxProperties": 2},
        "at most two possible keys",
    ),
    bad(
        "max-properties-open",
        obj({"a": S}),
        {**obj({"a": S}), "maxProperties": 1},
        "two keys refused",
        {"a": "x", "b": 1},
    ),
    bad(
        "nested-type-narrowed",
        obj({"address": obj({"zip": {"type": ["string", "integer"]}})}),
        obj({"address": obj({"zip": S})}),
        "integer zip refused",
        {"address": {"zip": 12345}},
    ),
    ok(
        "nested-closed-property-added",
        obj({"address": obj({"zip": S}, closed=True)}),
        obj({"address": obj({"zip": S, "city": S}, closed=True)}),
        "closed nested object",
    ),
    ok("property-made-nullable", obj({"note": S}), obj({"note": {"type": ["string", "null"]}}), "widened"),
    bad("property-number-to-integer", obj({"price": N}), obj({"price": I}), "12.5 refused", {"price": 12.5}),
    ok(
        "property-false-to-anything",
        obj({"legacy": False}),
        obj({"legacy": {}}),
        "old payloads never carried legacy",
    ),
    bad(
        "property-true-to-false",
        obj({"legacy": True}),
        obj({"legacy": False}),
        "legacy refused",
        {"legacy": 1},
    ),
    ok(
        "property-names-enum-closed-universe",
        {"type": "object", "propertyNames": {"enum": ["a", "b"]}},
        {"type": "object", "propertyNames": {"enum": ["a", "b"]}, "maxProperties": 2},
        "only two possible keys",
    ),
    ok(
        "required-on-non-object", S, {"type": "string", "required": ["a"]}, "required applies to objects only"
    ),
    ok(
        "closed-pattern-added-disjoint",
        {"type": "object", "patternProperties": {"^x-": S}, "additionalProperties": False},
        {"type": "object", "patternProperties": {"^x-": S, "^y-": I}, "additionalProperties": False},
        "no key starts with both x- and y-, so old keys never meet the new pattern",
    ),
    ok(
        "open-pattern-narrowed-by-additional",
        {"type": "object", "patternProperties": {"^x-": S}, "additionalProperties": False},
        {"type": "object", "patternProperties": {"^x": S}, "additionalProperties": False},
        "every x- key also matches ^x",
    ),
    ok(
        "pattern-property-narrower-than-old-pattern",
        {"type": "object", "patternProperties": {"id": I}},
        {"type": "object", "patternProperties": {"^order_id$": N}},
        "every key matching ^order_id$ contains 'id', so its old value was already an integer",
    ),
    ok(
        "pattern-property-inside-old-pattern-past-catchall",
        {"type": "object", "patternProperties": {"^x_": I}, "additionalProperties": S},
        {"type": "object", "patternProperties": {"^x_[a-z]+$": N}},
        "keys like x_abc always matched ^x_, so the string catch-all never applied to them",
    ),
    bad(
        "pattern-property-escapes-old-pattern",
        {"type": "object", "patternProperties": {"id": I}},
        {"type": "object", "patternProperties": {"^order_key$": N}},
        "order_key has no 'id' in it: the old open object took any value for it",
        {"order_key": "x"},
    ),
    ok(
        "anchored-pattern-ignores-trailing-newline",
        {"type": "object", "properties": {"code": S}},
        {"type": "object", "properties": {"code": S}, "patternProperties": {"^code$": S}},
        "ECMA-262 '$' is the end of input: '^code$' matches the key 'code' only, already a string",
    ),
]
