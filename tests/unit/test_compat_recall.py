"""Inclusions that are true by construction and that the checker proves (bench/recall.py measures
the share on a generated corpus; these are the cases that were misses there), and the limits of
each shortcut (none of them may say compatible where a payload breaks).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from platformxe.rules import validate_payload
from platformxe.rules.compat import compare
from platformxe.rules.compat.api import same_meaning

#: A schema the walk cannot prove against itself once an annotation differs (unevaluated items
#: through an in-place anyOf), from the shape of the JSON-Schema-Test-Suite's cases.
UNEVALUATED: dict[str, Any] = {
    "unevaluatedItems": {"type": "boolean"},
    "anyOf": [{"items": {"type": "string"}}, True],
}


@pytest.mark.parametrize("policy", ["strict", "lenient"])
def test_a_schema_differing_only_in_annotations_is_compatible(policy: str) -> None:
    described = {
        **UNEVALUATED,
        "description": "d",
        "anyOf": [{"items": {"type": "string", "title": "t"}}, True],
    }
    report = compare(UNEVALUATED, described, policy)
    assert report.compatible
    assert report.changes and not report.breaking_changes  # the annotation changes are still listed


def test_annotations_are_stripped_only_at_schema_positions() -> None:
    # "description" as a property name, and as a value inside const, are not annotations
    old = {"type": "object", "properties": {"description": {"type": "string"}}, "required": ["description"]}
    new = {"type": "object", "properties": {}, "required": ["description"]}
    assert not same_meaning(old, new)
    assert not same_meaning({"const": {"title": "a"}}, {"const": {}})
    assert not compare({"const": {"title": "a"}}, {"const": {}}).compatible


def test_a_reference_into_an_annotation_disables_the_shortcut() -> None:
    old = {"$ref": "#/$defs/x/examples/0", "$defs": {"x": {"examples": [{"type": "string"}]}}}
    new = {"$ref": "#/$defs/x/examples/0", "$defs": {"x": {"examples": [{"type": "integer"}]}}}
    assert not same_meaning(old, new)


def test_an_all_of_branch_is_a_superset_of_the_all_of() -> None:
    other = {"type": "array", "maxItems": 3}
    for old in ({"allOf": [UNEVALUATED, other]}, {"allOf": [other, UNEVALUATED]}):
        assert compare(old, UNEVALUATED).compatible
    # a branch that is not the new schema proves nothing by itself
    assert not compare({"allOf": [UNEVALUATED, other]}, {**UNEVALUATED, "maxItems": 2}).compatible


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ({"type": "string", "maxLength": 30}, {"anyOf": [{"maxLength": 15}, {"minLength": 16}]}),
        ({"type": "string"}, {"anyOf": [{"maxLength": 0}, {"minLength": 1}]}),
        ({"type": "array", "maxItems": 8}, {"anyOf": [{"maxItems": 2}, {"minItems": 3}]}),
        ({"type": "string", "minLength": 3}, {"oneOf": [{"maxLength": 9}, {"minLength": 10}]}),
    ],
)
def test_cases_split_at_a_length_bound(old: Any, new: Any) -> None:
    assert compare(old, new).compatible


def test_a_length_split_that_leaves_a_gap_is_not_proved() -> None:
    # a 16-character string matches neither branch; the split proves the rest, never this
    old = {"type": "string", "maxLength": 30}
    new = {"anyOf": [{"maxLength": 15}, {"minLength": 17}]}
    report = compare(old, new)
    assert not report.compatible
    assert validate_payload(old, "a" * 16) == [] and validate_payload(new, "a" * 16) != []


def test_a_long_bound_on_a_patterned_string_has_a_witness() -> None:
    """maxLength 65535 added to a string that must match an anchored pattern: the witness is a
    pattern sample grown to 65,536 characters (within the 256 KB payload cap)."""
    old = {"type": "object", "properties": {"sensor": {"type": "string", "pattern": "^[a-z]+-[0-9]+$"}}}
    new = {
        "type": "object",
        "properties": {"sensor": {"type": "string", "pattern": "^[a-z]+-[0-9]+$", "maxLength": 65535}},
    }
    [change] = compare(old, new).breaking_changes
    assert change.has_witness and len(change.witness["sensor"]) == 65536
    assert validate_payload(old, change.witness) == [] and validate_payload(new, change.witness) != []


def test_skipping_unused_handler_families_changes_no_report(monkeypatch: pytest.MonkeyPatch) -> None:
    """The walk skips a family handler (numbers, strings, arrays, objects, combinators) where neither schema
    uses its keywords; every hand-written case, both ways and under both policies, gets the same
    report with the skip turned off."""
    from compat_cases import CASES, CONSERVATIVE

    from platformxe.rules.compat import core

    pairs = [(c.old, c.new) for c in CASES + CONSERVATIVE] + [(c.new, c.old) for c in CASES + CONSERVATIVE]
    with_skip = [compare(a, b, p) for a, b in pairs for p in ("strict", "lenient")]
    monkeypatch.setattr(core, "SKIP_UNUSED_FAMILIES", False)
    without = [compare(a, b, p) for a, b in pairs for p in ("strict", "lenient")]
    assert len(pairs) > 250
    assert with_skip == without


def _repeated(old: Any, new: Any, names: list[str], closed: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """Both schemas under the same names of one object (the memo's case: one shape, many places)."""

    def under(schema: Any) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "object", "properties": {n: copy.deepcopy(schema) for n in names}}
        if closed:
            out["additionalProperties"] = False
        return out

    return under(old), under(new)


