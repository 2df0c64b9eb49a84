"""Compatibility policies: which old payloads a new schema must keep accepting.

- ``strict`` (the default): every payload valid under the old schema.
- ``lenient``: every payload valid under the old schema *that carries only declared properties*.
  The judgement is the same set inclusion, against :func:`lenient_view` of the old schema, in
  which every object schema declaring ``properties`` is closed to undeclared ones.

:func:`lenient_view` closes a schema in a *value position* (the root, a property's value, an
item, ``additionalProperties`` …) that declares ``properties`` itself or through in-place
subschemas (``allOf``/``anyOf``/``oneOf``/``then``/``else``/``dependentSchemas``/local ``$ref``):

- with ``additionalProperties: false`` when it declares ``properties`` and has no in-place
  subschemas (the common case: ``{"type": "object", "properties": {…}}``);
- with ``unevaluatedProperties: false`` otherwise, so properties declared in its ``allOf``
  branches or reference targets stay allowed (closing each branch separately would refuse
  every payload that uses properties of two branches).

An explicit ``additionalProperties`` / ``unevaluatedProperties`` schema other than ``true`` is
kept (the schema already says what extra properties must be); ``true`` ones are dropped first,
since they would mark every property evaluated. Subschemas under ``not``, ``if``,
``propertyNames`` and ``contentSchema`` are left as they are (closing them would change the
meaning in the other direction). The view is pure data: the checker then judges inclusion of
the view in the new schema, so a verdict is sound for the policy it names.
"""

from __future__ import annotations

import copy
from typing import Any, Literal
from urllib.parse import unquote

from platformxe.rules.types import COMPAT_POLICIES
from platformxe.rules.walk import pointer_join

__all__ = ["POLICIES", "Policy", "check_policy", "closed_view", "lenient_view"]

Policy = Literal["strict", "lenient"]
POLICIES: tuple[str, ...] = COMPAT_POLICIES

_VALUE_SINGLE = ("additionalProperties", "unevaluatedProperties", "items", "contains", "unevaluatedItems")
_VALUE_MAPS = ("properties", "patternProperties")
_IN_PLACE_SINGLE = ("then", "else")
_IN_PLACE_LISTS = ("allOf", "anyOf", "oneOf")


def check_policy(policy: Any) -> str:
    """``policy`` when it is a known policy name; ValueError naming the accepted ones otherwise."""
    if policy not in POLICIES:
        raise ValueError(f"compatibility policy {policy!r} is not known: use 'strict' or 'lenient'")
    return str(policy)


def _resolve(root: Any, ref: Any) -> Any:
    if not isinstance(ref, str) or not ref.startswith("#"):
        return None
    pointer = unquote(ref[1:])
    if pointer and not pointer.startswith("/"):
        return None  # $anchor names: not followed here (the view only closes less)
    node = root
    for token in pointer.split("/")[1:] if pointer else []:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


def _in_place(schema: dict[str, Any], root: Any) -> list[Any]:
    out: list[Any] = [schema[k] for k in _IN_PLACE_SINGLE if isinstance(schema.get(k), dict)]
    for k in _IN_PLACE_LISTS:
        if isinstance(schema.get(k), list):
            out += [s for s in schema[k] if isinstance(s, dict)]
    if isinstance(schema.get("dependentSchemas"), dict):
        out += [s for s in schema["dependentSchemas"].values() if isinstance(s, dict)]
    if "$ref" in schema:
        target = _resolve(root, schema["$ref"])
        if isinstance(target, dict):
            out.append(target)
    return out


def _declares(schema: dict[str, Any], root: Any, seen: set[int]) -> bool:
    """``properties`` declared by the schema itself or through its in-place subschemas."""
    if id(schema) in seen:
        return False
    seen.add(id(schema))
    if isinstance(schema.get("properties"), dict):
        return True
    return any(_declares(s, root, seen) for s in _in_place(schema, root))


