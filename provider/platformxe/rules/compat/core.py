"""The recursive inclusion check: is every instance of an old piece valid under a new node?

``Walk.check(piece, new, ipath, primary)`` returns findings. A finding marked breaking means
"some old instance may be refused here" (proved by a witness later, or just not disproved);
a non-breaking finding is a difference that provably refuses nothing. The new node is a
conjunction of keywords, so the piece is included in it exactly when it is included in each
keyword's constraint; each family handler (types, numbers, strings, arrays, objects,
combinators) proves its keywords from the piece's knowledge. ``primary`` is the old node at the
same place, used only to describe differences (bound raised, property removed …).

Soundness rests on three rules: a handler marks a keyword non-breaking only with a proof; a
breaking verdict may be *overturned* only by an exact argument (every value of a finite old
piece validates under the new node, or every case of an old disjunction is proved); and a
recursive revisit of the same (piece, new node) pair is assumed to hold only when the payload
has been descended into meanwhile (induction on the payload's size — payloads are finite).
"""

from __future__ import annotations

import time
from typing import Any

from platformxe.rules.compat.knowledge import Knowledge, knowledge, like, shape_key
from platformxe.rules.compat.model import Finding, Node, Piece, inside_original, same
from platformxe.rules.compat.places import Places
from platformxe.rules.compat.report import Handler, flip, has_breaking, label, show
from platformxe.rules.compat.traversal import cases
from platformxe.rules.compat.views import refine

BUDGET = 40_000  # node visits per compare(); beyond it the checker answers "could not prove"


