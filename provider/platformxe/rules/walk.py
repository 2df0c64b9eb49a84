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

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "DATA_KEYWORDS",
    "DESCENDING_KEYWORDS",
    "IN_PLACE_KEYWORDS",
    "LOCATION_KEYWORDS",
    "SCHEMA_LIST_KEYWORDS",
    "SCHEMA_MAP_KEYWORDS",
    "SCHEMA_VALUE_KEYWORDS",
    "SchemaNode",
    "escape_token",
    "iter_schemas",
    "loop_components",
    "pointer_from_path",
    "pointer_join",
    "subschemas",
]

#: Keywords whose subschemas apply to the *same* instance as the schema holding them: a step
#: through one makes no progress into the payload (``$ref``/``$dynamicRef`` are references,
#: resolved by their readers, and apply in place too).
IN_PLACE_KEYWORDS: frozenset[str] = frozenset(
    {"allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas"}
)
#: Keywords whose subschemas apply to a *part* of the instance (a property value, an item, a
#: key): a step through one descends into the payload. ``contentSchema`` is here because its
#: subschema describes decoded string content, never the instance itself.
DESCENDING_KEYWORDS: frozenset[str] = frozenset(
    {
        "properties",
        "patternProperties",
        "additionalProperties",
        "unevaluatedProperties",
        "propertyNames",
        "prefixItems",
        "items",
        "contains",
        "unevaluatedItems",
        "contentSchema",
    }
)
#: Keywords that only hold schemas for ``$ref`` to point at; they apply nothing themselves.
LOCATION_KEYWORDS: frozenset[str] = frozenset({"$defs", "definitions"})
#: Keywords whose values are instance data: never entered, whatever they look like. Unknown
#: keywords are treated the same way (validators do not look inside them either).
DATA_KEYWORDS: frozenset[str] = frozenset({"enum", "const", "default", "examples"})

#: The same keywords by the shape of their value. Keywords whose value is one subschema.
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


def subschemas(schema: Any) -> Iterator[tuple[str, tuple[str, ...], Any]]:
    """The direct subschemas of one schema: ``(keyword, pointer tokens, subschema)``, in order.

    Only objects and booleans in a schema position are subschemas; anything else there is
    malformed (the metaschema check reports it) and skipped.
    """
    if not isinstance(schema, dict):
        return
    for key, value in schema.items():
        if key in SCHEMA_VALUE_KEYWORDS:
            if isinstance(value, dict | bool):
                yield key, (key,), value
        elif key in SCHEMA_LIST_KEYWORDS:
            if isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, dict | bool):
                        yield key, (key, str(index)), item
        elif key in SCHEMA_MAP_KEYWORDS and isinstance(value, dict):
            for name, item in value.items():
                if isinstance(item, dict | bool):
                    yield key, (key, str(name)), item


def _children(node: SchemaNode) -> Iterator[SchemaNode]:
    depth = node.depth + 1
    for key, tokens, value in subschemas(node.schema):
        yield SchemaNode(pointer_join(node.pointer, *tokens), value, depth, key, node.pointer)


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


def loop_components(edges: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """The loop detector: each node's strongly connected component (nodes with the same number
    reach each other), so an edge ``a -> b`` closes a loop exactly when both have the same number.

    Used for in-place reference loops, on which a validator recurses without end. Iterative
    (Tarjan's algorithm with an explicit stack), so a hostile document cannot exhaust the
    interpreter's stack.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    component: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = 0
    for start in edges:
        if start in index:
            continue
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        work: list[tuple[str, Iterator[str]]] = [(start, iter(edges.get(start, ())))]
        while work:
            here, successors = work[-1]
            for nxt in successors:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(edges.get(nxt, ()))))
                    break
                if nxt in on_stack:
                    low[here] = min(low[here], index[nxt])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[here])
                if low[here] == index[here]:
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component[member] = found
                        if member == here:
                            break
                    found += 1
    return component
