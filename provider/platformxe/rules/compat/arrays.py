"""Handler for array keywords: prefixItems, items, unevaluatedItems, contains, minContains,
maxContains, minItems, maxItems and uniqueItems.

The old value piece of index ``i`` is, per old atom, its ``prefixItems[i]`` when there is one,
else its ``items``, else its ``unevaluatedItems`` when nothing else can evaluate the index.
Indices past the longest prefix all share one piece, so a new ``items`` is checked on each
prefix index it newly covers plus one representative of the tail. Indices the old length
bound (``maxItems``, ``items: false``) rules out are skipped.
"""

from __future__ import annotations

from typing import Any

from platformxe.rules.compat.knowledge import Knowledge
from platformxe.rules.compat.model import Finding, Node, Piece, join
from platformxe.rules.compat.report import Prover, bound, label
from platformxe.rules.compat.traversal import always_items, list_len
from platformxe.rules.compat.values import count, strict_equal
from platformxe.rules.compat.views import OldArrays

ARRAY = frozenset({"array"})


def _primary_item(primary: Node | None, i: int) -> Node | None:
    if primary is None:
        return None
    if i < list_len(primary, "prefixItems"):
        return primary.child("prefixItems", i)
    return primary.child("items")


def array_handler(
    walk: Prover, k: Knowledge, piece: Piece, new: Node, primary: Node | None, ipath: tuple[Any, ...]
) -> list[Finding]:
    """Array keywords (see module docstring)."""
    old = OldArrays(walk, k)
    apiece = piece.restrict(ARRAY)
    out: list[Finding] = []
    where = label(ipath)
    n_prefix = list_len(new, "prefixItems")
    for i in range(n_prefix):
        target = new.child("prefixItems", i)
        assert target is not None
        vp = old.item(i)
        if vp is not None:
            out += walk.check(vp, target, (*ipath, i), _primary_item(primary, i))
    if primary is not None and list_len(primary, "prefixItems") > n_prefix:
        out.append(walk.finding("prefix_items_removed", join(primary.ptr, "prefixItems"), False,
                                f"positional item schemas of {where} removed beyond position {n_prefix}"))  # fmt: skip
    for kw in ("items", "unevaluatedItems"):
        out += _tail(walk, old, new, primary, ipath, kw, n_prefix)
    n = count(new.get("minItems")) if new.has("minItems") else None
    ok = not old.applies or not new.has("minItems") or (n is not None and k.min_items >= n)
    out += bound(walk, "minItems", new, primary, ok, ipath, apiece, "old arrays may be shorter", [])
    n = count(new.get("maxItems")) if new.has("maxItems") else None
    longest = old.longest()
    ok = (
        not old.applies or not new.has("maxItems") or (n is not None and longest is not None and longest <= n)
    )
    out += bound(walk, "maxItems", new, primary, ok, ipath, apiece, "old arrays may be longer", [])
    uniq = new.get("uniqueItems") is True
    longest = old.longest()
    ok = not old.applies or not uniq or k.unique or (longest is not None and longest <= 1)
    if uniq or (primary is not None and primary.get("uniqueItems") is True):
        out += bound(walk, "uniqueItems", new, primary, ok, ipath, apiece, "old arrays may repeat items", [])
    out += _contains(walk, k, old, new, primary, ipath, apiece)
    return out


def _tail(
    walk: Prover,
    old: OldArrays,
    new: Node,
    primary: Node | None,
    ipath: tuple[Any, ...],
    kw: str,
    n_prefix: int,
) -> list[Finding]:
    where = label(ipath)
    if not new.has(kw):
        if primary is not None and primary.has(kw):
            return [walk.finding(f"{'items' if kw == 'items' else 'unevaluated_items'}_removed", join(primary.ptr, kw),
                                 False, f"{kw} schema of {where} removed")]  # fmt: skip
        return []
    target = new.child(kw)
    assert target is not None
    start = n_prefix
    if kw == "unevaluatedItems":
        always = always_items(new)
        if always is None:
            return []  # new items/… evaluate every index: unevaluatedItems applies to none
        start = always
    prim = primary.child(kw) if primary is not None else None
    out: list[Finding] = []
    for i in range(start, max(start, old.prefix_max)):
        vp = old.item(i)
        if vp is not None:
            out += walk.check(vp, target, (*ipath, i), _primary_item(primary, i) if kw == "items" else None)
    tail = max(start, old.prefix_max)
    vp = old.item(tail)
    if vp is not None:
        inner = walk.check(vp, target, (*ipath, tail), prim)
        if target.schema is False and inner:
            f = inner[0]
            f.kind, f.message = (
                f"{'items' if kw == 'items' else 'unevaluated_items'}_closed",
                (f"{where} can no longer have more than {tail} items"),
            )
            f.why = "old arrays could be longer"
            out.append(f)
        else:
            out += inner
    elif prim is None and primary is not None and target.schema is not False:
        out.append(walk.finding(f"{'items' if kw == 'items' else 'unevaluated_items'}_added", target.ptr, False,
                                f"{kw} schema added to {where} (old arrays never reach it)"))  # fmt: skip
    return out


def _contains(
    walk: Prover,
    k: Knowledge,
    old: OldArrays,
    new: Node,
    primary: Node | None,
    ipath: tuple[Any, ...],
    apiece: Piece,
) -> list[Finding]:
    where = label(ipath)
    out: list[Finding] = []
    if not new.has("contains"):
        if primary is not None and primary.has("contains"):
            out.append(walk.finding("contains_removed", join(primary.ptr, "contains"), False,
                                    f"contains requirement of {where} removed"))  # fmt: skip
        return out
    target = new.child("contains")
    assert target is not None
    k_new = count(new.get("minContains", 1))
    m_new = count(new.get("maxContains")) if new.has("maxContains") else None
    ok_min = not old.applies or k_new == 0
    if not ok_min and k_new is not None:
        for a in k.atoms:
            c = a.child("contains")
            k_old = count(a.get("minContains", 1))
            matched = c is not None and k_old is not None and k_old >= k_new
            if matched and c is not None and walk.proves(Piece((c,)), target, (*ipath, 0)):
                ok_min = True
                break
        if not ok_min and k.min_items >= k_new:
            # the elements every old array surely has (prefix positions below minItems …) match
            ok_min = old.surely_matching(target, ipath, k_new)
    ok_max = not old.applies or not new.has("maxContains")
    if not ok_max and m_new is not None:
        ok_max = k.max_items is not None and k.max_items <= m_new
        for a in k.atoms:
            c = a.child("contains")
            m_old = count(a.get("maxContains")) if a.has("maxContains") else None
            if not ok_max and c is not None and m_old is not None and m_old <= m_new:
                ok_max = walk.proves(Piece((target,)), c, (*ipath, 0))
    same_group = primary is not None and all(
        _eq(primary.get(x), new.get(x)) for x in ("contains", "minContains", "maxContains")
    )
    if same_group and ok_min and ok_max:
        return out
    text = f"{where} must now contain "
    text += f"at least {k_new} " if k_new != 1 else "an "
    text += "item matching the contains schema"
    if m_new is not None:
        text += f" (at most {m_new})"
    kind = "contains_changed" if primary is not None and primary.has("contains") else "contains_added"
    why = "old arrays need not contain such items" if not ok_min else "old arrays may contain more such items"
    out.append(walk.finding(kind, target.ptr, not (ok_min and ok_max), text, why=why, ipath=ipath, piece=apiece,
                            target=new))  # fmt: skip
    return out


def _eq(a: Any, b: Any) -> bool:
    return strict_equal(a, b)