class Walk:
    """State of one compare(): documents, assumption set, budget and the handler list.

    The one implementation of :class:`platformxe.rules.compat.report.Prover`.
    """

    def __init__(self, handlers: list[Handler], deadline: float | None = None) -> None:
        self.handlers = handlers
        self.visits = 0
        self.exhausted = False
        self.deadline = deadline
        self.timed_out = False
        self.in_progress: dict[tuple[Any, ...], int] = {}
        self._kcache: dict[tuple[Any, ...], Knowledge] = {}
        self._shapes: dict[tuple[str, frozenset[str]], Knowledge] = {}  # see knowledge.shape_key
        self._proof_cache: dict[tuple[Any, ...], bool] = {}
        self._emptiness: set[tuple[Any, ...]] = set()
        self.places = Places(self)  # see compat/places.py
        self.current: tuple[Any, ...] = ()  # payload path of the innermost check in progress

    def past_deadline(self) -> bool:
        """Whether the caller's deadline (a ``time.monotonic()`` instant) has passed."""
        if self.deadline is not None and not self.timed_out and time.monotonic() > self.deadline:
            self.timed_out = self.exhausted = True
        return self.timed_out

    def knowledge(self, piece: Piece) -> Knowledge:
        """Cached knowledge of a piece."""
        key = piece.key
        k = self._kcache.get(key)
        if k is None:
            # The plain summary is cached first: refining it looks into value pieces, which
            # may come back to this piece through a recursive schema. Large schemas repeat
            # small property shapes ({"type": "string"} …): their plain summary is made once.
            shape = shape_key(piece)
            proto = self._shapes.get(shape) if shape is not None else None
            if proto is not None:
                k = like(proto, piece)
            else:
                k = knowledge(piece)
                if shape is not None:
                    self._shapes[shape] = k
            self._kcache[key] = k
            k = refine(self, k)
            self._kcache[key] = k
        return k

    def is_empty(self, piece: Piece, depth: int = 0) -> bool:
        """Proved: the piece has no instance (splitting its disjunctions a few levels deep)."""
        k = self.knowledge(piece)
        if k.empty:
            return True
        if not k.negs and not k.disj:
            return False  # nothing to prove empty below (the common case: answered at once)
        if depth >= 3 or self.exhausted or piece.key in self._emptiness:
            return False  # re-entered through the proofs below: no answer rather than a loop
        self._emptiness.add(piece.key)
        # Emptiness feeds the cached knowledge, so it must not lean on the coinductive
        # hypotheses of the proof in progress: it is proved in a fresh, self-contained context.
        saved, self.in_progress = self.in_progress, {}
        saved_at, self.current = self.current, ()
        try:
            if k.negs:  # a negated conjunct that every positive instance satisfies
                plain = Piece(piece.pos, (), piece.kinds, piece.used)
                if any(self.proves(plain, n) for n in k.negs):
                    return True
            if not k.disj:
                return False
            self.visits += 1
            node, kw = k.disj[0]
            return all(self.is_empty(c, depth + 1) for c in cases(piece, node, kw))
        finally:
            self._emptiness.discard(piece.key)
            self.in_progress, self.current = saved, saved_at

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
        return Finding(
            kind,
            pointer,
            breaking,
            message,
            why if breaking else "",
            ipath,
            piece if breaking else None,
            target if breaking else None,
            list(hints or []) if breaking else [],
        )

    def proves(self, piece: Piece, new: Node, ipath: tuple[Any, ...] | None = None) -> bool:
        """Whether every instance of the piece is valid under the new node (no report).

        Without ``ipath`` the question is about the payload place being checked right now, so
        the recursion measure (payload depth) stays consistent with the enclosing proof."""
        if ipath is None:
            ipath = self.current
        key = (piece.key, new.key)
        if not self.in_progress:  # answers inside a recursion may lean on open assumptions
            cached = self._proof_cache.get(key)
            if cached is not None:
                return cached
        result = not has_breaking(self.check(piece, new, ipath, None))
        if not self.in_progress:
            self._proof_cache[key] = result
        return result

    def check(self, piece: Piece, new: Node, ipath: tuple[Any, ...], primary: Node | None) -> list[Finding]:
        """Findings for "piece ⊆ new" at payload path ``ipath`` (see module docstring)."""
        self.visits += 1
        if self.visits > BUDGET or (self.visits % 32 == 0 and self.past_deadline()) or self.timed_out:
            self.exhausted = True
            return [
                self.finding(
                    "not_proven",
                    new.ptr,
                    True,
                    f"the change at {label(ipath)} is too complex to analyse",
                    why="the checker could not prove it compatible within its budget",
                    ipath=ipath,
                    piece=piece,
                    target=new,
                )
            ]
        implied = any(same(n, new) or inside_original(n, new) for n in piece.pos)
        if implied and (primary is None or same(primary, new) or inside_original(primary, new)):
            return []
        schema = new.schema
        k = self.knowledge(piece)
        # A conjunct every old value satisfies (an allOf branch, a $ref target) that is the new
        # node itself proves the inclusion too (allOf [X, Y] -> X), whatever the walk finds.
        implied = implied or any(a.schema is not True and same(a, new) for a in k.atoms)
        if primary is not None and primary.key not in k.atom_keys and primary.schema is not True:
            # Handlers may treat a keyword identical in the primary and the new node as proved;
            # that is only valid when the primary is one of the piece's conjuncts.
            primary = None
        vacuous = k.empty or bool(k.negs and self.is_empty(piece))
        if vacuous and primary is None:
            return []  # no old instance reaches this place
        if schema is False:
            return [
                self.finding(
                    "schema_false",
                    new.ptr,
                    not vacuous,
                    f"{label(ipath)} is no longer accepted at all (schema false)",
                    ipath=ipath,
                    piece=piece,
                    target=new,
                )
            ]
        if schema is True:
            new = Node(new.doc, {}, new.ptr)
        elif not isinstance(schema, dict):
            return [
                self.finding(
                    "not_proven",
                    new.ptr,
                    True,
                    f"the new schema at {label(ipath)} is not a JSON Schema",
                    ipath=ipath,
                )
            ]
        key = (piece.key, new.key)
        depth = len(ipath)
        entered = self.in_progress.get(key)
        if entered is not None:
            if entered < depth:
                return []  # coinductive hypothesis, used only on a strictly smaller payload part
            return [
                self.finding(
                    "not_proven",
                    new.ptr,
                    True,
                    f"the schema at {label(ipath)} refers to itself without descending into the payload",
                    why="the checker could not prove the recursion compatible",
                    ipath=ipath,
                )
            ]
        self.in_progress[key] = depth
        outer, self.current = self.current, ipath
        try:
            findings: list[Finding] = []
            mine, theirs = _keywords(new.schema), _keywords(primary.schema) if primary is not None else ()
            for handler in self.handlers:
                family: frozenset[str] | None = getattr(handler, "keywords", None)
                if (
                    family is not None
                    and SKIP_UNUSED_FAMILIES
                    and family.isdisjoint(mine)
                    and family.isdisjoint(theirs)
                ):
                    continue  # neither schema uses this handler's keywords here: nothing to report
                findings.extend(handler(self, k, piece, new, primary, ipath))
            if implied or vacuous:
                flip(findings)
            elif k.finite is not None:
                self._settle_finite(k, piece, new, ipath, findings)
            elif (
                has_breaking(findings)
                and k.disj
                and not self.exhausted
                and self._cases_prove(piece, k, new, ipath)
            ):
                flip(findings)
            return findings
        finally:
            del self.in_progress[key]
            self.current = outer

    def _settle_finite(
        self, k: Knowledge, piece: Piece, new: Node, ipath: tuple[Any, ...], findings: list[Finding]
    ) -> None:
        """Old admits finitely many values here: validate each under the new node (exact)."""
        assert k.finite is not None
        bad = [v for v in k.finite if not new.doc.is_valid(new.schema, v)]
        if not bad:
            flip(findings)
            return
        breaking = [f for f in findings if f.breaking]
        if not breaking:
            findings.append(
                self.finding(
                    "value_refused",
                    new.ptr,
                    True,
                    f"{label(ipath)}: the old value {show(bad[0])} is refused by the new schema",
                    ipath=ipath,
                    piece=piece,
                    target=new,
                    hints=bad[:3],
                )
            )
        for f in breaking:
            f.hints.extend(bad[:3])

    def _cases_prove(self, piece: Piece, k: Knowledge, new: Node, ipath: tuple[Any, ...]) -> bool:
        """Split the piece on its first disjunction and prove every case."""
        node, kw = k.disj[0]
        return all(self.proves(case, new, ipath) for case in cases(piece, node, kw))


#: Skip a family handler (``handler.keywords``) where neither schema uses its keywords; a test
#: turns it off and checks that no report changes.
SKIP_UNUSED_FAMILIES = True


def _keywords(schema: Any) -> Any:
    """The schema's keywords: the object itself (``isdisjoint`` reads its keys), or none."""
    return schema if isinstance(schema, dict) else ()
