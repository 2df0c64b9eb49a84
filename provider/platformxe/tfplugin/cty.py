"""Terraform's value types (cty) as Python objects, and the ``UNKNOWN`` sentinel.

Resources describe attributes with these types (``STRING``, ``NUMBER``, ``BOOL``, ``DYNAMIC``,
``List(T)``, ``Set(T)``, ``Map(T)``, ``Object({...})``, ``Tuple([...])``) and receive plain
Python values: ``str``, ``int``/``float``/``Decimal``, ``bool``, ``list`` (lists, sets, tuples),
``dict`` (maps, objects), ``None`` for null and :data:`UNKNOWN` for a value Terraform will only
know after apply. Nothing here imports msgpack or protobuf.

The JSON form of a type (``type_json``) is what the protocol carries in schemas: ``"string"``,
``["list","string"]``, ``["object",{"a":"number"},["a"]]`` (third element: optional attributes).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, Final


class Unknown:
    """Type of :data:`UNKNOWN`: a value Terraform will only know after apply.

    Truth-testing it raises ``TypeError``: deciding on a value that is not known yet is a bug
    (check with :func:`is_unknown` first), and a silent ``False`` would hide it.
    """

    _instance: Unknown | None = None
    __slots__ = ()

    def __new__(cls) -> Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        raise TypeError("value is unknown until apply; test it with is_unknown() before using it")

    def __copy__(self) -> Unknown:
        return self

    def __deepcopy__(self, memo: Any) -> Unknown:
        return self

    def __reduce__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = Unknown()


def is_unknown(value: Any) -> bool:
    """True when ``value`` itself is :data:`UNKNOWN` (not when it merely contains one)."""
    return value is UNKNOWN


def is_known(value: Any) -> bool:
    """True when ``value`` is wholly known: no :data:`UNKNOWN` anywhere inside it."""
    if value is UNKNOWN:
        return False
    if isinstance(value, Mapping):
        return all(is_known(v) for v in value.values())
    if isinstance(value, (list, tuple, set, frozenset)):
        return all(is_known(v) for v in value)
    return True


class CtyType:
    """Base of every Terraform type."""

    __slots__ = ()

    def to_json(self) -> Any:
        """The JSON-compatible structure Terraform uses to spell this type."""
        raise NotImplementedError

    def type_json(self) -> bytes:
        """The compact JSON bytes of :meth:`to_json`, as schemas carry them."""
        return json.dumps(self.to_json(), separators=(",", ":")).encode()

    def __repr__(self) -> str:
        return f"cty({json.dumps(self.to_json(), separators=(',', ':'))})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CtyType) and self.to_json() == other.to_json()

    def __hash__(self) -> int:
        return hash(self.type_json())


class Primitive(CtyType):
    """``string``, ``number``, ``bool`` or ``dynamic`` (any type, decided per value)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        if name not in ("string", "number", "bool", "dynamic"):
            raise ValueError(f"unknown primitive type {name!r}: expected string, number, bool or dynamic")
        self.name = name

    def to_json(self) -> Any:
        return self.name


STRING: Final = Primitive("string")
NUMBER: Final = Primitive("number")
BOOL: Final = Primitive("bool")
DYNAMIC: Final = Primitive("dynamic")


class _Collection(CtyType):
    __slots__ = ("element",)
    _kind = ""

    def __init__(self, element: CtyType) -> None:
        if not isinstance(element, CtyType):
            raise TypeError(f"{self._kind}(...) needs a cty type, got {element!r}")
        self.element = element

    def to_json(self) -> Any:
        return [self._kind, self.element.to_json()]


class List(_Collection):
    """An ordered list of values of one type (Python ``list``)."""

    __slots__ = ()
    _kind = "list"


class Set(_Collection):
    """An unordered set of values of one type (Python ``list``; order carries no meaning)."""

    __slots__ = ()
    _kind = "set"


class Map(_Collection):
    """String keys to values of one type (Python ``dict``)."""

    __slots__ = ()
    _kind = "map"


class Object(CtyType):
    """Named attributes of fixed types (Python ``dict``); ``optional`` only matters in type constraints."""

    __slots__ = ("attributes", "optional")

    def __init__(self, attributes: Mapping[str, CtyType], optional: Iterable[str] = ()) -> None:
        self.attributes: dict[str, CtyType] = dict(attributes)
        self.optional: frozenset[str] = frozenset(optional)
        unknown = self.optional - set(self.attributes)
        if unknown:
            raise ValueError(f"optional attributes {sorted(unknown)} are not attributes of the object")

    def to_json(self) -> Any:
        attrs = {name: self.attributes[name].to_json() for name in sorted(self.attributes)}
        if self.optional:
            return ["object", attrs, sorted(self.optional)]
        return ["object", attrs]


class Tuple(CtyType):
    """A fixed-length sequence whose positions have their own types (Python ``list``)."""

    __slots__ = ("elements",)

    def __init__(self, elements: Iterable[CtyType]) -> None:
        self.elements: tuple[CtyType, ...] = tuple(elements)

    def to_json(self) -> Any:
        return ["tuple", [e.to_json() for e in self.elements]]


def type_from_json(spec: Any) -> CtyType:
    """Parse a type from its JSON structure (or bytes/str of JSON); ``ValueError`` when malformed."""
    if isinstance(spec, (bytes, str)) and not (isinstance(spec, str) and spec in _PRIMITIVES):
        try:
            spec = json.loads(spec)
        except ValueError as exc:
            raise ValueError(f"type JSON is not valid JSON: {exc}") from exc
    if isinstance(spec, str):
        if spec in _PRIMITIVES:
            return _PRIMITIVES[spec]
        raise ValueError(f"unknown type {spec!r}: expected string, number, bool or dynamic")
    if isinstance(spec, list) and spec:
        kind = spec[0]
        if kind in ("list", "set", "map") and len(spec) == 2:
            return {"list": List, "set": Set, "map": Map}[kind](type_from_json(spec[1]))
        if kind == "object" and len(spec) in (2, 3) and isinstance(spec[1], dict):
            optional = spec[2] if len(spec) == 3 else ()
            return Object({k: type_from_json(v) for k, v in spec[1].items()}, optional)
        if kind == "tuple" and len(spec) == 2 and isinstance(spec[1], list):
            return Tuple(type_from_json(e) for e in spec[1])
    raise ValueError(f"malformed type JSON {spec!r}")


_PRIMITIVES: dict[str, CtyType] = {"string": STRING, "number": NUMBER, "bool": BOOL, "dynamic": DYNAMIC}


class TypedList(list[Any]):
    """A list that remembers its Terraform type; produced when decoding a ``dynamic`` value.

    Python lists cannot tell a cty list from a set or a tuple; keeping the type lets a dynamic
    value go back to Terraform with the type it came with.
    """

    cty_type: CtyType

    def __init__(self, items: Iterable[Any], cty_type: CtyType) -> None:
        super().__init__(items)
        self.cty_type = cty_type


class TypedDict(dict[str, Any]):
    """A dict that remembers whether it is a cty map or object; see :class:`TypedList`."""

    cty_type: CtyType

    def __init__(self, items: Mapping[str, Any], cty_type: CtyType) -> None:
        super().__init__(items)
        self.cty_type = cty_type


def with_type(value: Any, cty_type: CtyType) -> Any:
    """Give a list/dict an explicit type for a ``dynamic`` attribute (default: tuple / object)."""
    if isinstance(value, Mapping):
        return TypedDict(value, cty_type)
    if isinstance(value, (list, tuple, set, frozenset)):
        return TypedList(value, cty_type)
    return value
