"""References inside a payload schema: every ``$ref`` must resolve locally, and none may loop.

Resolution uses the ``referencing`` library (the one jsonschema validates with) over a registry
holding only the document itself, so "resolves here" means exactly "resolves at validation
time", embedded ``$id`` resources and anchors included, and nothing is ever fetched.

A reference cycle that never looks inside the payload — ``{"if": {"$ref": "#"}}``, or two
``$defs`` that ``allOf`` each other — would make validation recurse until the interpreter gives
up, so it is refused at registration. Only *in-place* steps count (``$ref``, ``$dynamicRef``,
``allOf``/``anyOf``/``oneOf``, ``not``, ``if``/``then``/``else``, ``dependentSchemas``): a step
through ``properties``, ``items`` … moves into a smaller part of the payload and always ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urldefrag, urljoin

from platformxe.rules.codes import Code
from platformxe.rules.payload import local_only_registry
from platformxe.rules.types import Problem
from platformxe.rules.walk import IN_PLACE_KEYWORDS, SchemaNode, iter_schemas, loop_components, pointer_join

__all__ = ["reference_problems"]


class _OutsideDocument(LookupError):
    pass


def _problem(message: str, pointer: str) -> Problem:
    return Problem(Code.INVALID_JSON_SCHEMA, message, "payloadSchema", pointer)


def reference_problems(schema: dict[str, Any], nodes: Sequence[SchemaNode] | None = None) -> list[Problem]:
    """``invalid_json_schema`` for each ``$ref``/``$dynamicRef`` that is remote, dangling or looping
    (``nodes``: ``iter_schemas(schema)`` when the caller has walked the schema already)."""
    nodes = list(iter_schemas(schema)) if nodes is None else nodes
    if not any(
        isinstance(n.schema, dict) and ("$ref" in n.schema or "$dynamicRef" in n.schema) for n in nodes
    ):
        return []  # nothing to resolve: skip building a registry (most event schemas)
    # deferred: referencing ~60 ms (bench/deferred_imports.py), paid only by a schema with a
    # reference; the provider imports this module at start
    from referencing import Registry
    from referencing.exceptions import NoSuchAnchor, PointerToNowhere, Unresolvable, Unretrievable
    from referencing.jsonschema import DRAFT202012

    declared_id = schema.get("$id")
    root_id: str = declared_id if isinstance(declared_id, str) else ""
    resource = DRAFT202012.create_resource(schema)
    registry: Registry[Any] = local_only_registry().with_resource(root_id, resource).crawl()
    pointer_of = {id(n.schema): n.pointer for n in nodes if isinstance(n.schema, dict)}
    in_place: dict[str, list[str]] = {}
    ref_edges: list[tuple[str, str, str]] = []  # (schema pointer, target pointer, $ref pointer)
    bases: dict[str, str] = {}
    problems: list[Problem] = []
    for node in nodes:
        base = root_id if node.parent is None else bases.get(node.parent, root_id)
        sub = node.schema
        if isinstance(sub, dict) and isinstance(sub.get("$id"), str) and node.parent is not None:
            base = urljoin(base, sub["$id"])
        bases[node.pointer] = base
        if node.parent is not None and node.keyword in IN_PLACE_KEYWORDS:
            in_place.setdefault(node.parent, []).append(node.pointer)
        if not isinstance(sub, dict):
            continue
        for keyword in ("$ref", "$dynamicRef"):
            ref = sub.get(keyword)
            if not isinstance(ref, str):
                continue
            at = pointer_join(node.pointer, keyword)
            where = node.pointer or "the root"
            try:
                if urldefrag(urljoin(base, ref)).url not in registry:
                    raise _OutsideDocument(ref)  # never fetched: the document is all there is
                resolved = registry.resolver(base_uri=base).lookup(ref)
            except (_OutsideDocument, Unretrievable):
                problems.append(
                    _problem(
                        f'{keyword} "{ref}" at {where} points outside this schema; only local references '
                        'such as "#/$defs/address" are accepted (nothing is fetched)',
                        at,
                    )
                )
                continue
            except (PointerToNowhere, NoSuchAnchor, Unresolvable) as exc:
                problems.append(
                    _problem(
                        f'{keyword} "{ref}" at {where} points to nothing in this schema '
                        f'({type(exc).__name__}); point it at an existing subschema such as "#/$defs/<name>"',
                        at,
                    )
                )
                continue
            target = pointer_of.get(id(resolved.contents))
            if target is not None:
                ref_edges.append((node.pointer, target, at))
                in_place.setdefault(node.pointer, []).append(target)
    loops = loop_components(in_place) if ref_edges else {}
    for source, target, at in ref_edges:
        if loops.get(source) == loops.get(target):  # the target leads back to the reference
            problems.append(
                _problem(
                    f"the reference at {at} leads back to {source or 'the root'} without stepping into the "
                    "payload, so validation would never end; reference a subschema under properties/items "
                    "instead, or remove the loop",
                    at,
                )
            )
    return problems
