"""JSON-valued string attributes: semantic equality and the text kept in state.

``payload_schema`` and ``payload_example`` are strings holding JSON. Terraform compares strings
byte for byte, so a heredoc re-indented or with its keys reordered would look like a change and
(because both attributes force replacement) plan a destroy/create of a registered version. The
provider therefore compares the *parsed* documents and, when they are equal, hands Terraform the
prior string back: Terraform then sees no difference at all (docs/provider.md).

Two JSON documents are the same when their parsed values are: object key order and whitespace
never matter, and two numbers are the same when they denote the same value (``1``, ``1.0`` and
``1e0``) — exactly, or as the IEEE-754 double every consumer in the chain (the registry, the
RFC 8785 schema hash) turns them into. ``true`` is never the number ``1``.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["dump_json", "parse_json_text", "reconcile_json", "same_json", "same_json_value"]


def _refuse_constant(name: str) -> Any:
    """``NaN``/``Infinity`` are accepted by Python's parser but are not JSON."""
    raise ValueError(f"{name} is not a JSON value")


def parse_json_text(text: str) -> Any:
    """Parse JSON text keeping numbers exact (as :class:`~decimal.Decimal`).

    Raises ``ValueError`` (``json.JSONDecodeError`` is one) when ``text`` is not JSON.
    """
    return json.loads(text, parse_float=Decimal, parse_int=Decimal, parse_constant=_refuse_constant)


def _same_number(a: Decimal, b: Decimal) -> bool:
    """Equal as exact decimals, or equal once rounded to the double both would become."""
    if a == b:
        return True
    try:
        return float(a) == float(b)
    except (OverflowError, InvalidOperation):  # pragma: no cover - Decimal→float saturates to inf
        return False


def _is_number(value: Any) -> bool:
    return isinstance(value, Decimal | int | float) and not isinstance(value, bool)


def same_json_value(a: Any, b: Any) -> bool:
    """Structural equality of two parsed JSON values with JSON's notion of numbers.

    Accepts values from :func:`parse_json_text` (``Decimal`` numbers) as well as from ``json.loads``
    (``int``/``float``), so a prior state string can be compared with a registry answer.
    """
    # Iterative walk: a hostile, deeply nested document cannot exhaust the recursion limit.
    stack: list[tuple[Any, Any]] = [(a, b)]
    while stack:
        left, right = stack.pop()
        if isinstance(left, bool) or isinstance(right, bool):
            if not (isinstance(left, bool) and isinstance(right, bool) and left == right):
                return False
        elif _is_number(left) or _is_number(right):
            if not (_is_number(left) and _is_number(right)):
                return False
            if not _same_number(Decimal(str(left)), Decimal(str(right))):
                return False
        elif isinstance(left, dict):
            if not isinstance(right, dict) or left.keys() != right.keys():
                return False
            stack.extend((left[k], right[k]) for k in left)
        elif isinstance(left, list):
            if not isinstance(right, list) or len(left) != len(right):
                return False
            stack.extend(zip(left, right, strict=True))
        elif left != right or type(left) is not type(right):
            # strings and null
            return False
    return True


def same_json(a: str | None, b: str | None) -> bool:
    """True when two JSON strings denote the same document (``None`` only equals ``None``).

    Text that is not JSON is compared byte for byte: validation reports it, and the plan must
    still be stable while it does.
    """
    if a is None or b is None:
        return a is None and b is None
    if a == b:
        return True
    try:
        return same_json_value(parse_json_text(a), parse_json_text(b))
    except ValueError:
        return False


def dump_json(value: Any) -> str:
    """Compact JSON text for a value read from the registry (key order kept as received)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def reconcile_json(prior: str | None, remote: Any, *, present: bool = True) -> str | None:
    """The string to keep in state for a JSON document the registry returned.

    ``prior`` (what state or configuration holds) is kept when it denotes the same document as
    ``remote``, so a refresh or an import never turns formatting into drift; otherwise the
    registry's value is serialised. ``present=False`` (or a ``None`` remote) means the registry
    holds no document.
    """
    if not present or remote is None:
        return None
    if prior is not None:
        try:
            if same_json_value(parse_json_text(prior), remote):
                return prior
        except ValueError:
            pass
    return dump_json(remote)
