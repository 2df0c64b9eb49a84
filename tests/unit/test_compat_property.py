"""Property tests of the compatibility checker's soundness.

Old schemas are small, realistic event payload schemas; new schemas are the old ones after a
few random edits (bounds moved, properties added/removed, required toggled, types changed,
enums edited, objects closed or opened, alternatives wrapped …). Whenever ``compare`` says
compatible, payloads drawn from the old schema (hypothesis-jsonschema plus boundary candidates)
must validate under the new one; whenever it shows a witness, the witness must be real.
"""

from __future__ import annotations

import copy
from typing import Any
from unittest import mock

from compat_cases.instances import instances_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from platformxe.rules.compat import compare, lenient_view
from platformxe.rules.payload import compiled_validator

FORMATS = ["date-time", "email", "uuid", "date"]
PATTERNS = ["^[a-z]+$", "^[a-z0-9-]+$", "^[A-Z]{2}$", "^x-"]
NAMES = ["propertyId", "userId", "channel", "amount", "tags", "note", "address", "kind", "count", "at"]


def _validator(schema: Any) -> Any:
    # the registry's own validator (ECMA-262 patterns, formats asserted), as the checker uses
    return compiled_validator(schema)


@st.composite
def leaf(draw: st.DrawFn) -> dict[str, Any]:
    """A scalar property schema with a few optional bounds."""
    kind = draw(st.sampled_from(["string", "integer", "number", "boolean", "enum", "nullable"]))
    if kind == "string":
        s: dict[str, Any] = {"type": "string"}
        if draw(st.booleans()):
            s["maxLength"] = draw(st.integers(1, 40))
        if draw(st.booleans()):
            s["minLength"] = draw(st.integers(0, 3))
        choice = draw(st.integers(0, 5))
        if choice == 0:
            s["pattern"] = draw(st.sampled_from(PATTERNS))
        elif choice == 1:
            s["format"] = draw(st.sampled_from(FORMATS))
        return s
    if kind in ("integer", "number"):
        s = {"type": kind}
        for kw in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            if draw(st.integers(0, 3)) == 0:
                s[kw] = draw(st.integers(-5, 50))
        if draw(st.integers(0, 4)) == 0:
            s["multipleOf"] = draw(st.sampled_from([1, 2, 3, 5, 0.5, 0.25]))
        return s
    if kind == "boolean":
        return {"type": "boolean"}
    if kind == "enum":
        return {
            "enum": draw(
                st.lists(
                    st.sampled_from(["email", "sms", "push", 1, 2, None]), min_size=1, max_size=4, unique=True
                )
            )
        }
    return {"type": [draw(st.sampled_from(["string", "integer"])), "null"]}


@st.composite
def prop(draw: st.DrawFn, depth: int) -> dict[str, Any]:
    """A property schema: a leaf, an array of leaves, a nested object, or alternatives."""
    choice = draw(st.integers(0, 9 if depth < 2 else 5))
    if choice <= 5:
        return draw(leaf())
    if choice == 6:
        arr: dict[str, Any] = {"type": "array", "items": draw(leaf())}
        if draw(st.booleans()):
            arr["maxItems"] = draw(st.integers(1, 5))
        if draw(st.booleans()):
            arr["minItems"] = draw(st.integers(0, 2))
        if draw(st.integers(0, 3)) == 0:
            arr["uniqueItems"] = True
        return arr
    if choice == 7:
        return draw(event(depth + 1))
    kw = draw(st.sampled_from(["anyOf", "oneOf"]))
    return {kw: draw(st.lists(leaf(), min_size=2, max_size=3))}


@st.composite
def event(draw: st.DrawFn, depth: int = 0) -> dict[str, Any]:
    """An object schema in the shape of an event payload."""
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True))
    schema: dict[str, Any] = {"type": "object", "properties": {n: draw(prop(depth)) for n in names}}
    req = [n for n in names if draw(st.booleans())]
    if req:
        schema["required"] = req
    extra = draw(st.integers(0, 4))
    if extra <= 1:
        schema["additionalProperties"] = False
    elif extra == 2:
        schema["additionalProperties"] = draw(leaf())
    return schema


def _props(schema: dict[str, Any]) -> dict[str, Any]:
    return schema.setdefault("properties", {})


def _sub(draw: st.DrawFn, schema: dict[str, Any]) -> dict[str, Any]:
    """Some object schema inside ``schema`` (the root or a nested property object)."""
    while "properties" not in schema and isinstance(schema.get("allOf") or schema.get("anyOf"), list):
        schema = (schema.get("allOf") or schema.get("anyOf"))[0]  # the event object inside a wrapper
    objs = [schema] + [
        v for v in schema.get("properties", {}).values() if isinstance(v, dict) and "properties" in v
    ]
    return draw(st.sampled_from(objs))


