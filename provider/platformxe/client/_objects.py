"""Result objects: the API's camelCase JSON, readable as attributes in either spelling.

``result.canonical_name``, ``result.canonicalName`` and ``result["canonicalName"]`` are the same
value. Nested objects are wrapped on access (``h.registrations.used``), lists of objects become lists
of wrapped objects. ``to_dict()`` gives back a deep copy of the plain JSON.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

__all__ = ["ApiObject", "Page", "to_camel"]


def to_camel(name: str) -> str:
    """``canonical_name`` → ``canonicalName`` (already camelCase names come back unchanged)."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _wrap(value: Any) -> Any:
    if isinstance(value, dict):
        return ApiObject(value)
    if isinstance(value, list):
        return [_wrap(v) for v in value]
    return value


class ApiObject:
    """A read-only view of one JSON object of the API.

    Method names (``to_dict``, ``get``, ``keys``) win over fields of the same name; reach such a
    field with ``obj["get"]``.
    """

    __slots__ = ("_data",)
    _data: dict[str, Any]

    def __init__(self, data: dict[str, Any]) -> None:
        object.__setattr__(self, "_data", data)

    def _key(self, name: str) -> str | None:
        if name in self._data:
            return name
        camel = to_camel(name)
        return camel if camel in self._data else None

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails, so methods and slots are never shadowed.
        if name.startswith("__"):
            raise AttributeError(name)
        key = self._key(name)
        if key is None:
            fields = ", ".join(sorted(self._data)) or "none"
            raise AttributeError(f"{type(self).__name__} has no field {name!r} (fields: {fields})")
        return _wrap(self._data[key])

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only; use to_dict() for a mutable copy")

    def __getitem__(self, name: str) -> Any:
        key = self._key(name)
        if key is None:
            raise KeyError(name)
        return _wrap(self._data[key])

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._key(name) is not None

    def get(self, name: str, default: Any = None) -> Any:
        """The field ``name`` (either spelling), or ``default`` when absent."""
        key = self._key(name)
        return default if key is None else _wrap(self._data[key])

    def keys(self) -> list[str]:
        """The field names, as the API spells them (camelCase)."""
        return list(self._data)

    def to_dict(self) -> dict[str, Any]:
        """A deep copy of the plain JSON object."""
        return copy.deepcopy(self._data)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ApiObject):
            return self._data == other._data
        if isinstance(other, dict):
            return self._data == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable underlying dict: not hashable

    def __dir__(self) -> list[str]:
        snake = [_to_snake(k) for k in self._data]
        return sorted(set(super().__dir__()) | set(self._data) | set(snake))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._data!r})"

    def __getstate__(self) -> dict[str, Any]:
        return self._data

    def __setstate__(self, state: dict[str, Any]) -> None:
        object.__setattr__(self, "_data", state)


def _to_snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


class Page(ApiObject):
    """One page of a list answer: ``items`` (wrapped), ``next_cursor`` (None on the last page).

    Iterating a page, and ``len(page)``, go over its items.
    """

    __slots__ = ()

    def __iter__(self) -> Iterator[Any]:
        return iter(self.items)

    def __len__(self) -> int:
        items = self._data.get("items")
        return len(items) if isinstance(items, list) else 0
