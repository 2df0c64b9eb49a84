"""Payload sources for checking compatibility claims, and the real validator.

``instances_of(schema)`` is a hypothesis strategy of candidate payloads for a Draft 2020-12
schema: hypothesis-jsonschema (which speaks drafts 4-7) on a draft-7 translation of the schema,
mixed with the checker-independent boundary candidates below. Candidates are not guaranteed
valid: tests keep only those the real validator accepts under the old schema.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from platformxe.rules.payload import compiled_validator

_MAP = ("properties", "patternProperties", "$defs", "definitions")
_ONE = ("additionalProperties", "propertyNames", "not", "if", "then", "else", "contains")
_MANY = ("allOf", "anyOf", "oneOf")
_DROP = ("unevaluatedProperties", "unevaluatedItems", "minContains", "maxContains", "$dynamicRef", "$dynamicAnchor",
         "$schema", "$id", "$anchor")  # fmt: skip


def valid(schema: Any, payload: Any) -> bool:
    """The project's validation semantics: Draft 2020-12, formats asserted, ECMA-262 patterns
    (the registry's own validator)."""
    return bool(compiled_validator(schema).is_valid(payload))


def to_draft7(schema: Any) -> Any:
    """A draft-7 rendering for hypothesis-jsonschema (keywords it cannot express are dropped;
    the drawn payloads are filtered by the real 2020-12 validator anyway)."""
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    deps: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _DROP:
            continue
        if key in _MAP and isinstance(value, dict):
            out[key] = {k: to_draft7(v) for k, v in value.items()}
        elif key in _ONE:
            out[key] = to_draft7(value)
        elif key in _MANY and isinstance(value, list):
            out[key] = [to_draft7(v) for v in value]
        elif key == "prefixItems" and isinstance(value, list):
            out["items"] = [to_draft7(v) for v in value]
            if "items" in schema:
                out["additionalItems"] = to_draft7(schema["items"])
        elif key == "items":
            if "prefixItems" not in schema:
                out["items"] = to_draft7(value)
        elif key == "dependentRequired" and isinstance(value, dict):
            deps.update(value)
        elif key == "dependentSchemas" and isinstance(value, dict):
            deps.update({k: to_draft7(v) for k, v in value.items()})
        elif key == "format" and value not in _HJ_FORMATS:
            continue
        else:
            out[key] = value
    if deps:
        out["dependencies"] = deps
    for (
        lo,
        hi,
    ) in _PAIRS:  # hypothesis-jsonschema refuses empty ranges; such schemas draw nothing valid anyway
        a, b = out.get(lo), out.get(hi)
        if isinstance(a, int | float) and isinstance(b, int | float) and a > b:
            out.pop(lo)
            out.pop(hi)
    return out


_PAIRS = (
    ("minLength", "maxLength"),
    ("minItems", "maxItems"),
    ("minProperties", "maxProperties"),
    ("minimum", "maximum"),
)


_HJ_FORMATS = {"date-time", "date", "time", "email", "idn-email", "hostname", "idn-hostname", "ipv4", "ipv6", "uri",
               "uri-reference", "uuid", "regex"}  # fmt: skip

SIMPLE = [None, True, False, 0, 1, -1, 1.5, 10, 2**40, "", "a", "abc", "x" * 70, "2024-01-02", "a@example.com",
          [], [1], ["a"], ["a", "a"], [1, 1], {}, {"a": 1}, {"a": "x"}, {"kind": "a"}]  # fmt: skip


class _LegacyMany:
    """hypothesis' old ``many(...).more()`` protocol on top of the current iterator protocol.

    hypothesis-jsonschema 0.23 builds objects with ``while elements.more()``, an API recent
    hypothesis releases replaced by ``with many(...) as e: for _ in e``; without this adapter
    every object schema fails to draw (AttributeError: 'many' object has no attribute 'more').
    """

    def __init__(self, data: Any, **kwargs: Any) -> None:
        from hypothesis.internal.conjecture import utils as cu

        self._many = cu.many(data, **kwargs)
        self._many.__enter__()
        self._it = iter(self._many)
        self._rejected = False

    def more(self) -> bool:
        self._rejected = False
        try:
            next(self._it)
        except StopIteration:
            self._many.__exit__(None)
            return False
        return True

    def reject(self, why: str | None = None) -> None:
        if not self._rejected:  # the new API allows one rejection per element
            self._rejected = True
            self._many.reject(why)


def _adapt_hypothesis_jsonschema() -> None:
    import types

    from hypothesis.internal.conjecture import utils as cu
    from hypothesis_jsonschema import _from_schema

    if not hasattr(cu.many, "more") and not isinstance(_from_schema.cu, types.SimpleNamespace):
        _from_schema.cu = types.SimpleNamespace(many=_LegacyMany)  # type: ignore[attr-defined]


def instances_of(schema: Any) -> st.SearchStrategy[Any]:
    """Candidate payloads for a schema (see module docstring)."""
    from hypothesis_jsonschema import from_schema

    _adapt_hypothesis_jsonschema()

    from platformxe.rules.compat import witness
    from platformxe.rules.compat.core import Walk
    from platformxe.rules.compat.model import Doc, Node, Piece

    sources: list[st.SearchStrategy[Any]] = [st.sampled_from(SIMPLE)]
    walk = Walk([])
    doc = Doc("old", schema)
    try:
        cands = witness.candidates(walk, Piece((Node(doc, schema, ""),)))
    except RecursionError:
        cands = []
    if cands:
        sources.append(st.sampled_from(cands))
    try:
        hj = from_schema(to_draft7(schema))
        if "error_raiser" not in repr(hj):  # hypothesis-jsonschema could not translate the schema
            sources.append(hj)
    except Exception:
        pass
    return st.one_of(*sources)
