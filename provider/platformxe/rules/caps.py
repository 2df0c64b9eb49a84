"""The DoS guards on schemas: depth ≤ 5 and at most 50 properties across all levels.

Depth (docs/rules.md, made precise here): the root schema is level 1, and every step into a
subschema through an applicator keyword (see :mod:`platformxe.rules.walk`) adds one level. A
property's schema under ``properties/<k>`` is one step below the object that declares it;
``$defs/<k>`` counts the same way. Boolean subschemas (``"additionalProperties": false``) add no
level: they cannot contain anything, and counting them would punish closing an object at the
deepest allowed level. ``$ref`` adds no level either: the target is counted where it is written.

Properties: the number of keys of every ``properties`` object at any schema position
(including inside ``$defs``, ``allOf`` branches, ``items`` …). The same property name declared in
two places counts twice: the guard is about work done per schema, not distinct names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from platformxe.rules.codes import Code
from platformxe.rules.types import Problem
from platformxe.rules.walk import SchemaNode, iter_schemas

__all__ = ["MAX_DEPTH", "MAX_PROPERTIES", "check_caps", "count_properties", "deepest_schema", "schema_depth"]

MAX_DEPTH = 5
MAX_PROPERTIES = 50


def deepest_schema(schema: Any, nodes: Sequence[SchemaNode] | None = None) -> tuple[int, str]:
    """``(depth, pointer)`` of the deepest object subschema (the first one met at that depth);
    ``nodes`` is ``iter_schemas(schema)`` when the caller has walked the schema already."""
    best_depth, best_pointer = 0, ""
    for node in iter_schemas(schema) if nodes is None else nodes:
        level = node.depth if isinstance(node.schema, dict) else node.depth - 1
        if level > best_depth:
            best_depth, best_pointer = level, node.pointer
    return max(best_depth, 1), best_pointer


def schema_depth(schema: Any) -> int:
    """Nesting depth of ``schema``: the root is 1, each step into an object subschema adds 1."""
    return deepest_schema(schema)[0]


def count_properties(schema: Any, nodes: Sequence[SchemaNode] | None = None) -> int:
    """Total number of keys of every ``properties`` object at any level of ``schema``."""
    total = 0
    for node in iter_schemas(schema) if nodes is None else nodes:
        if isinstance(node.schema, dict):
            props = node.schema.get("properties")
            if isinstance(props, dict):
                total += len(props)
    return total


def check_caps(
    schema: Any, field: str = "payloadSchema", nodes: Sequence[SchemaNode] | None = None
) -> list[Problem]:
    """``schema_too_deep`` / ``schema_too_wide`` problems for ``schema`` (``nodes``: as for
    ``deepest_schema``)."""
    problems: list[Problem] = []
    depth, pointer = deepest_schema(schema, nodes)
    if depth > MAX_DEPTH:
        where = pointer or "the root"
        problems.append(
            Problem(
                Code.SCHEMA_TOO_DEEP,
                f"schema nests {depth} levels deep at {where} (the root is level 1 and every step into "
                f"a subschema adds one); at most {MAX_DEPTH} levels are allowed: flatten the payload or "
                "move shared shapes up",
                field,
                pointer,
                details={"depth": depth, "maxDepth": MAX_DEPTH},
            )
        )
    count = count_properties(schema, nodes)
    if count > MAX_PROPERTIES:
        problems.append(
            Problem(
                Code.SCHEMA_TOO_WIDE,
                f"schema declares {count} properties across all levels (every key of every "
                f'"properties" object counts); at most {MAX_PROPERTIES} are allowed',
                field,
                details={"properties": count, "maxProperties": MAX_PROPERTIES},
            )
        )
    return problems