def _has_in_place(schema: dict[str, Any]) -> bool:
    return any(
        k in schema for k in (*_IN_PLACE_SINGLE, *_IN_PLACE_LISTS, "dependentSchemas", "$ref", "$dynamicRef")
    )


def lenient_view(schema: Any) -> Any:
    """The old schema as the lenient policy reads it (a new document; the input is not changed)."""
    return copy.deepcopy(closed_view(schema)[0])


def closed_view(schema: Any) -> tuple[Any, set[str]]:
    """:func:`lenient_view` and the JSON pointers of the keywords it added (``…/additionalProperties``
    or ``…/unevaluatedProperties``), so the change list does not report them as changes.

    Copy-on-write: only the objects the view changes (and those on the way to them) are new;
    every untouched subschema is the input's own object, so the view must be read, never
    modified. The root is always a new object (the checker tells the view from the input by it)."""
    if not isinstance(schema, dict):
        return schema, set()
    added: set[str] = set()
    view = _close(schema, schema, True, (), added)
    return (dict(view) if view is schema else view), added


#: The keywords the view reads or changes: a schema with none of them is its own view.
_STRUCTURAL = frozenset(
    {"additionalProperties", "unevaluatedProperties", "properties", "patternProperties", "items", "contains",
     "unevaluatedItems", "prefixItems", *_IN_PLACE_LISTS, *_IN_PLACE_SINGLE, "dependentSchemas", "$defs",
     "definitions", "$ref"}
)  # fmt: skip


def _close(orig: Any, root: Any, value_position: bool, path: tuple[str, ...], added: set[str]) -> Any:
    """``orig`` closed as described in the module docstring (recursively): ``orig`` itself when
    nothing below it changes, else a shallow copy with the changed members replaced. ``path``:
    the reference tokens of ``orig`` (joined into a pointer only for the keywords added)."""
    if not isinstance(orig, dict) or _STRUCTURAL.isdisjoint(orig):
        return orig
    node = orig
    for k in ("additionalProperties", "unevaluatedProperties"):
        if node.get(k) is True:
            if node is orig:
                node = dict(orig)
            del node[k]
    unset = "additionalProperties" not in node and "unevaluatedProperties" not in node
    if value_position and unset and _declares(orig, root, set()):
        keyword = "unevaluatedProperties" if _has_in_place(orig) else "additionalProperties"
        if node is orig:
            node = dict(orig)
        node[keyword] = False
        added.add(pointer_join("", *path, keyword))

    def put(key: str, value: Any) -> None:
        nonlocal node
        if node is orig:
            node = dict(orig)
        node[key] = value

    for k in _VALUE_SINGLE:
        if isinstance(orig.get(k), dict):
            sub = _close(orig[k], root, True, (*path, k), added)
            if sub is not orig[k]:
                put(k, sub)
    for k, position in (("prefixItems", True), *((x, False) for x in _IN_PLACE_LISTS)):
        items = orig.get(k)
        if isinstance(items, list):
            closed = [_close(o, root, position, (*path, k, str(i)), added) for i, o in enumerate(items)]
            if any(c is not o for c, o in zip(closed, items, strict=True)):
                put(k, closed)
    for k in _IN_PLACE_SINGLE:
        if isinstance(orig.get(k), dict):
            sub = _close(orig[k], root, False, (*path, k), added)
            if sub is not orig[k]:
                put(k, sub)
    for k, position in (*((x, True) for x in _VALUE_MAPS), ("dependentSchemas", False), ("$defs", False),
                        ("definitions", False)):  # fmt: skip
        members = orig.get(k)
        if isinstance(members, dict):
            changed = {}
            for name, o in members.items():
                sub = _close(o, root, position, (*path, k, name), added)
                if sub is not o:
                    changed[name] = sub
            if changed:
                put(k, {name: changed.get(name, o) for name, o in members.items()})
    return node
