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
    return closed_view(schema)[0]


def closed_view(schema: Any) -> tuple[Any, set[str]]:
    """:func:`lenient_view` and the JSON pointers of the keywords it added (``…/additionalProperties``
    or ``…/unevaluatedProperties``), so the change list does not report them as changes."""
    if not isinstance(schema, dict):
        return schema, set()
    view = copy.deepcopy(schema)
    added: set[str] = set()
    _walk(view, schema, schema, True, "", added)
    return view, added


def _walk(node: Any, orig: Any, root: Any, value_position: bool, ptr: str, added: set[str]) -> None:
    """Close ``node`` (a copy of ``orig``) as described in the module docstring; recurse."""
    if not isinstance(node, dict) or not isinstance(orig, dict):
        return
    for k in ("additionalProperties", "unevaluatedProperties"):
        if node.get(k) is True:
            del node[k]
    unset = "additionalProperties" not in node and "unevaluatedProperties" not in node
    if value_position and unset and _declares(orig, root, set()):
        keyword = "unevaluatedProperties" if _has_in_place(orig) else "additionalProperties"
        node[keyword] = False
        added.add(pointer_join(ptr, keyword))
    for k in _VALUE_SINGLE:
        if isinstance(node.get(k), dict):
            _walk(node[k], orig[k], root, True, pointer_join(ptr, k), added)
    for k, position in (("prefixItems", True), *((x, False) for x in _IN_PLACE_LISTS)):
        if isinstance(node.get(k), list):
            for i, (sub, o) in enumerate(zip(node[k], orig[k], strict=False)):
                _walk(sub, o, root, position, pointer_join(ptr, k, str(i)), added)
    for k in _IN_PLACE_SINGLE:
        if isinstance(node.get(k), dict):
            _walk(node[k], orig[k], root, False, pointer_join(ptr, k), added)
    for k, position in (*((x, True) for x in _VALUE_MAPS), ("dependentSchemas", False), ("$defs", False),
                        ("definitions", False)):  # fmt: skip
        if isinstance(node.get(k), dict):
            for name, sub in node[k].items():
                _walk(sub, orig[k].get(name), root, position, pointer_join(ptr, k, name), added)
