"""Canonical JSON (RFC 8785), the schema hash, and description stripping for the patch rule.

RFC 8785 serialises numbers as IEEE-754 doubles, so it refuses NaN/Infinity and integers outside
±(2^53 − 1): such a number has no exact canonical form. :func:`canonical_json` raises
:class:`CanonicalJsonError` (a ``ValueError``) naming the JSON pointer of the offending value;
:func:`platformxe.rules.schema.check_schema` reports the same thing as ``invalid_json_schema``
before anyone hashes the schema.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator
from typing import Any

import rfc8785

from platformxe.rules.walk import (
    SCHEMA_LIST_KEYWORDS,
    SCHEMA_MAP_KEYWORDS,
    SCHEMA_VALUE_KEYWORDS,
    pointer_join,
)

__all__ = [
    "MAX_SAFE_INTEGER",
    "CanonicalJsonError",
    "canonical_json",
    "find_unrepresentable_number",
    "schema_hash",
    "strip_descriptions",
]

#: Largest integer a double holds exactly (RFC 8785 / I-JSON).
MAX_SAFE_INTEGER = 2**53 - 1


class CanonicalJsonError(ValueError):
    """A value has no RFC 8785 canonical form; ``pointer`` locates it."""

    def __init__(self, message: str, pointer: str = "") -> None:
        super().__init__(message)
        self.pointer = pointer


def _iter_numbers(value: Any, pointer: str = "") -> Iterator[tuple[str, Any]]:
    """Every number in a JSON document with its pointer (iterative: deep documents cannot overflow)."""
    stack: list[tuple[str, Any]] = [(pointer, value)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, dict):
            stack.extend((pointer_join(where, str(k)), v) for k, v in node.items())
        elif isinstance(node, list | tuple):
            stack.extend((pointer_join(where, str(i)), v) for i, v in enumerate(node))
        elif isinstance(node, int | float) and not isinstance(node, bool):
            yield where, node


def _unrepresentable(number: float) -> bool:
    if isinstance(number, float):
        return not math.isfinite(number)
    return abs(number) > MAX_SAFE_INTEGER


def _has_unrepresentable(value: Any) -> bool:
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list | tuple):
            stack.extend(node)
        elif isinstance(node, int | float) and not isinstance(node, bool) and _unrepresentable(node):
            return True
    return False


def find_unrepresentable_number(value: Any) -> tuple[str, str] | None:
    """``(pointer, reason)`` of the first number RFC 8785 cannot serialise exactly, else None."""
    if not _has_unrepresentable(value):
        return None  # the usual answer, found without building a pointer for every value
    for where, number in sorted(_iter_numbers(value), key=lambda item: item[0]):
        if isinstance(number, float) and not math.isfinite(number):
            return where, f"{number} is not a JSON number (NaN and Infinity have no JSON form)"
        if isinstance(number, int) and abs(number) > MAX_SAFE_INTEGER:
            return where, (
                f"integer {number} is outside ±{MAX_SAFE_INTEGER} (2^53 − 1) and cannot be represented "
                "exactly in canonical JSON (RFC 8785); use a smaller bound or a string"
            )
    return None


def _fast_form(value: Any) -> bool:
    """Whether the standard library's compact, key-sorted ``json.dumps`` writes ``value``
    exactly as RFC 8785 does, so the C encoder can stand in for the (pure-Python) rfc8785 one.

    It does for plain JSON data whose numbers are integers within ±(2^53 − 1) or floats that
    both write as the same shortest digits in plain notation (no exponent, not integral: RFC
    8785 writes ``1.0`` as ``1``), and whose object keys sort the same by code point as by
    UTF-16 code unit (no key beyond the Basic Multilingual Plane). Strings escape alike (``"``,
    ``\\``, the five short escapes, other control characters as lowercase ``\\u00xx``, nothing
    else). Anything else (tuples, subclasses, other floats) takes the rfc8785 path."""
    stack = [value]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is dict:
            for key in node:
                if type(key) is not str or not (key.isascii() or max(key) < "\U00010000"):
                    return False
            stack.extend(node.values())
        elif kind is list:
            stack.extend(node)
        elif kind is int:
            if not -MAX_SAFE_INTEGER <= node <= MAX_SAFE_INTEGER:
                return False
        elif kind is float:
            text = repr(node)
            if not math.isfinite(node) or "e" in text or text.endswith(".0"):
                return False
        elif kind is not str and kind is not bool and node is not None:
            return False
    return True


def canonical_json(value: Any) -> bytes:
    """The RFC 8785 (JCS) canonical UTF-8 bytes of ``value``.

    Raises :class:`CanonicalJsonError` when ``value`` holds a number without an exact canonical
    form or a value that is not JSON at all.
    """
    if _fast_form(value):
        try:
            text = json.dumps(
                value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
            )
            return text.encode("utf-8")  # a lone surrogate does not encode: rfc8785 refuses it too
        except (ValueError, RecursionError):
            pass  # the rfc8785 path below says what is wrong
    try:
        return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError as exc:
        found = find_unrepresentable_number(value)
        if found is not None:
            raise CanonicalJsonError(found[1], found[0]) from None
        raise CanonicalJsonError(f"value has no canonical JSON form: {exc}") from None
    except RecursionError:
        raise CanonicalJsonError("value is nested too deeply to canonicalise") from None


def schema_hash(schema: Any) -> str:
    """Lowercase sha-256 hex digest of the schema's RFC 8785 canonical form."""
    return hashlib.sha256(canonical_json(schema)).hexdigest()


def strip_descriptions(schema: Any) -> Any:
    """A copy of ``schema`` with every ``description`` *keyword* removed.

    Only schema positions are touched: a property that happens to be called ``description``
    (a key of ``properties``) stays, and data keywords (``enum``, ``const``, ``default``,
    ``examples`` …) are copied verbatim, because a description inside them is data.
    """
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "description":
            continue
        if key in SCHEMA_VALUE_KEYWORDS:
            out[key] = strip_descriptions(value)
        elif key in SCHEMA_LIST_KEYWORDS and isinstance(value, list):
            out[key] = [strip_descriptions(item) for item in value]
        elif key in SCHEMA_MAP_KEYWORDS and isinstance(value, dict):
            out[key] = {name: strip_descriptions(sub) for name, sub in value.items()}
        else:
            out[key] = value
    return out
