"""Cases: $ref/$defs (with recursion), boolean schemas, annotations, unknown keywords."""

from __future__ import annotations

from compat_cases.common import I, S, bad, obj, ok

ADDR = obj({"zip": S, "city": S}, ["zip"])
TREE_OLD = {"$defs": {"node": {"type": "object", "properties": {"name": S, "children": {"type": "array",
            "items": {"$ref": "#/$defs/node"}}}, "additionalProperties": False}}, "$ref": "#/$defs/node"}  # fmt: skip
TREE_WIDE = {"$defs": {"node": {"type": "object", "properties": {"name": S, "label": S, "children": {"type": "array",
             "items": {"$ref": "#/$defs/node"}}}, "additionalProperties": False}}, "$ref": "#/$defs/node"}  # fmt: skip
TREE_NARROW = {"$defs": {"node": {"type": "object", "properties": {"name": {"type": "string", "maxLength": 3},
               "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}}, "additionalProperties": False}},
               "$ref": "#/$defs/node"}  # fmt: skip

CASES = [
    ok(
        "inline-to-ref",
        obj({"address": ADDR}),
        {"$defs": {"addr": ADDR}, **obj({"address": {"$ref": "#/$defs/addr"}})},
        "the same schema moved to $defs",
    ),
    ok(
        "ref-to-inline",
        {"$defs": {"addr": ADDR}, **obj({"address": {"$ref": "#/$defs/addr"}})},
        obj({"address": ADDR}),
        "the same schema inlined",
    ),
    bad(
        "ref-target-narrowed",
        {"$defs": {"addr": ADDR}, **obj({"address": {"$ref": "#/$defs/addr"}})},
        {
            "$defs": {"addr": {**ADDR, "required": ["zip", "city"]}},
            **obj({"address": {"$ref": "#/$defs/addr"}}),
        },
        "city may be missing",
        {"address": {"zip": "1"}},
    ),
    ok(
        "ref-target-widened",
        {"$defs": {"addr": ADDR}, **obj({"address": {"$ref": "#/$defs/addr"}})},
        {"$defs": {"addr": {**ADDR, "required": []}}, **obj({"address": {"$ref": "#/$defs/addr"}})},
        "relaxed",
    ),
    ok(
        "ref-renamed",
        {"$defs": {"a": ADDR}, **obj({"address": {"$ref": "#/$defs/a"}})},
        {"$defs": {"b": ADDR}, **obj({"address": {"$ref": "#/$defs/b"}})},
        "the same target under a new name",
    ),
    ok("recursive-closed-node-gains-property", TREE_OLD, TREE_WIDE, "old nodes never carried label"),
    bad(
        "recursive-narrowed-deep",
        TREE_OLD,
        TREE_NARROW,
        "a long name two levels down refused",
        {"name": "a", "children": [{"name": "abcd"}]},
    ),
    ok(
        "recursive-unchanged-annotation",
        TREE_OLD,
        {**TREE_OLD, "description": "a tree"},
        "identical up to a description",
    ),
    ok(
        "ref-with-sibling",
        {"$defs": {"s": S}, "$ref": "#/$defs/s", "maxLength": 5},
        {"$defs": {"s": S}, "$ref": "#/$defs/s", "maxLength": 6},
        "2020-12 applies $ref siblings; relaxed",
    ),
    ok(
        "anchor-ref",
        {"$defs": {"s": {"$anchor": "str", "type": "string"}}, "$ref": "#str"},
        {"type": "string"},
        "the anchor resolves to a string schema",
    ),
    ok(
        "ref-into-unknown-keyword",
        {"x-shapes": {"a": S}, "$ref": "#/x-shapes/a"},
        {"type": ["string", "null"]},
        "references may point anywhere in the document",
    ),
    bad(
        "ref-into-unknown-keyword-changed",
        {"x-shapes": {"a": S}, "$ref": "#/x-shapes/a"},
        {"x-shapes": {"a": I}, "$ref": "#/x-shapes/a"},
        "the referenced schema changed",
        "a",
    ),
    ok("false-to-anything", False, S, "no old payload"),
    ok("anything-to-true", S, True, "everything accepted"),
    bad("true-to-false", True, False, "everything refused", 1),
    ok("true-to-empty", True, {}, "{} accepts everything"),
    ok(
        "description-changed",
        {"type": "string", "description": "old"},
        {"type": "string", "description": "new"},
        "annotation",
    ),
    ok(
        "annotations-changed",
        obj({"a": {"type": "string", "title": "A", "examples": ["x"], "default": "x"}}),
        obj(
            {
                "a": {
                    "type": "string",
                    "title": "B",
                    "examples": ["y"],
                    "default": "y",
                    "deprecated": True,
                    "readOnly": True,
                    "writeOnly": False,
                    "$comment": "c",
                }
            }
        ),
        "annotations only",
    ),
    ok(
        "openapi-annotations-added",
        obj({"a": S}),
        {
            **obj({"a": S}),
            "example": {"a": "x"},
            "discriminator": {"propertyName": "a"},
            "xml": {"name": "A"},
            "externalDocs": {"url": "https://example.com"},
        },
        "OpenAPI keywords are annotations",
    ),
    ok(
        "unknown-keyword-changed",
        {"type": "string", "x-foo": 1},
        {"type": "string", "x-foo": {"maxLength": 1}},
        "unknown keywords are annotations in 2020-12",
    ),
    ok(
        "content-keywords-added",
        S,
        {"type": "string", "contentMediaType": "application/json", "contentEncoding": "base64"},
        "content keywords are annotations in 2020-12",
    ),
    ok(
        "schema-keyword-added",
        obj({"a": I}),
        {"$schema": "https://json-schema.org/draft/2020-12/schema", **obj({"a": I})},
        "the dialect is the same",
    ),
    ok(
        "defs-unused-changed",
        {"$defs": {"x": S}, "type": "integer"},
        {"$defs": {"x": I}, "type": "integer"},
        "an unreferenced definition constrains nothing",
    ),
    ok(
        "realistic-minor",
        {
            "type": "object",
            "properties": {
                "propertyId": {"type": "string", "maxLength": 64},
                "userId": {"type": "string"},
                "favoritedAt": {"type": "string", "format": "date-time"},
            },
            "required": ["propertyId", "userId"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {
                "propertyId": {"type": "string", "maxLength": 128},
                "userId": {"type": "string"},
                "favoritedAt": {"type": "string", "format": "date-time"},
                "source": {"enum": ["web", "app"]},
            },
            "required": ["propertyId", "userId"],
            "additionalProperties": False,
        },
        "a typical minor: bound relaxed, optional property added to a closed object",
    ),
    bad(
        "realistic-major",
        {
            "type": "object",
            "properties": {"propertyId": {"type": "string", "maxLength": 64}, "userId": {"type": "string"}},
            "required": ["propertyId"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {
                "propertyId": {"type": "string", "maxLength": 64},
                "userId": {"type": "string", "format": "uuid"},
            },
            "required": ["propertyId", "userId"],
            "additionalProperties": False,
        },
        "userId now required and must be a uuid",
        {"propertyId": "p"},
    ),
]