def test_working_out_each_property_shape_once_changes_no_report(monkeypatch: pytest.MonkeyPatch) -> None:
    """The walk works out a pair of reference-free property subschemas once per comparison and
    re-bases the findings on every property with the same pair (compat.places): every
    hand-written case, put under several property names (odd ones too: empty, with "/", "~", ".")
    and nested twice, both ways and under both policies, gets the same report without it."""
    from compat_cases import CASES, CONSERVATIVE

    from platformxe.rules.compat import places

    pairs: list[tuple[Any, Any]] = []
    for i, c in enumerate(CASES + CONSERVATIVE):
        a, b = (c.old, c.new) if i % 2 else (c.new, c.old)
        names = ["x0", "x1"] if i % 3 else ["", "a/b", "~1", "p.q"]
        pairs.append(_repeated(a, b, names, closed=i % 4 < 2))
        if i % 5 == 0:
            pairs.append(_repeated(*pairs[-1], ["outer", "inner"], closed=False))
    with_memo = [compare(a, b, p) for a, b in pairs for p in ("strict", "lenient")]
    monkeypatch.setattr(places, "MEMO_PLACES", False)
    without = [compare(a, b, p) for a, b in pairs for p in ("strict", "lenient")]
    assert len(pairs) > 250
    assert sum(1 for r in with_memo if r.changes) > 350  # most of them report something per place
    assert with_memo == without


def test_hundreds_of_alike_properties_each_report_their_own_place() -> None:
    """A bound raised on 300 alike properties: 300 changes, each naming its own property and
    pointer; one of them lowered instead is breaking, with a witness at that property only."""
    props = {f"f{i:03d}": {"type": "string", "maxLength": 64} for i in range(300)}
    old = {"type": "object", "properties": props, "additionalProperties": False}
    new = copy.deepcopy(old)
    for p in new["properties"].values():
        p["maxLength"] = 128
    new["properties"]["f150"]["maxLength"] = 32
    report = compare(old, new)
    raised = [c for c in report.changes if c.kind == "max_length_raised"]
    assert len(raised) == 299
    assert {c.pointer for c in raised} == {f"/properties/f{i:03d}/maxLength" for i in range(300) if i != 150}
    assert all(f'"{c.pointer.split("/")[2]}"' in c.message for c in raised)
    [broken] = report.breaking_changes
    assert broken.pointer == "/properties/f150/maxLength" and '"f150"' in broken.message
    assert broken.has_witness and set(broken.witness) == {"f150"} and 32 < len(broken.witness["f150"]) <= 64


def test_alike_properties_under_the_lenient_view_keep_their_own_originals() -> None:
    """Under lenient, two properties whose closed views are equal but whose originals differ (one
    inner object open, one closed by its author) are two places: only the closed one reports
    its additionalProperties: false removed."""

    def prop(closed: bool) -> dict[str, Any]:
        inner: dict[str, Any] = {"type": "object", "properties": {"b": {"type": "string"}}}
        if closed:
            inner["additionalProperties"] = False
        return {"type": "object", "properties": {"a": inner}}

    old = {"type": "object", "properties": {"x0": prop(False), "x1": prop(True)}}
    new = {"type": "object", "properties": {n: {**prop(False), "description": "d"} for n in ("x0", "x1")}}
    report = compare(old, new, "lenient")
    assert report.compatible
    assert [c.pointer for c in report.changes] == [
        "/properties/x0/description",
        "/properties/x1/properties/a/additionalProperties",
        "/properties/x1/description",
    ]
