"""Cases: allOf, anyOf, oneOf, not, if/then/else."""

from __future__ import annotations

from compat_cases.common import NULL, I, N, S, bad, obj, ok

KIND_A = obj({"kind": {"const": "a"}, "x": S}, ["kind"])
KIND_B = obj({"kind": {"const": "b"}, "y": I}, ["kind"])
KIND_C = obj({"kind": {"const": "c"}}, ["kind"])

CASES = [
    ok("anyof-branch-added", {"anyOf": [S, I]}, {"anyOf": [S, I, NULL]}, "one more alternative"),
    bad("anyof-branch-removed", {"anyOf": [S, I]}, {"anyOf": [S]}, "integers refused", 1),
    ok("anyof-to-type-union", {"anyOf": [S, I]}, {"type": ["string", "integer"]}, "the same set"),
    ok("type-union-to-anyof", {"type": ["string", "integer"]}, {"anyOf": [S, I]}, "split by kind"),
    ok(
        "anyof-branch-widened",
        {"anyOf": [{"type": "string", "maxLength": 3}, I]},
        {"anyOf": [S, I]},
        "widened",
    ),
    ok(
        "oneof-branch-widened-exclusive",
        {"oneOf": [S, I]},
        {"oneOf": [S, N]},
        "strings and numbers never overlap",
    ),
    bad(
        "oneof-branch-added-overlapping",
        {"oneOf": [S, I]},
        {"oneOf": [S, I, N]},
        "1 now matches two branches",
        1,
    ),
    ok(
        "oneof-discriminated-branch-added",
        {"oneOf": [KIND_A, KIND_B]},
        {"oneOf": [KIND_A, KIND_B, KIND_C]},
        "the new branch requires a kind no old payload has",
    ),
    bad(
        "oneof-discriminated-branch-removed",
        {"oneOf": [KIND_A, KIND_B]},
        {"oneOf": [KIND_A]},
        "kind b refused",
        {"kind": "b"},
    ),
    ok("single-to-oneof-discriminated", KIND_A, {"oneOf": [KIND_A, KIND_B]}, "old payloads all have kind a"),
    ok("oneof-to-anyof", {"oneOf": [S, I]}, {"anyOf": [S, I]}, "exactly one implies at least one"),
    bad("anyof-to-oneof-overlapping", {"anyOf": [I, N]}, {"oneOf": [I, N]}, "1 matches both", 1),
    bad(
        "allof-branch-added",
        obj({"a": S}),
        {"allOf": [obj({"a": S}), {"required": ["a"]}]},
        "a may be missing",
        {},
    ),
    ok(
        "allof-flattened",
        {"allOf": [{"type": "object"}, {"properties": {"a": S}}]},
        obj({"a": S}),
        "the same constraints",
    ),
    ok(
        "allof-introduced",
        obj({"a": S}, ["a"]),
        {"allOf": [{"type": "object"}, {"properties": {"a": S}, "required": ["a"]}]},
        "the same constraints",
    ),
    bad("not-added", S, {"type": "string", "not": {"const": "x"}}, "x refused", "x"),
    ok("not-added-disjoint", S, {"type": "string", "not": I}, "strings are never integers"),
    ok("not-relaxed", {"not": S}, {"not": {"const": "x"}}, "old excluded all strings, new only x"),
    bad("not-narrowed", {"not": {"const": "x"}}, {"not": S}, "y refused", "y"),
    ok(
        "if-then-added-consistent",
        obj({"kind": {"const": "a"}, "x": S}, ["kind", "x"]),
        {"if": {"properties": {"kind": {"const": "a"}}}, "then": {"required": ["x"]}},
        "old payloads always carry x",
    ),
    bad(
        "if-then-added-contradicting",
        obj({"kind": S, "x": S}),
        {"if": {"properties": {"kind": {"const": "a"}}, "required": ["kind"]}, "then": {"required": ["x"]}},
        "kind a without x refused",
        {"kind": "a"},
    ),
    ok(
        "if-then-relaxed",
        {
            "type": "object",
            "if": {"properties": {"k": {"const": "a"}}, "required": ["k"]},
            "then": {"required": ["x", "y"]},
        },
        {
            "type": "object",
            "if": {"properties": {"k": {"const": "a"}}, "required": ["k"]},
            "then": {"required": ["x"]},
        },
        "same condition, weaker consequence",
    ),
    bad(
        "if-then-narrowed",
        {
            "type": "object",
            "if": {"properties": {"k": {"const": "a"}}, "required": ["k"]},
            "then": {"required": ["x"]},
        },
        {
            "type": "object",
            "if": {"properties": {"k": {"const": "a"}}, "required": ["k"]},
            "then": {"required": ["x", "y"]},
        },
        "k=a with x only refused",
        {"k": "a", "x": 1},
    ),
    ok(
        "if-else-relaxed",
        {"if": S, "then": {"maxLength": 3}, "else": {"type": "integer"}},
        {"if": S, "then": {"maxLength": 5}, "else": {"type": "number"}},
        "both branches widened",
    ),
    ok(
        "if-else-disjoint-condition",
        I,
        {"if": S, "then": {"maxLength": 1}},
        "old integers never meet the condition",
    ),
    ok(
        "anyof-by-kind-to-union-with-bounds",
        {"anyOf": [{"type": "string", "maxLength": 5}, {"type": "integer", "minimum": 0}]},
        {"type": ["string", "integer"], "maxLength": 10, "minimum": -1},
        "each alternative fits",
    ),
    ok("oneof-enum-split", {"enum": ["a", "b", 1]}, {"oneOf": [S, I]}, "each value matches exactly one"),
    bad(
        "oneof-enum-both",
        {"enum": ["a", 1]},
        {"oneOf": [S, {"enum": ["a", 1]}]},
        "'a' matches two branches",
        "a",
    ),
    ok(
        "nested-anyof-in-property",
        obj({"v": {"anyOf": [S, I]}}),
        obj({"v": {"anyOf": [S, I, {"type": "boolean"}]}}),
        "a new alternative in a property",
    ),
    ok(
        "integer-split-by-range",
        {"type": "integer"},
        {"oneOf": [{"type": "integer", "minimum": 0}, {"type": "integer", "maximum": -1}]},
        "each integer is either ≥ 0 or ≤ -1, never both (proved by splitting at the branch bounds)",
    ),
    ok(
        "number-split-exclusive",
        {"type": "number", "minimum": 0, "maximum": 10},
        {"anyOf": [{"type": "number", "exclusiveMaximum": 5}, {"type": "number", "minimum": 5}]},
        "[0,5) ∪ [5,10]",
    ),
    bad(
        "number-split-gap",
        {"type": "number", "minimum": 0, "maximum": 10},
        {"anyOf": [{"type": "number", "exclusiveMaximum": 5}, {"type": "number", "exclusiveMinimum": 5}]},
        "5 falls in the gap",
        5,
    ),
    ok(
        "not-type-to-type-union",
        {"not": {"type": "string"}},
        {"type": ["null", "boolean", "object", "array", "number"]},
        "everything but strings",
    ),
    ok(
        "string-split-by-length",
        {"type": "string", "maxLength": 10},
        {"anyOf": [{"type": "string", "maxLength": 5}, {"type": "string", "minLength": 6}]},
        "cases are split at a branch's length bound (once conservative, now proved)",
    ),
]
