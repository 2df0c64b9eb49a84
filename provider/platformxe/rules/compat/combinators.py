"""Handlers for ``$ref``, ``allOf``, ``anyOf``, ``oneOf``, ``not`` and ``if``/``then``/``else``,
and the disjointness prover they need.

- new ``allOf``: the piece must be included in every branch.
- new ``anyOf``: every *case* of the piece must be included in some branch; cases come from
  the old node's own ``anyOf``/``oneOf``/``if`` (split on demand) and from its instance kinds.
- new ``oneOf``: every case must be included in one branch *and disjoint from all others*,
  otherwise an old payload could match two branches and be refused.
- new ``not N``: the piece must be disjoint from N.
- new ``if I then T else E``: the piece's part inside I must be in T (vacuous when the piece is
  disjoint from I), its part outside I in E (vacuous when the piece is inside I).

Disjointness is proved, never assumed: different instance kinds, non-overlapping numeric,
length or size ranges, a required property whose values cannot coincide, an exact check of a
finite side, or a negated conjunct that covers the other side.
"""

from __future__ import annotations

from typing import Any

from platformxe.rules.compat.knowledge import Knowledge, effective_lower, effective_upper
from platformxe.rules.compat.model import SYNTHETIC, Finding, Node, Piece, join, same
from platformxe.rules.compat.report import Prover, has_breaking, label, show
from platformxe.rules.compat.traversal import cases
from platformxe.rules.compat.values import NUMERIC, kind_of, strict_equal
from platformxe.rules.compat.views import OldObjects

_MAX_CASE_DEPTH = 4


def combinator_handler(
    walk: Prover, k: Knowledge, piece: Piece, new: Node, primary: Node | None, ipath: tuple[Any, ...]
) -> list[Finding]:
    """All combinator keywords of the new node."""
    out: list[Finding] = []
    out += _ref(walk, piece, new, primary, ipath)
    out += _all_of(walk, piece, new, primary, ipath)
    out += _any_one_of(walk, k, piece, new, primary, ipath, "anyOf")
    out += _any_one_of(walk, k, piece, new, primary, ipath, "oneOf")
    out += _not(walk, piece, new, primary, ipath)
    out += _if(walk, piece, new, primary, ipath)
    return out


def _branches(node: Node | None, kw: str) -> list[Node]:
    if node is None:
        return []
    v = node.get(kw)
    return [c for i in range(len(v) if isinstance(v, list) else 0) if (c := node.child(kw, i)) is not None]


def _ref(
    walk: Prover, piece: Piece, new: Node, primary: Node | None, ipath: tuple[Any, ...]
) -> list[Finding]:
    where = label(ipath)
    out: list[Finding] = []
    if new.has("$dynamicRef"):
        out.append(walk.finding("not_proven", join(new.ptr, "$dynamicRef"), True, f"{where} uses $dynamicRef",
                                why="the checker does not follow dynamic references", ipath=ipath))  # fmt: skip
    if not new.has("$ref"):
        if primary is not None and primary.has("$ref"):
            out.append(walk.finding("ref_removed", join(primary.ptr, "$ref"), False,
                                    f"reference {show(primary.get('$ref'))} of {where} removed"))  # fmt: skip
        return out
    ref = new.get("$ref")
    target = new.doc.resolve(ref)
    ptr = join(new.ptr, "$ref")
    if target is None:
        out.append(walk.finding("not_proven", ptr, True, f"reference {show(ref)} of {where} cannot be followed",
                                why="only local references (#/…) in documents without nested $id are followed",
                                ipath=ipath))  # fmt: skip
        return out
    prim = primary.doc.resolve(primary.get("$ref")) if primary is not None and primary.has("$ref") else None
    inner = walk.check(piece, target, ipath, prim)
    if primary is not None and not strict_equal(primary.get("$ref"), ref):
        bad = has_breaking(inner)
        first = next((f for f in inner if f.breaking), None)
        out.append(walk.finding("ref_changed", ptr, bad, f"reference of {where} changed from "
                                f"{show(primary.get('$ref'))} to {show(ref)}",
                                why=first.message if first else "", ipath=ipath, piece=piece, target=new))  # fmt: skip
        out += [f for f in inner if not f.breaking]
        return out
    return out + inner


