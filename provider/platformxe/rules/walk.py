"""Where the subschemas of a JSON Schema 2020-12 document are, and a walk over them.

Every rule that looks inside a schema (depth, property count, flavour keywords, ``nullable``,
``$ref`` targets, description stripping) must agree on which values are *schemas* and which are
*data*. This module is that single answer: the applicator keywords of the 2020-12 core and
applicator/unevaluated/content vocabularies, plus the legacy ``definitions`` container. Values
of ``enum``, ``const``, ``default``, ``examples`` (and any unknown keyword) are data and are never
entered, so a property called ``"description"`` or an enum member shaped like a schema cannot
confuse a rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = [
    "SCHEMA_LIST_KEYWORDS",
    "SCHEMA_MAP_KEYWORDS",
    "SCHEMA_VALUE_KEYWORDS",
    "SchemaNode",
    "escape_token",
    "iter_schemas",
    "pointer_from_path",
    "pointer_join",
]

#: Keywords whose value is one subschema.
SCHEMA_VALUE_KEYWORDS: frozenset[str] = frozenset(
    {
        "additionalProperties",
        "unevaluatedProperties",
        "propertyNames",
        "items",
        "contains",
        "unevaluatedItems",
        "not",
        "if",
        "then",
        "else",
        "contentSchema",
    }
)
#: Keywords whose value is an array of subschemas.
SCHEMA_LIST_KEYWORDS: frozenset[str] = frozenset({"prefixItems", "allOf", "anyOf", "oneOf"})
#: Keywords whose value is an object mapping names to subschemas.
SCHEMA_MAP_KEYWORDS: frozenset[str] = frozenset(
    {"properties", "patternProperties", "dependentSchemas", "$defs", "definitions"}
)


def escape_token(token: str) -> str:
    """Escape one JSON pointer reference token (RFC 6901: ``~`` → ``~0``, ``/`` → ``~1``)."""
    if "~" not in token and "/" not in token:
        return token  # the common case, and this runs for every node of every walk
    return token.replace("~", "~0").replace("/", "~1")


def pointer_join(pointer: str, *tokens: str) -> str:
    """``pointer`` extended by ``tokens`` (each escaped)."""
    for token in tokens:
        pointer = pointer + "/" + escape_token(token)
    return pointer


def pointer_from_path(path: Any) -> str:
    """A JSON pointer from a sequence of keys/indexes such as ``ValidationError.absolute_path``."""
    return "".join("/" + escape_token(str(part)) for part in path)


@dataclass(frozen=True)
class SchemaNode:
    """One (sub)schema found by :func:`iter_schemas`.

    ``depth`` counts the root as 1 and adds one per step into a subschema; ``keyword`` is the
    keyword that led here (``""`` for the root); ``parent`` is the pointer of the enclosing
    schema (None for the root).
    """

    pointer: str
    schema: Any
    depth: int
    keyword: str
    parent: str | None = None


def _children(node: SchemaNode) -> Iterator[SchemaNode]:
    schema = node.schema
    if not isinstance(schema, dict):
        return
    depth = node.depth + 1
    for key, value in schema.items():
        if key in SCHEMA_VALUE_KEYWORDS:
            if isinstance(value, dict | bool):
                yield SchemaNode(pointer_join(node.pointer, key), value, depth, key, node.pointer)
        elif key in SCHEMA_LIST_KEYWORDS:
            if isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, dict | bool):
                        yield SchemaNode(
                            pointer_join(node.pointer, key, str(index)), item, depth, key, node.pointer
                        )
        elif key in SCHEMA_MAP_KEYWORDS and isinstance(value, dict):
            for name, item in value.items():
                if isinstance(item, dict | bool):
                    yield SchemaNode(
                        pointer_join(node.pointer, key, str(name)), item, depth, key, node.pointer
                    )


def iter_schemas(schema: Any) -> Iterator[SchemaNode]:
    """Every schema in the document, root first, in document order (depth-first).

    Iterative rather than recursive, so a hostile, very deep document cannot exhaust the
    interpreter's stack. Values that are not objects or booleans in a schema position are
    skipped here (the metaschema check reports them).
    """
    stack = [SchemaNode("", schema, 1, "")]
    while stack:
        node = stack.pop()
        yield node
        children = list(_children(node))
        stack.extend(reversed(children))