@st.composite
def mutate(draw: st.DrawFn, schema: dict[str, Any]) -> dict[str, Any]:
    """One random edit of the kind schema authors make between versions."""
    new = copy.deepcopy(schema)
    target = _sub(draw, new)
    props = _props(target)
    name = draw(st.sampled_from(sorted(props))) if props else None
    op = draw(st.integers(0, 22))
    if op == 0:
        props[draw(st.sampled_from(NAMES))] = draw(prop(1))
    elif op == 1 and name:
        del props[name]
    elif op == 2 and name:
        target["required"] = sorted({*target.get("required", []), name})
    elif op == 3 and target.get("required"):
        target["required"] = target["required"][1:] or []
    elif op == 4:
        ap = target.get("additionalProperties")
        target["additionalProperties"] = ap is False
    elif op == 5 and name:
        props[name] = draw(leaf())
    elif op in (6, 7) and name:
        leaf_s = props[name]
        kw = draw(
            st.sampled_from(
                ["maxLength", "minLength", "minimum", "maximum", "exclusiveMinimum", "maxItems", "minItems"]
            )
        )
        if kw in leaf_s:
            leaf_s[kw] = max(0, leaf_s[kw] + draw(st.sampled_from([-2, -1, 1, 2])))
        else:
            leaf_s[kw] = draw(st.integers(0, 20))
    elif op == 8 and name:
        leaf_s = props[name]
        t = leaf_s.get("type")
        if isinstance(t, str):
            leaf_s["type"] = draw(
                st.sampled_from(
                    [[t, "null"], "number" if t == "integer" else t, "integer" if t == "number" else t]
                )
            )
        elif isinstance(t, list):
            leaf_s["type"] = t[0]
    elif op == 9 and name and isinstance(props[name].get("enum"), list):
        values = props[name]["enum"]
        props[name]["enum"] = values[:-1] or values if draw(st.booleans()) else [*values, "added"]
    elif op == 10 and name:
        props[name] = {"anyOf": [props[name], draw(leaf())]}
    elif op == 11 and name:
        props[name].pop(draw(st.sampled_from(sorted(props[name]) or ["type"])), None)
    elif op == 12 and name:
        props[name]["description"] = "changed"
    elif op == 13 and name and props[name].get("type") == "string":
        props[name]["format" if draw(st.booleans()) else "pattern"] = draw(
            st.sampled_from(FORMATS + PATTERNS)
        )
    elif op == 14 and name and isinstance(props[name].get("multipleOf"), int | float):
        props[name]["multipleOf"] = draw(st.sampled_from([1, 2, 4, 6, 0.5, 0.1]))
    elif op == 15:
        target["patternProperties"] = {draw(st.sampled_from(["^x-", "^[a-z]+$", "Id$"])): draw(leaf())}
    elif op == 16:
        target["propertyNames"] = draw(
            st.sampled_from([{"maxLength": 8}, {"pattern": "^[a-z]+$"}, {"minLength": 2}])
        )
    elif op == 17 and name:
        other = draw(st.sampled_from(NAMES))
        target["dependentRequired"] = {name: [other]}
    elif op == 18 and name:
        cond = {"properties": {name: draw(leaf())}, "required": [name]}
        target["if"], target["then"] = cond, {"required": [draw(st.sampled_from(NAMES))]}
    elif op == 19 and name:
        # move a property schema into $defs behind a $ref (a refactoring, or a changed target)
        new.setdefault("$defs", {})["shared"] = props[name] if draw(st.booleans()) else draw(leaf())
        props[name] = {"$ref": "#/$defs/shared"}
    elif op == 20 and name and props[name].get("type") == "array":
        arr = props[name]
        arr["prefixItems"] = [draw(leaf())]
        if draw(st.booleans()):
            arr["contains"] = draw(leaf())
    elif op == 21:
        defs = new.pop("$defs", None)  # definitions stay at the document root
        if draw(st.booleans()):
            new = {"allOf": [new, {"required": [draw(st.sampled_from(NAMES))]}]}
        else:
            new = {"anyOf": [new, draw(leaf())]}
        if defs is not None:
            new["$defs"] = defs
    elif op == 22 and name:
        props[name] = {"not": draw(leaf())} if draw(st.booleans()) else {"oneOf": [props[name], draw(leaf())]}
    return new