def _all_of(
    walk: Prover, piece: Piece, new: Node, primary: Node | None, ipath: tuple[Any, ...]
) -> list[Finding]:
    where = label(ipath)
    news, olds = _branches(new, "allOf"), _branches(primary, "allOf")
    out: list[Finding] = []
    if len(news) == len(olds) and news:
        for b, o in zip(news, olds, strict=True):
            out += walk.check(piece, b, ipath, o)
        return out
    for i, b in enumerate(news):
        if any(same(o, b) for o in olds):
            continue
        inner = walk.check(piece, b, ipath, None)
        first = next((f for f in inner if f.breaking), None)
        text = f"allOf branch {i} of {where} added or changed"
        if first is None:
            text += " (old payloads already satisfy it)"
        out.append(walk.finding("all_of_changed", b.ptr, first is not None, text,
                                why="" if first is None else first.message + (f" ({first.why})" if first.why else ""),
                                ipath=first.ipath if first else ipath, piece=first.piece if first else None,
                                target=first.target if first else None, hints=first.hints if first else []))  # fmt: skip
    for i, o in enumerate(olds):
        if not any(same(o, b) for b in news):
            out.append(
                walk.finding("all_of_branch_removed", o.ptr, False, f"allOf branch {i} of {where} removed")
            )
    return out


def _old_cases(k: Knowledge, piece: Piece, primary: Node | None, kw: str) -> list[Piece]:
    """Cases of the piece aligned with the old node's own anyOf/oneOf when it has one."""
    for node, dkw in k.disj:
        if primary is not None and node.key == primary.key and dkw == kw:
            return cases(piece, node, kw)
    return [piece]


def _covered(
    walk: Prover, case: Piece, branches: list[Node], one: bool, ipath: tuple[Any, ...], depth: int = 0
) -> bool:
    """Every instance of the case matches some branch (exactly one when ``one``)."""
    for i, b in enumerate(branches):
        if walk.proves(case, b, ipath) and (
            not one or all(disjoint(walk, case, Piece((o,))) for j, o in enumerate(branches) if j != i)
        ):
            return True
    if depth >= _MAX_CASE_DEPTH or walk.exhausted:
        return False
    kc = walk.knowledge(case)
    if kc.empty:
        return True
    if kc.disj:
        node, dkw = kc.disj[0]
        return all(_covered(walk, c, branches, one, ipath, depth + 1) for c in cases(case, node, dkw))
    if len(kc.kinds) > 1:
        return all(
            _covered(walk, case.restrict(frozenset({kind})), branches, one, ipath, depth + 1)
            for kind in sorted(kc.kinds)
        )
    split = None
    if kc.kinds <= NUMERIC:
        split = _numeric_split(walk, kc, branches)
    elif kc.kinds in (frozenset({"string"}), frozenset({"array"})):
        split = _length_split(walk, kc, branches, "string" in kc.kinds)
    if split is not None:
        return all(_covered(walk, case.plus(side), branches, one, ipath, depth + 1) for side in split)
    return False


def _length_split(
    walk: Prover, kc: Knowledge, branches: list[Node], strings: bool
) -> tuple[Node, Node] | None:
    """Two synthetic halves (length ≤ c | length ≥ c + 1) at a branch's length bound strictly
    inside the case's length range: every string (array) is in one of them."""
    lo, hi = (kc.min_len, kc.max_len) if strings else (kc.min_items, kc.max_items)
    short, long_ = ("maxLength", "minLength") if strings else ("maxItems", "minItems")
    for b in branches:
        kb = walk.knowledge(Piece((b,)))
        b_lo, b_hi = (kb.min_len, kb.max_len) if strings else (kb.min_items, kb.max_items)
        for c in (b_hi, b_lo - 1 if b_lo > 0 else None):
            if c is not None and lo <= c and (hi is None or c < hi):
                return Node.synthetic({short: c}), Node.synthetic({long_: c + 1})
    return None


def _numeric_split(walk: Prover, kc: Knowledge, branches: list[Node]) -> tuple[Node, Node] | None:
    """Two synthetic halves (x ≤ c | x > c, or x < c | x ≥ c) at a branch bound strictly inside
    the case's range: their union is every number, so proving both halves proves the case."""
    lo, hi = effective_lower(kc), effective_upper(kc)
    for b in branches:
        kb = walk.knowledge(Piece((b,)))
        for value, upper_closed in ((kb.hi, not kb.hi_excl), (kb.lo, kb.lo_excl)):
            if value is None or (lo is not None and value <= lo[0]) or (hi is not None and value >= hi[0]):
                continue
            c = int(value) if value.denominator == 1 else float(value)
            if upper_closed:  # the branch ends at c inclusive (maximum c) or starts after it
                return Node.synthetic({"maximum": c}), Node.synthetic({"exclusiveMinimum": c})
            return Node.synthetic({"exclusiveMaximum": c}), Node.synthetic({"minimum": c})
    return None


