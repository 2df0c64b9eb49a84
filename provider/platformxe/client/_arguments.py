"""Argument gathering for the SDK methods: snake_case keywords, camelCase keywords, or one dict.

The product's SDK examples show Python with keyword arguments and TypeScript with one object in
camelCase; both styles work here, and mixing them is fine as long as no field is given twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from platformxe.client._objects import to_camel

__all__ = ["MISSING", "Field", "gather"]


class _Missing:
    """Marks an argument that was not passed (where None is a meaningful value)."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<not given>"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


class Field:
    """One request field: its snake_case keyword and its camelCase wire name.

    ``none_is_absent``: whether passing None means "not given" (true for every optional field; the
    emitted ``payload`` is the exception: None there is the JSON value null).
    """

    __slots__ = ("camel", "none_is_absent", "required", "snake")

    def __init__(self, snake: str, *, required: bool = False, none_is_absent: bool = True) -> None:
        self.snake = snake
        self.camel = to_camel(snake)
        self.required = required
        self.none_is_absent = none_is_absent


def gather(
    method: str,
    fields: Sequence[Field],
    spec: Any,
    keywords: Mapping[str, Any],
    aliases: Mapping[str, Any],
) -> dict[str, Any]:
    """Merge a positional dict ``spec``, the declared ``keywords`` and the camelCase ``aliases``.

    Returns the given fields keyed by their camelCase wire name. Raises TypeError naming the field
    for an unknown argument, a field given twice (in two spellings or two places) and a missing
    required field.
    """
    by_name: dict[str, Field] = {}
    for f in fields:
        by_name[f.snake] = f
        by_name[f.camel] = f
    accepted = ", ".join(f.snake for f in fields)
    out: dict[str, Any] = {}
    given_as: dict[str, str] = {}

    def put(key: str, value: Any, where: str) -> None:
        f = by_name.get(key)
        if f is None:
            raise TypeError(f"{method}() got an unexpected argument {key!r}{where}; accepted: {accepted}")
        if value is MISSING or (value is None and f.none_is_absent):
            return
        if f.camel in out:
            raise TypeError(
                f"{method}() got the field {f.camel!r} twice (as {given_as[f.camel]} and as "
                f"{key!r}{where}); pass it once"
            )
        out[f.camel] = value
        given_as[f.camel] = repr(key) + where

    if spec is not None and spec is not MISSING:
        if not isinstance(spec, Mapping):
            raise TypeError(
                f"{method}() takes a dict of fields as its positional argument, not {type(spec).__name__}"
            )
        for key, value in spec.items():
            if not isinstance(key, str):
                raise TypeError(f"{method}() got a non-string key {key!r} in its dict argument")
            put(key, value, " in the dict")
    for key, value in keywords.items():
        put(key, value, "")
    for key, value in aliases.items():
        if key not in by_name or by_name[key].camel != key:
            # An unknown name, or a snake_case name that Python already bound to its parameter.
            raise TypeError(f"{method}() got an unexpected keyword argument {key!r}; accepted: {accepted}")
        put(key, value, "")
    for f in fields:
        if f.required and f.camel not in out:
            raise TypeError(f"{method}() missing required argument {f.snake!r} (or {f.camel!r})")
    return out
