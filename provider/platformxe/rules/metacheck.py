"""A fast pre-check that a schema satisfies the JSON Schema 2020-12 metaschema.

Evaluating the official metaschema with jsonschema costs ~15 ms for a 50-property schema (its
``$dynamicRef`` recursion is slow), which alone would blow the dry-run budget of 2 ms. Almost
every schema a tenant submits is valid, so :func:`metaschema_clean` checks the same keyword rules
in one direct pass and answers True only when it is *sure* the metaschema accepts the schema.
Anything else — a broken keyword, or a rarely used legacy keyword it does not model
(``dependencies``, ``$vocabulary``, ``$recursiveRef`` …) — answers False, and the caller then
runs the real metaschema to collect every error with its JSON pointer. A wrong False only costs
time; a wrong True would let a bad schema through, so every rule here is at least as strict as
the metaschema's (tests/unit/test_rules_schema.py compares the two on a mutation corpus).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from platformxe.rules.ecma import is_valid
from platformxe.rules.walk import SCHEMA_LIST_KEYWORDS, SCHEMA_MAP_KEYWORDS, SCHEMA_VALUE_KEYWORDS

__all__ = ["metaschema_clean"]

_SIMPLE_TYPES = frozenset({"array", "boolean", "integer", "null", "number", "object", "string"})
_ANCHOR_RE = re.compile(r"[A-Za-z_][-A-Za-z0-9._]*")
_ID_RE = re.compile(r"[^#]*#?")
#: Keywords the metaschema knows but this pre-check does not model: leave them to the metaschema.
_UNMODELLED = frozenset({"dependencies", "$vocabulary", "$recursiveAnchor", "$recursiveRef"})


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_non_negative_integer(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return (isinstance(value, int) or value.is_integer()) and value >= 0


def _is_string_array(value: Any) -> bool:
    return (
        isinstance(value, list)
        and all(isinstance(item, str) for item in value)
        and len(set(value)) == len(value)
    )


def _is_type(value: Any) -> bool:
    if isinstance(value, str):
        return value in _SIMPLE_TYPES
    return (
        isinstance(value, list)
        and len(value) > 0
        and all(isinstance(item, str) and item in _SIMPLE_TYPES for item in value)
        and len(set(value)) == len(value)
    )


def _is_regex(value: Any) -> bool:
    return isinstance(value, str) and is_valid(value)


def _format_ok(fmt: str) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        from jsonschema import Draft202012Validator  # deferred: ~140 ms; the provider imports us at start

        return isinstance(value, str) and bool(Draft202012Validator.FORMAT_CHECKER.conforms(value, fmt))

    return check


_uri = _format_ok("uri")
_uri_reference = _format_ok("uri-reference")


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool)


def _anything(value: Any) -> bool:
    return True


#: The rule for each keyword value that is not a subschema container.
_RULES: dict[str, Callable[[Any], bool]] = {
    "$id": lambda v: _uri_reference(v) and _ID_RE.fullmatch(v) is not None,
    "$schema": _uri,
    "$ref": _uri_reference,
    "$dynamicRef": _uri_reference,
    "$anchor": lambda v: isinstance(v, str) and _ANCHOR_RE.fullmatch(v) is not None,
    "$dynamicAnchor": lambda v: isinstance(v, str) and _ANCHOR_RE.fullmatch(v) is not None,
    "$comment": _is_str,
    "type": _is_type,
    "const": _anything,
    "enum": lambda v: isinstance(v, list),
    "multipleOf": lambda v: _is_number(v) and v > 0,
    "maximum": _is_number,
    "exclusiveMaximum": _is_number,
    "minimum": _is_number,
    "exclusiveMinimum": _is_number,
    "maxLength": _is_non_negative_integer,
    "minLength": _is_non_negative_integer,
    "pattern": _is_regex,
    "maxItems": _is_non_negative_integer,
    "minItems": _is_non_negative_integer,
    "uniqueItems": _is_bool,
    "maxContains": _is_non_negative_integer,
    "minContains": _is_non_negative_integer,
    "maxProperties": _is_non_negative_integer,
    "minProperties": _is_non_negative_integer,
    "required": _is_string_array,
    "dependentRequired": lambda v: isinstance(v, dict) and all(_is_string_array(x) for x in v.values()),
    "title": _is_str,
    "description": _is_str,
    "default": _anything,
    "deprecated": _is_bool,
    "readOnly": _is_bool,
    "writeOnly": _is_bool,
    "examples": lambda v: isinstance(v, list),
    "format": _is_str,
    "contentEncoding": _is_str,
    "contentMediaType": _is_str,
}


def metaschema_clean(schema: Any) -> bool:
    """True only when the 2020-12 metaschema certainly accepts ``schema`` (see module docstring)."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, bool):
            continue
        if not isinstance(node, dict):
            return False
        for key, value in node.items():
            if key in _UNMODELLED:
                return False
            rule = _RULES.get(key)
            if rule is not None:
                if not rule(value):
                    return False
            elif key in SCHEMA_VALUE_KEYWORDS:
                stack.append(value)
            elif key in SCHEMA_LIST_KEYWORDS:
                if not isinstance(value, list) or not value:
                    return False
                stack.extend(value)
            elif key in SCHEMA_MAP_KEYWORDS:
                if not isinstance(value, dict):
                    return False
                if key == "patternProperties" and not all(_is_regex(k) for k in value):
                    return False
                stack.extend(value.values())
            # Any other keyword is unknown to 2020-12: the metaschema allows it (an annotation).
    return True
