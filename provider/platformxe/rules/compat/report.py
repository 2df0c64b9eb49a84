"""The checker's vocabulary: how places, values and differences are named in reports.

The lowest floor the keyword handlers stand on: payload labels (``"tags[]"``), the stand-in for
an undeclared key, value display, keyword kinds (``maxLength`` → ``max_length``), the shared
report of a bound-like keyword, and ``Prover`` — the questions a handler may ask the walk
(so handlers depend on this interface, never on the walk module above them).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, Protocol

from platformxe.rules.compat.knowledge import Knowledge
from platformxe.rules.compat.model import Finding, Node, Piece, join
from platformxe.rules.compat.values import number, strict_equal

if TYPE_CHECKING:
    from platformxe.rules.compat.places import Places


class Prover(Protocol):
    """What handlers, the old-piece views and witnesses may ask of the walk (``core.Walk``)."""

    visits: int
    exhausted: bool
    #: the walk's answers per distinct property pair (``compat.places``)
    places: Places

    def knowledge(self, piece: Piece) -> Knowledge:
        """What every instance of ``piece`` is known to satisfy."""

    def is_empty(self, piece: Piece, depth: int = 0) -> bool:
        """Proved: the piece has no instance."""

    def proves(self, piece: Piece, new: Node, ipath: tuple[Any, ...] | None = None) -> bool:
        """Whether every instance of the piece is valid under the new node."""

    def check(self, piece: Piece, new: Node, ipath: tuple[Any, ...], primary: Node | None) -> list[Finding]:
        """Findings for "piece ⊆ new" at payload path ``ipath``."""

    def finding(
        self,
        kind: str,
        pointer: str,
        breaking: bool,
        message: str,
        *,
        why: str = "",
        ipath: tuple[Any, ...] = (),
        piece: Piece | None = None,
        target: Node | None = None,
        hints: list[Any] | None = None,
    ) -> Finding:
        """Build a finding (witness material kept only when breaking)."""


class AnyKey:
    """A payload path segment standing for "some property not declared by name"."""

    __slots__ = ("pattern",)

    def __init__(self, pattern: str | None = None) -> None:
        self.pattern = pattern

    def __repr__(self) -> str:
        return f"AnyKey({self.pattern!r})"


class Here:
    """A payload path segment standing for "the place being worked out" (``compat.places``).

    A path that starts with these segments is named ``MARK`` followed by the rest, so the findings
    worked out once can be re-based on every place that has the same old and new subschemas."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "Here()"


HERE = Here()
#: the name of the place in a ``Here`` path: no schema text or payload name holds it
MARK = "\x00here-" + os.urandom(6).hex() + "\x00"


@lru_cache(maxsize=4096)
def label(ipath: tuple[Any, ...]) -> str:
    """A readable name for a place in the payload: "propertyId", "tags[]", "the payload"."""
    if not ipath:
        return "the payload"
    out = ""
    for seg in ipath:
        if seg is HERE:
            out = out or MARK  # the whole leading run of Here segments is one name
        elif isinstance(seg, int):
            out += f"[{seg}]"
        elif isinstance(seg, AnyKey):
            out += ".*" if seg.pattern is None else f".<{seg.pattern}>"
        elif seg == "[]":
            out += "[]"
        else:
            out += ("." if out else "") + str(seg)
    return '"' + out.lstrip(".") + '"'


def has_breaking(findings: list[Finding]) -> bool:
    """Whether any finding is breaking."""
    return any(f.breaking for f in findings)


def flip(findings: list[Finding]) -> None:
    """Mark findings non-breaking after an exact proof covered them."""
    for f in findings:
        f.breaking = False
        f.why = ""
        f.hints = []


#: One keyword family's check: (prover, old knowledge, old piece, new node, primary, payload path).
Handler = Callable[[Prover, Knowledge, Piece, Node, "Node | None", tuple[Any, ...]], list[Finding]]


@cache
def snake(keyword: str) -> str:
    """camelCase keyword -> snake_case kind stem (maxLength -> max_length)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", keyword).lower()


def show(value: Any) -> str:
    """A value in JSON, shortened for messages."""
    # an int's JSON is its repr (the common case: bounds), without the encoder's set-up
    text = repr(value) if type(value) is int else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 60 else text[:57] + "..."


def bound(
    walk: Prover,
    keyword: str,
    new: Node,
    primary: Node | None,
    proved: bool,
    ipath: tuple[Any, ...],
    piece: Piece,
    why: str,
    hints: list[Any],
) -> list[Finding]:
    """Report one bound-like keyword: added, removed, raised or lowered (breaking unless proved)."""
    has_new = new.has(keyword)
    has_old = primary is not None and primary.has(keyword)
    if not has_new and not has_old:
        return []
    where = label(ipath)
    stem = snake(keyword)
    if has_old and not has_new:
        assert primary is not None
        return [
            walk.finding(
                f"{stem}_removed",
                join(primary.ptr, keyword),
                False,
                f"{keyword} of {where} removed (was {show(primary.get(keyword))})",
            )
        ]
    if not has_new:
        return []
    value = new.get(keyword)
    ptr = join(new.ptr, keyword)
    if has_old:
        assert primary is not None
        before = primary.get(keyword)
        if strict_equal(before, value):
            return []
        a, b = number(before), number(value)
        verb = "changed" if a is None or b is None else ("raised" if b > a else "lowered")
        return [
            walk.finding(
                f"{stem}_{verb}",
                ptr,
                not proved,
                f"{keyword} of {where} {verb} from {show(before)} to {show(value)}",
                why=why,
                ipath=ipath,
                piece=piece,
                target=new,
                hints=hints,
            )
        ]
    return [
        walk.finding(
            f"{stem}_added",
            ptr,
            not proved,
            f"{keyword} {show(value)} added to {where}",
            why=why,
            ipath=ipath,
            piece=piece,
            target=new,
            hints=hints,
        )
    ]
