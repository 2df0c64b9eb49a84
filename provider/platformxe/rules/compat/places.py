"""Each distinct pair of reference-free property subschemas judged once per compare.

Large schemas repeat property shapes, and a change applied to all of them (a bound raised, a
description added) gives hundreds of places with the same pair of old and new subschemas. When
the old object node alone decides a property's old values (``views.OldObjects.plain``) and
neither subschema holds a ``$``-keyword (no reference out of it, no anchor into it), the walk
below that property reads nothing but the two subschemas (and, under a policy view, the original
subschema at the same pointer); only the payload path named in messages and the pointers differ.
So the first such place is worked out at a path of ``report.HERE`` segments, which ``label``
names ``report.MARK``, and its findings are re-based on every place with the same pair. Only a
harmless answer is reused (nothing breaking: a witness search needs the place's own nodes).
``MEMO_PLACES = False`` turns it off; a test checks that no report changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from platformxe.rules.compat.model import Finding, Node, Piece, join
from platformxe.rules.compat.report import HERE, MARK, Prover, label

MEMO_PLACES = True

#: one reusable answer: (kind, pointer below the place, message naming the place MARK, path below it)
Template = list[tuple[str, str, str, tuple[Any, ...] | None]]


class Places:
    """The answers of one compare (one walk), keyed by (old text, new text, original text)."""

    def __init__(self, walk: Prover) -> None:
        self.walk = walk
        self._known: dict[tuple[str, str, str], Template] = {}

    def check_property(
        self,
        value: Callable[[str], Piece | None],
        primary: Node,
        new: Node,
        name: str,
        ipath: tuple[Any, ...],
    ) -> list[Finding]:
        """Findings for property ``name``, declared by both the old object node ``primary`` and
        the new one ``new``, where ``value(name)`` (the old value piece) is ``primary``'s own
        property node, or None only when that node has no instance (``OldObjects.plain``):
        ``walk.check`` of that piece, worked out once per distinct key (module docstring)."""
        walk, sub = self.walk, (*ipath, name)
        key = _place_key(primary, new, name, sub) if MEMO_PLACES and not walk.exhausted else None
        here, base = label(sub)[1:-1], join(new.ptr, "properties", name)
        known = None if key is None else self._known.get(key)
        if known is not None:
            walk.visits += 1
            return [
                Finding(
                    kind,
                    base + below,
                    False,
                    message.replace(MARK, here),
                    "",
                    () if rest is None else (*sub, *rest),
                )
                for kind, below, message, rest in known
            ]
        vp = value(name)
        if vp is None:  # the old node has no instance: a fact about its content alone
            if key is not None:
                self._known[key] = []
            return []
        prim, target = primary.child("properties", name), new.child("properties", name)
        assert target is not None
        if key is None:
            return walk.check(vp, target, sub, prim)
        width = len(sub)  # the same depth as the real path: the recursion measure is unchanged
        findings = walk.check(vp, target, (HERE,) * width, prim)
        template: Template | None = []
        for f in findings:
            if not f.ipath:
                rest = None
            elif f.ipath[:width] == (HERE,) * width and HERE not in f.ipath[width:]:
                rest = f.ipath[width:]
            else:
                return walk.check(vp, target, sub, prim)  # a path the re-basing cannot name
            raw = f.message
            f.message, f.why = raw.replace(MARK, here), f.why.replace(MARK, here)
            if MARK[1:-1] in f.message or MARK[1:-1] in f.why:
                return walk.check(vp, target, sub, prim)  # the mark reached a text escaped
            f.ipath = () if rest is None else (*sub, *rest)
            inside = f.pointer == base or f.pointer.startswith(base + "/")
            if template is not None and (f.breaking or f.why or not inside):
                template = None  # not reusable
            if template is not None:
                template.append((f.kind, f.pointer[len(base) :], raw, rest))
        if template is not None and not walk.exhausted:
            self._known[key] = template
        return findings


def _place_key(primary: Node, new: Node, name: str, sub: tuple[Any, ...]) -> tuple[str, str, str] | None:
    """The key of a place's answer, or None where the answer may depend on more than the two
    subschemas (see the module docstring)."""
    if primary.ptr != new.ptr or label(sub) == '""':
        return None
    a, b = primary.schema["properties"][name], new.schema["properties"][name]
    if type(a) is not dict or type(b) is not dict:
        return None
    texts = [repr(a), repr(b), ""]
    original = primary.doc.original
    if original is not None:
        at = original.at(join(primary.ptr, "properties", name))
        if at is None:
            return None
        texts[2] = repr(at.schema)
    if any("'$" in t or '"$' in t for t in texts):
        return None
    return texts[0], texts[1], texts[2]
