"""Cases: items, prefixItems, contains, array bounds, uniqueItems, unevaluatedItems."""

from __future__ import annotations

from compat_cases.common import I, N, S, bad, ok

TAGS = {"type": "array", "items": S}

CASES = [
    ok("items-widened", TAGS, {"type": "array", "items": {"type": ["string", "null"]}}, "widened"),
    bad("items-changed", TAGS, {"type": "array", "items": I}, "string items refused", ["a"]),
    ok("items-removed", TAGS, {"type": "array"}, "relaxed"),
    ok("min-items-lowered", {**TAGS, "minItems": 1}, {**TAGS, "minItems": 0}, "relaxed"),
    bad("min-items-raised", TAGS, {**TAGS, "minItems": 1}, "empty list refused", []),
    bad("max-items-lowered", {**TAGS, "maxItems": 10}, {**TAGS, "maxItems": 5}, "6 items refused", ["a"] * 6),
    ok(
        "max-items-from-closed-tuple",
        {"type": "array", "prefixItems": [S, I], "items": False},
        {"type": "array", "maxItems": 2},
        "a closed 2-tuple has at most 2 items",
    ),
    bad("unique-items-added", TAGS, {**TAGS, "uniqueItems": True}, "duplicates refused", ["a", "a"]),
    ok("unique-items-removed", {**TAGS, "uniqueItems": True}, TAGS, "relaxed"),
    ok(
        "unique-items-single-element",
        {**TAGS, "maxItems": 1},
        {**TAGS, "maxItems": 1, "uniqueItems": True},
        "a list of at most one item has no duplicates",
    ),
    ok(
        "prefix-items-widened",
        {"type": "array", "prefixItems": [S, I]},
        {"type": "array", "prefixItems": [S, N]},
        "widened",
    ),
    ok(
        "items-to-prefix-plus-items",
        TAGS,
        {"type": "array", "prefixItems": [S], "items": S},
        "the same constraint",
    ),
    bad(
        "prefix-closed",
        {"type": "array", "prefixItems": [S]},
        {"type": "array", "prefixItems": [S], "items": False},
        "a second item refused",
        ["a", 1],
    ),
    bad(
        "prefix-narrowed-first",
        {"type": "array", "prefixItems": [S, I]},
        {"type": "array", "prefixItems": [{"const": "a"}, I]},
        "first item 'b' refused",
        ["b", 1],
    ),
    bad(
        "contains-added",
        TAGS,
        {**TAGS, "contains": {"const": "primary"}},
        "lists without primary refused",
        [],
    ),
    ok(
        "contains-relaxed",
        {"type": "array", "contains": I},
        {"type": "array", "contains": N},
        "integer ⊂ number",
    ),
    bad(
        "min-contains-raised",
        {"type": "array", "contains": I},
        {"type": "array", "contains": I, "minContains": 2},
        "one integer refused",
        [1],
    ),
    bad(
        "max-contains-added",
        {"type": "array", "contains": {"const": 1}},
        {"type": "array", "contains": {"const": 1}, "maxContains": 1},
        "two ones refused",
        [1, 1],
    ),
    ok(
        "max-contains-within-max-items",
        {"type": "array", "maxItems": 1},
        {"type": "array", "contains": I, "minContains": 0, "maxContains": 1},
        "one item at most",
    ),
    ok(
        "contains-implied-by-items-and-min",
        {"type": "array", "items": I, "minItems": 1},
        {"type": "array", "contains": N},
        "a non-empty array of integers contains a number",
    ),
    bad(
        "unevaluated-items-false-added",
        {"type": "array", "prefixItems": [S]},
        {"type": "array", "prefixItems": [S], "unevaluatedItems": False},
        "a second item refused",
        ["a", "b"],
    ),
    ok(
        "unevaluated-items-false-to-items-false",
        {"type": "array", "prefixItems": [S], "unevaluatedItems": False},
        {"type": "array", "prefixItems": [S], "items": False},
        "same effect",
    ),
    ok(
        "items-on-non-array",
        S,
        {"type": "string", "items": I, "minItems": 3},
        "array keywords apply to arrays only",
    ),
    ok(
        "nested-array-of-objects-closed-add",
        {"type": "array", "items": {"type": "object", "properties": {"a": S}, "additionalProperties": False}},
        {
            "type": "array",
            "items": {"type": "object", "properties": {"a": S, "b": I}, "additionalProperties": False},
        },
        "closed items",
    ),
    bad(
        "nested-array-of-objects-required",
        {"type": "array", "items": {"type": "object", "properties": {"a": S}}},
        {"type": "array", "items": {"type": "object", "properties": {"a": S}, "required": ["a"]}},
        "item without a refused",
        [{}],
    ),
    ok(
        "unique-finite-items-bound",
        {"type": "array", "items": {"const": "a"}, "uniqueItems": True},
        {"type": "array", "maxItems": 1},
        "uniqueItems over a one-value item set allows one item",
    ),
    ok(
        "unique-enum-items-bound",
        {"type": "array", "items": {"enum": ["a", "b"]}, "uniqueItems": True},
        {"type": "array", "maxItems": 2, "uniqueItems": True},
        "at most two distinct values",
    ),
    bad(
        "inert-unevaluated-items-wakes-up",
        {"type": "array", "prefixItems": [S], "items": S, "unevaluatedItems": {"maxLength": 3}},
        {"type": "array", "prefixItems": [S], "unevaluatedItems": {"maxLength": 3}},
        "with items gone, the unchanged unevaluatedItems now applies from position 1",
        ["a", "abcd"],
    ),
    ok(
        "contains-met-by-required-prefix-slot",
        {"type": "array", "prefixItems": [{"type": "string", "minLength": 1}, I], "minItems": 2},
        {"type": "array", "contains": I},
        "every old array has at least two items and its second one is an integer",
    ),
    ok(
        "min-contains-met-by-prefix-and-tail",
        {"type": "array", "prefixItems": [I, S], "items": I, "minItems": 3},
        {"type": "array", "contains": I, "minContains": 2},
        "position 0 and position 2 (present in every old array) are integers",
    ),
    bad(
        "contains-prefix-slot-may-be-absent",
        {"type": "array", "prefixItems": [S, I]},
        {"type": "array", "contains": I},
        "the integer slot is optional: a short or empty array has no integer",
        ["x"],
    ),
]