@st.composite
def pairs(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """(old, new): an event schema and the same after one to three edits."""
    old = draw(event())
    new = old
    for _ in range(draw(st.integers(1, 3))):
        new = draw(mutate(new))
    return old, new


def test_compatible_verdicts_hold_on_payloads_of_the_old_schema() -> None:
    stats = {"pairs": 0, "compatible": 0, "payloads_checked": 0, "witnesses": 0}

    @settings(max_examples=1500, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(pairs(), st.data())
    def run(pair: tuple[dict[str, Any], dict[str, Any]], data: st.DataObject) -> None:
        old, new = pair
        report = compare(old, new)
        stats["pairs"] += 1
        vo, vn = _validator(old), _validator(new)
        for change in report.changes:
            if change.has_witness:
                stats["witnesses"] += 1
                assert vo.is_valid(change.witness) and not vn.is_valid(change.witness), change
        if not report.compatible:
            return
        stats["compatible"] += 1
        strategy = instances_of(old)
        for _ in range(6):
            payload = data.draw(strategy)
            if vo.is_valid(payload):
                stats["payloads_checked"] += 1
                assert vn.is_valid(payload), (
                    f"compare said compatible, but {payload!r} breaks: {report.changes}"
                )

    run()
    print("compat property stats:", stats)
    # The run must exercise both verdicts and really check payloads, or it proves nothing.
    assert stats["compatible"] >= stats["pairs"] // 10, stats
    assert stats["witnesses"] >= stats["pairs"] // 10, stats
    assert stats["payloads_checked"] >= stats["compatible"], stats


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(event())
def test_a_schema_is_compatible_with_itself_and_its_reannotation(old: dict[str, Any]) -> None:
    assert compare(old, copy.deepcopy(old)).compatible
    assert compare(old, copy.deepcopy(old)).changes == ()
    noted = copy.deepcopy(old)
    noted["description"] = "re-documented"
    for p in noted.get("properties", {}).values():
        p["title"] = "t"
    report = compare(old, noted)
    assert report.compatible
    assert report.changes and all(not c.breaking for c in report.changes)


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(event())
def test_wrapping_in_anyof_with_anything_is_compatible(old: dict[str, Any]) -> None:
    assert compare(old, {"anyOf": [old, {"type": "string"}]}).compatible
    assert compare(old, {"allOf": [old]}).compatible


_KEYWORDS = ["type", "properties", "items", "prefixItems", "enum", "const", "minimum", "maximum", "required",
             "additionalProperties", "anyOf", "oneOf", "allOf", "not", "if", "then", "else", "$ref", "$defs",
             "pattern", "format", "minLength", "maxLength", "multipleOf", "contains", "minContains",
             "dependentRequired", "dependentSchemas", "patternProperties", "propertyNames",
             "unevaluatedProperties", "uniqueItems", "minItems", "maxProperties", "exclusiveMinimum"]  # fmt: skip
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 5),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(["string", "integer", "object", "array", "#", "#/$defs/a", "a", "^a", "[", "date-time"]),
)
_JSON = st.recursive(
    _SCALARS,
    lambda c: st.one_of(
        st.lists(c, max_size=3), st.dictionaries(st.sampled_from([*_KEYWORDS, "a"]), c, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=500, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(_JSON, _JSON)
def test_compare_never_raises_even_on_malformed_schemas(old: Any, new: Any) -> None:
    from platformxe.rules.compat import api

    def reraise(err: Exception) -> Any:
        raise err

    # see internal errors instead of the "could not prove" safety net
    with mock.patch.object(api, "unanalysable", reraise):
        report = compare(old, new)
    assert isinstance(report.compatible, bool)
    assert report.compatible or report.breaking_changes


def test_lenient_verdicts_hold_on_payloads_of_the_closed_old_schema() -> None:
    """The lenient policy is sound for what it states: a compatible verdict holds for every
    payload of the old schema's closed view (only declared properties), a witness is such a
    payload refused by the new schema."""
    stats = {"pairs": 0, "compatible": 0, "payloads_checked": 0}

    @settings(max_examples=600, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(pairs(), st.data())
    def run(pair: tuple[dict[str, Any], dict[str, Any]], data: st.DataObject) -> None:
        old, new = pair
        closed = lenient_view(old)
        report = compare(old, new, "lenient")
        stats["pairs"] += 1
        vo, vn = _validator(closed), _validator(new)
        for change in report.changes:
            if change.has_witness:
                assert vo.is_valid(change.witness) and not vn.is_valid(change.witness), change
        if not report.compatible:
            return
        stats["compatible"] += 1
        strategy = instances_of(closed)
        for _ in range(6):
            payload = data.draw(strategy)
            if vo.is_valid(payload):
                stats["payloads_checked"] += 1
                assert vn.is_valid(payload), (
                    f"lenient said compatible, but {payload!r} breaks: {report.changes}"
                )

    run()
    assert stats["compatible"] >= stats["pairs"] // 10, stats
    assert stats["payloads_checked"] >= stats["compatible"], stats
