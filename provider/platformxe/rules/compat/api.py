"""Public entry points: ``compare`` and ``is_backward_compatible``."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import Any

from platformxe.rules import budget as regex_budget
from platformxe.rules.compat import witness
from platformxe.rules.compat.annotations import annotation_handler
from platformxe.rules.compat.arrays import array_handler
from platformxe.rules.compat.combinators import combinator_handler
from platformxe.rules.compat.core import Walk
from platformxe.rules.compat.model import Doc, Finding, Node, Piece, same_values
from platformxe.rules.compat.objects import object_handler
from platformxe.rules.compat.policy import check_policy, closed_view
from platformxe.rules.compat.report import Handler
from platformxe.rules.compat.scalars import enum_handler, numeric_handler, string_handler, type_handler
from platformxe.rules.compat.values import strict_equal
from platformxe.rules.types import CompatReport, SchemaChange
from platformxe.rules.walk import (
    SCHEMA_LIST_KEYWORDS,
    SCHEMA_MAP_KEYWORDS,
    SCHEMA_VALUE_KEYWORDS,
    iter_schemas,
)

HANDLERS: list[Handler] = [
    type_handler,
    enum_handler,
    numeric_handler,
    string_handler,
    array_handler,
    object_handler,
    combinator_handler,
    annotation_handler,
]
MAX_WITNESSES = 8

# The keywords each family handler reads from the new node and its primary: when neither schema
# at a place carries one of them, the handler has nothing to report there and is skipped
# (tests/unit/test_compat_recall.py compares every hand-written case with and without the skip).
numeric_handler.keywords = frozenset(  # type: ignore[attr-defined]
    {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
)
string_handler.keywords = frozenset({"minLength", "maxLength", "pattern", "format"})  # type: ignore[attr-defined]
array_handler.keywords = frozenset(  # type: ignore[attr-defined]
    {"prefixItems", "items", "contains", "minContains", "maxContains", "minItems", "maxItems",
     "uniqueItems", "unevaluatedItems"}
)  # fmt: skip
combinator_handler.keywords = frozenset(  # type: ignore[attr-defined]
    {"$ref", "$dynamicRef", "allOf", "anyOf", "oneOf", "not", "if", "then", "else"}
)
object_handler.keywords = frozenset(  # type: ignore[attr-defined]
    {"properties", "patternProperties", "additionalProperties", "unevaluatedProperties", "propertyNames",
     "required", "dependentRequired", "dependentSchemas", "minProperties", "maxProperties"}
)  # fmt: skip


def compare(old: Any, new: Any, policy: str = "strict", deadline: float | None = None) -> CompatReport:
    """Compare two payload schemas under a compatibility policy.

    ``compatible`` is True only when it is proved that every payload valid under ``old`` is
    valid under ``new`` (Draft 2020-12, formats asserted) — under ``policy="lenient"``, every
    such payload carrying only declared properties (``policy.lenient_view``). ``changes`` lists
    every difference found — breaking ones (with a verified counterexample payload when one was
    found) and harmless ones. The report names the policy that judged it.

    ``deadline`` is a ``time.monotonic()`` instant: past it the checker stops and answers "not
    proven: the schemas are too costly to compare".
    """
    policy = check_policy(policy)
    if strict_equal(old, new):
        return CompatReport(compatible=True, changes=(), policy=policy)
    # The values the checker validates itself (finite old sets, witnesses) match patterns on the
    # request's regex budget, or on one of its own; a match cut off by the budget reads as
    # "invalid", which could drop an old value from the old set: once the budget is spent, no
    # verdict of this comparison is trusted.
    with regex_budget.spending(regex_budget.COMPARE_BUDGET_SECONDS) as spent:
        report = _compare(old, new, policy, deadline)
    if spent.remaining() <= 0:
        return too_costly(policy)
    return report


def _compare(old: Any, new: Any, policy: str, deadline: float | None) -> CompatReport:
    for label, doc in (("old", old), ("new", new)):
        if not isinstance(doc, dict | bool):
            change = SchemaChange("not_proven", "", True, f"the {label} schema is not a JSON Schema object")
            return CompatReport(compatible=False, changes=(change,), policy=policy)
    judged_old, view_added = closed_view(old) if policy == "lenient" else (old, set())
    original = Doc("old", old) if judged_old is not old else None
    old_doc, new_doc = Doc("old", judged_old, original), Doc("new", new)
    for doc in (old_doc, new_doc):
        if doc.inplace_cycle():
            change = SchemaChange("not_proven", "", True, f"the {doc.label} schema refers to itself without "
                                  "descending into the payload (the validator would not terminate): could not "
                                  "prove the change compatible")  # fmt: skip
            return CompatReport(compatible=False, changes=(change,), policy=policy)
    walk = Walk(HANDLERS, deadline=deadline)
    root_old = Node(old_doc, judged_old, "")
    try:
        findings = walk.check(Piece((root_old,)), Node(new_doc, new, ""), (), root_old)
    except RecursionError:
        # Soundness over answers: a schema too intricate to analyse is reported as unproven.
        change = SchemaChange("not_proven", "", True, "the schemas are too intricate to compare: could not prove "
                              "the change compatible")  # fmt: skip
        return CompatReport(compatible=False, changes=(change,), policy=policy)
    except Exception as err:  # malformed schemas (the metaschema check refuses them upstream)
        return replace(unanalysable(err), policy=policy)
    if walk.timed_out:
        return too_costly(policy)
    findings = [f for f in _dedupe(findings) if f.breaking or f.pointer not in view_added]
    if any(f.breaking for f in findings) and same_meaning(old, new):
        # The walk could not prove what is true by construction: the documents differ only in
        # annotations, so every payload gets the same answer from both (the harmless changes stay).
        findings = [f for f in findings if not f.breaking]
    with contextlib.suppress(Exception):  # witnesses are a courtesy; the verdict stands without them
        _attach_witnesses(walk, findings, old_doc, new_doc)
    if walk.timed_out:
        return too_costly(policy)
    # the documents' searches were made for inplace_cycle (the lenient view's is not the old one's)
    findings += _unmodelled(old, new, old_doc if old_doc.root is old else None, new_doc)
    changes = tuple(_public(f) for f in findings)
    return CompatReport(compatible=not any(c.breaking for c in changes), changes=changes, policy=policy)


#: the same words as rules/budget.py's (the registry adds its budget); a unit test keeps them equal
TOO_COSTLY = "not proven: the schemas are too costly to compare"


def too_costly(policy: str = "strict") -> CompatReport:
    """The answer past the deadline: not proven, one change saying why."""
    change = SchemaChange("not_proven", "", True, TOO_COSTLY)
    return CompatReport(compatible=False, changes=(change,), policy=policy)


#: Constructs whose meaning the checker does not model: a document using one is never proved
#: compatible (unless both schemas are equal), however the walk went.
_UNMODELLED = ("$dynamicRef", "$dynamicAnchor")


def _unmodelled(old: Any, new: Any, old_doc: Doc | None = None, new_doc: Doc | None = None) -> list[Finding]:
    out: list[Finding] = []
    for label, schema, doc in (("old", old, old_doc), ("new", new, new_doc)):
        # C speed: most documents use none of these words at all (a view's search is its original's)
        if not (doc or Doc(label, schema)).may_mention("$dynamicRef", "$dynamicAnchor", "$id"):
            continue
        for node in iter_schemas(schema):
            sub = node.schema
            if not isinstance(sub, dict):
                continue
            used = [k for k in _UNMODELLED if k in sub]
            if node.parent is not None and "$id" in sub:
                used.append("an embedded $id")
            if used:
                where = node.pointer or "the root"
                out.append(Finding("not_proven", node.pointer, True, f"the {label} schema uses {used[0]} at {where}",
                                   "the checker does not model dynamic references or embedded resources, so it "
                                   "could not prove the change compatible", (), None, None, []))  # fmt: skip
                break
    return out


#: Keywords that only annotate (2020-12 meta-data and content vocabularies, OpenAPI's own): no
#: validator result depends on them. ``contentSchema`` is left alone (a ``$ref`` may target it).
PURE_ANNOTATIONS = frozenset(
    {
        "title", "description", "examples", "default", "$comment", "deprecated", "readOnly",
        "writeOnly", "contentMediaType", "contentEncoding", "example", "externalDocs",
    }
)  # fmt: skip


def same_meaning(old: Any, new: Any) -> bool:
    """Proved: the two documents differ at most in annotation keywords at schema positions, so
    every payload gets the same answer from both (references followed, as ``model.same`` does).
    False when a ``$ref`` points into an annotation (stripping would change what it means)."""
    if not _equal_without_annotations(old, new):
        return False  # most documents differ in more than annotations: found at the first difference
    a, b = _without_annotations(old), _without_annotations(new)
    if a is None or b is None:
        return False
    return same_values(Doc("old", a), a, Doc("new", b), b)


def _without_annotations(schema: Any) -> Any:
    for node in iter_schemas(schema):
        ref = node.schema.get("$ref") if isinstance(node.schema, dict) else None
        if isinstance(ref, str) and any(t in PURE_ANNOTATIONS for t in ref.split("/")):
            return None
    return _strip(schema)


def _equal_without_annotations(x: Any, y: Any) -> bool:
    """``_strip(x) == _strip(y)`` (Python equality, which strict equality implies), without
    building either: False at the first difference."""
    if not isinstance(x, dict) or not isinstance(y, dict):
        return bool(x == y)
    keys = [k for k in x if k not in PURE_ANNOTATIONS]
    if len(keys) != sum(1 for k in y if k not in PURE_ANNOTATIONS) or any(k not in y for k in keys):
        return False
    for key in keys:
        a, b = x[key], y[key]
        if key in SCHEMA_VALUE_KEYWORDS:
            if not _equal_without_annotations(a, b):
                return False
        elif key in SCHEMA_LIST_KEYWORDS and (isinstance(a, list) or isinstance(b, list)):
            if not (isinstance(a, list) and isinstance(b, list) and len(a) == len(b)):
                return False
            if not all(_equal_without_annotations(p, q) for p, q in zip(a, b, strict=True)):
                return False
        elif key in SCHEMA_MAP_KEYWORDS and (isinstance(a, dict) or isinstance(b, dict)):
            if not (isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys()):
                return False
            if not all(_equal_without_annotations(a[name], b[name]) for name in a):
                return False
        elif a != b:
            return False
    return True


def _strip(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in PURE_ANNOTATIONS:
            continue
        if key in SCHEMA_VALUE_KEYWORDS:
            out[key] = _strip(value)
        elif key in SCHEMA_LIST_KEYWORDS and isinstance(value, list):
            out[key] = [_strip(v) for v in value]
        elif key in SCHEMA_MAP_KEYWORDS and isinstance(value, dict):
            out[key] = {name: _strip(v) for name, v in value.items()}
        else:
            out[key] = value  # data (enum, const …) and unknown keywords: kept as they are
    return out


def unanalysable(err: Exception) -> CompatReport:
    """The safety net's answer when analysing the schemas raised: not proven, never an error.

    A separate function so that the fuzz test can replace it with one that re-raises, and see
    internal errors the net would otherwise hide.
    """
    change = SchemaChange("not_proven", "", True, f"the schemas could not be analysed "
                          f"({type(err).__name__}): could not prove the change compatible")  # fmt: skip
    return CompatReport(compatible=False, changes=(change,))


def is_backward_compatible(
    old_schema: dict[str, Any], new_schema: dict[str, Any], policy: str = "strict"
) -> bool:
    """True when every payload valid under ``old_schema`` is valid under ``new_schema`` (proved)."""
    return compare(old_schema, new_schema, policy).compatible


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, str, str, bool]] = set()
    out: list[Finding] = []
    for f in findings:
        key = (f.kind, f.pointer, f.message, f.breaking)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _attach_witnesses(walk: Walk, findings: list[Finding], old: Doc, new: Doc) -> None:
    breaking = [f for f in findings if f.breaking]
    if not breaking:
        return
    walk.exhausted = False
    walk.visits = 0
    bases = witness.root_bases(walk, old)
    for f in breaking[:MAX_WITNESSES]:
        if walk.past_deadline():
            return
        found, payload = witness.find(walk, f, old, new, bases)
        if found:
            f.hints = [_Witness(payload)]


class _Witness:
    """A verified counterexample payload (wrapped so it cannot be confused with a hint)."""

    __slots__ = ("payload",)

    def __init__(self, payload: Any) -> None:
        self.payload = payload


def _public(f: Finding) -> SchemaChange:
    message = f.message
    verified = bool(f.hints) and isinstance(f.hints[0], _Witness)
    if f.breaking and f.why:
        message += f": {f.why}"
    if f.breaking and not verified and "could not prove" not in message:
        message += " (could not prove this compatible)"
    if verified:
        payload = f.hints[0].payload
        return SchemaChange(f.kind, f.pointer, True, message, witness=payload, has_witness=True)
    return SchemaChange(f.kind, f.pointer, f.breaking, message)
