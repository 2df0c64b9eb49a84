"""Public entry points: ``compare`` and ``is_backward_compatible``."""

from __future__ import annotations

import contextlib
from typing import Any

from platformxe.rules.compat import witness
from platformxe.rules.compat.annotations import annotation_handler
from platformxe.rules.compat.arrays import array_handler
from platformxe.rules.compat.combinators import combinator_handler
from platformxe.rules.compat.core import Walk
from platformxe.rules.compat.model import Doc, Finding, Node, Piece
from platformxe.rules.compat.objects import object_handler
from platformxe.rules.compat.report import Handler
from platformxe.rules.compat.scalars import enum_handler, numeric_handler, string_handler, type_handler
from platformxe.rules.compat.values import strict_equal
from platformxe.rules.types import CompatReport, SchemaChange

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


def compare(old: Any, new: Any) -> CompatReport:
    """Compare two payload schemas.

    ``compatible`` is True only when it is proved that every payload valid under ``old`` is
    valid under ``new`` (Draft 2020-12, formats asserted). ``changes`` lists every difference
    found — breaking ones (with a verified counterexample payload when one was found) and
    harmless ones (property added to a closed object, bound relaxed, annotation changed …).
    """
    if strict_equal(old, new):
        return CompatReport(compatible=True, changes=())
    for label, doc in (("old", old), ("new", new)):
        if not isinstance(doc, dict | bool):
            change = SchemaChange("not_proven", "", True, f"the {label} schema is not a JSON Schema object")
            return CompatReport(compatible=False, changes=(change,))
    old_doc, new_doc = Doc("old", old), Doc("new", new)
    for doc in (old_doc, new_doc):
        if doc.inplace_cycle():
            change = SchemaChange("not_proven", "", True, f"the {doc.label} schema refers to itself without "
                                  "descending into the payload (the validator would not terminate): could not "
                                  "prove the change compatible")  # fmt: skip
            return CompatReport(compatible=False, changes=(change,))
    walk = Walk(HANDLERS)
    root_old = Node(old_doc, old, "")
    try:
        findings = walk.check(Piece((root_old,)), Node(new_doc, new, ""), (), root_old)
    except RecursionError:
        # Soundness over answers: a schema too intricate to analyse is reported as unproven.
        change = SchemaChange("not_proven", "", True, "the schemas are too intricate to compare: could not prove "
                              "the change compatible")  # fmt: skip
        return CompatReport(compatible=False, changes=(change,))
    except Exception as err:  # malformed schemas (the metaschema check refuses them upstream)
        return unanalysable(err)
    findings = _dedupe(findings)
    with contextlib.suppress(Exception):  # witnesses are a courtesy; the verdict stands without them
        _attach_witnesses(walk, findings, old_doc, new_doc)
    changes = tuple(_public(f) for f in findings)
    return CompatReport(compatible=not any(c.breaking for c in changes), changes=changes)


def unanalysable(err: Exception) -> CompatReport:
    """The safety net's answer when analysing the schemas raised: not proven, never an error.

    A separate function so that the fuzz test can replace it with one that re-raises, and see
    internal errors the net would otherwise hide.
    """
    change = SchemaChange("not_proven", "", True, f"the schemas could not be analysed "
                          f"({type(err).__name__}): could not prove the change compatible")  # fmt: skip
    return CompatReport(compatible=False, changes=(change,))


def is_backward_compatible(old_schema: dict[str, Any], new_schema: dict[str, Any]) -> bool:
    """True when every payload valid under ``old_schema`` is valid under ``new_schema`` (proved)."""
    return compare(old_schema, new_schema).compatible


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