def _any_one_of(
    walk: Prover, k: Knowledge, piece: Piece, new: Node, primary: Node | None, ipath: tuple[Any, ...], kw: str
) -> list[Finding]:
    where = label(ipath)
    news, olds = _branches(new, kw), _branches(primary, kw)
    stem = "any_of" if kw == "anyOf" else "one_of"
    out: list[Finding] = []
    if not new.has(kw):
        if primary is not None and primary.has(kw):
            out.append(
                walk.finding(
                    f"{stem}_removed", join(primary.ptr, kw), False, f"{kw} alternatives of {where} removed"
                )
            )
        return out
    one = kw == "oneOf"
    cases_ = _old_cases(k, piece, primary, kw)
    aligned = len(cases_) == len(olds) and len(olds) > 0
    bad_cases = [c for c in cases_ if not _covered(walk, c, news, one, ipath)]
    if aligned:
        for i, (c, o) in enumerate(zip(cases_, olds, strict=True)):
            if any(same(o, b) for b in news) and c not in bad_cases:
                continue
            out.append(walk.finding(f"{stem}_branch_changed", o.ptr, c in bad_cases,
                                    f"{kw} alternative {i} of {where} is removed or changed",
                                    why="payloads matching it may now match " + ("no new alternative" if not one else
                                        "no new alternative, or more than one"), ipath=ipath, piece=c, target=new))  # fmt: skip
        for i, b in enumerate(news):
            if not any(same(o, b) for o in olds):
                out.append(
                    walk.finding(
                        f"{stem}_branch_added", b.ptr, False, f"{kw} alternative {i} added to {where}"
                    )
                )
        if one and bad_cases and not has_breaking(out):
            out.append(walk.finding(f"{stem}_changed", join(new.ptr, kw), True, f"{kw} alternatives of {where} changed",
                                    why="an old payload may now match none or several alternatives", ipath=ipath,
                                    piece=bad_cases[0], target=new))  # fmt: skip
        return out
    unchanged = primary is not None and olds and len(olds) == len(news)
    if unchanged and all(any(same(o, b) for b in news) for o in olds) and not bad_cases:
        return out
    text = f"{where} must now match {'exactly one' if one else 'one'} of {len(news)} alternatives ({kw})"
    why = "old payloads may match " + ("none of them, or several" if one else "none of them")
    out.append(walk.finding(f"{stem}_changed" if olds else f"{stem}_added", join(new.ptr, kw), bool(bad_cases), text,
                            why=why, ipath=ipath, piece=bad_cases[0] if bad_cases else None, target=new))  # fmt: skip
    return out


def _not(
    walk: Prover, piece: Piece, new: Node, primary: Node | None, ipath: tuple[Any, ...]
) -> list[Finding]:
    where = label(ipath)
    if not new.has("not"):
        if primary is not None and primary.has("not"):
            return [
                walk.finding(
                    "not_removed", join(primary.ptr, "not"), False, f"'not' restriction of {where} removed"
                )
            ]
        return []
    target = new.child("not")
    assert target is not None
    ok = disjoint(walk, piece, Piece((target,)))
    if ok and primary is not None and primary.has("not") and strict_equal(primary.get("not"), new.get("not")):
        return []
    kind = "not_changed" if primary is not None and primary.has("not") else "not_added"
    return [walk.finding(kind, target.ptr, not ok, f"{where} must now not match the 'not' schema",
                         why="some old payloads match it", ipath=ipath, piece=piece, target=new)]  # fmt: skip


def _if(walk: Prover, piece: Piece, new: Node, primary: Node | None, ipath: tuple[Any, ...]) -> list[Finding]:
    where = label(ipath)
    group = ("if", "then", "else")
    had = primary is not None and primary.has("if")
    if not new.has("if") or not (new.has("then") or new.has("else")):
        if had and primary is not None:
            return [walk.finding("condition_removed", join(primary.ptr, "if"), False,
                                 f"conditional (if/then/else) of {where} removed")]  # fmt: skip
        return []
    cond = new.child("if")
    assert cond is not None
    then_, else_ = new.child("then"), new.child("else")
    prim_if = primary.child("if") if primary is not None else None
    aligned = prim_if is not None and same(prim_if, cond)
    out: list[Finding] = []
    ok_then = then_ is None or disjoint(walk, piece, Piece((cond,)))
    if not ok_then and then_ is not None:
        inner = walk.check(
            piece.plus(cond), then_, ipath, primary.child("then") if aligned and primary else None
        )
        ok_then = not has_breaking(inner)
        out += inner if aligned else []
    ok_else = else_ is None or walk.proves(piece, cond, ipath)
    if not ok_else and else_ is not None:
        inner = walk.check(
            piece.minus(cond), else_, ipath, primary.child("else") if aligned and primary else None
        )
        ok_else = not has_breaking(inner)
        out += inner if aligned else []
    if aligned and primary is not None and all(strict_equal(primary.get(x), new.get(x)) for x in group):
        return [] if ok_then and ok_else else out
    if aligned and ((ok_then and ok_else) or has_breaking(out)):
        return out
    kind = "condition_changed" if had else "condition_added"
    return [*out, walk.finding(kind, join(new.ptr, "if"), not (ok_then and ok_else),
                               f"conditional (if/then/else) of {where} {'changed' if had else 'added'}",
                               why="some old payloads do not meet the new conditional requirements",
                               ipath=ipath, piece=piece, target=new)]  # fmt: skip


def disjoint(walk: Prover, p: Piece, q: Piece, depth: int = 0) -> bool:
    """Proved: no instance belongs to both pieces."""
    if walk.exhausted or depth > 6:
        return False
    walk.visits += 1
    kp, kq = walk.knowledge(p), walk.knowledge(q)
    if kp.empty or kq.empty:
        return True
    if kp.finite is not None and all(not _member(v, q, kq) for v in kp.finite):
        return True
    if kq.finite is not None and all(not _member(v, p, kp) for v in kq.finite):
        return True
    common = kp.kinds & kq.kinds
    if all(_kind_disjoint(walk, p, q, kind, depth) for kind in sorted(common)):
        return True
    if any(walk.proves(q, n) for n in kp.negs if n.doc is not SYNTHETIC) or any(
        walk.proves(p, n) for n in kq.negs if n.doc is not SYNTHETIC
    ):
        return True
    for piece, k, other, flip in ((q, kq, p, True), (p, kp, q, False)):
        if k.disj:
            node, kw = k.disj[0]
            return all(
                disjoint(walk, other, c, depth + 1) if flip else disjoint(walk, c, other, depth + 1)
                for c in cases(piece, node, kw)
            )
    return False


def _member(v: Any, piece: Piece, k: Knowledge) -> bool:
    """Whether a value may belong to the piece (validator on every conjunct)."""
    if kind_of(v) not in piece.kinds:
        return False
    if not all(n.doc.is_valid(n.schema, v) for n in k.atoms):
        return False
    return not any(n.doc.is_valid(n.schema, v) for n in k.negs)


def _kind_disjoint(walk: Prover, p: Piece, q: Piece, kind: str, depth: int) -> bool:
    kp = walk.knowledge(p.restrict(frozenset({kind})))
    kq = walk.knowledge(q.restrict(frozenset({kind})))
    if kp.empty or kq.empty:
        return True
    if kind in ("integer", "nonint"):
        return _apart(effective_upper(kp), effective_lower(kq)) or _apart(
            effective_upper(kq), effective_lower(kp)
        )
    if kind == "string":
        return (kp.max_len is not None and kp.max_len < kq.min_len) or (
            kq.max_len is not None and kq.max_len < kp.min_len
        )
    if kind == "array":
        return (kp.max_items is not None and kp.max_items < kq.min_items) or (
            kq.max_items is not None and kq.max_items < kp.min_items
        )
    if kind == "object":
        op, oq = OldObjects(walk, kp), OldObjects(walk, kq)
        if (kp.max_props is not None and kp.max_props < kq.min_props) or (
            kq.max_props is not None and kq.max_props < kp.min_props
        ):
            return True
        for name in sorted(kp.required | kq.required):
            vp, vq = op.value(name), oq.value(name)
            if (name in kq.required and vp is None) or (name in kp.required and vq is None):
                return True
            both = name in kp.required and name in kq.required
            if both and vp is not None and vq is not None and disjoint(walk, vp, vq, depth + 1):
                return True
    return False


def _apart(hi: tuple[Any, bool] | None, lo: tuple[Any, bool] | None) -> bool:
    if hi is None or lo is None:
        return False
    return bool(hi[0] < lo[0] or (hi[0] == lo[0] and (hi[1] or lo[1])))
