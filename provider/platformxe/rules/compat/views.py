"""The old piece seen as objects and as arrays, side by side.

``OldObjects.value(name)`` is the old value piece of a key *named* anywhere: its ``properties``
entries, the pattern properties whose regex matches the name (as the validator matches them)
or else the catch-all (``additionalProperties``, or ``unevaluatedProperties`` when nothing in
place can evaluate the key); None when old payloads can never carry the key. ``obligation``
proves a constraint on every *unnamed* key, one old atom at a time.

``OldArrays.item(i)`` is the old value piece of index ``i``: per old atom its ``prefixItems[i]``
when there is one, else its ``items``, else its ``unevaluatedItems`` when nothing else can
evaluate the index.

``refine`` uses both views to finish a piece's knowledge: no old object exists when a required
key can hold no value, no old array when a position below ``minItems`` can hold none.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from platformxe.rules.compat import automata
from platformxe.rules.compat.knowledge import Knowledge
from platformxe.rules.compat.model import SYNTHETIC, Node, Piece
from platformxe.rules.compat.regex import search
from platformxe.rules.compat.report import AnyKey, Prover
from platformxe.rules.compat.traversal import dict_of, inplace, list_len


class OldObjects:
    """The old piece seen as objects: value pieces per key name and the undeclared-key rules."""

    def __init__(self, walk: Prover, k: Knowledge) -> None:
        self.walk = walk
        self.k = k
        self.applies = "object" in k.kinds
        self.absent: set[str] = set()
        for n in k.negs:  # cases split on dependentSchemas carry "not required [name]"
            if n.doc is SYNTHETIC and set(n.schema) == {"required"} and len(n.schema["required"]) == 1:
                self.absent.add(n.schema["required"][0])
        self._cache: dict[str, Piece | None] = {}
        # Per atom: (pattern -> schema node or None = unknown value, catch-all node or None = open)
        self.rests: list[tuple[list[tuple[str, Node | None]], Node | None]] = []
        self.declared: set[str] = set()
        self.closed_names: set[str] | None = None  # a finite key universe, when one is known
        for a in k.atoms:
            self.declared |= set(dict_of(a, "properties"))
            self.rests.append(self._rest(a))
            pn = a.get("propertyNames")
            finite = _finite_names(pn)
            if finite is not None:
                self.declared |= finite
                self._narrow(finite)
            rest = self.rests[-1]
            if not rest[0] and rest[1] is not None and rest[1].schema is False:
                self._narrow(set(dict_of(a, "properties")) | self._evaluated_names(a))
        only = k.atoms[0] if len(k.atoms) == 1 else None
        #: the only atom, when nothing but its own ``properties`` decides a named key's value (see plain)
        self._plain = (
            only
            if only is not None
            and self.applies
            and not self.absent
            and k.max_props != 0
            and isinstance(only.schema, dict)
            and "patternProperties" not in only.schema
            and "propertyNames" not in only.schema
            else None
        )

    def _narrow(self, names: set[str]) -> None:
        self.closed_names = names if self.closed_names is None else self.closed_names & names

    @staticmethod
    def _evaluated_names(a: Node) -> set[str]:
        if "unevaluatedProperties" in a.schema and "additionalProperties" not in a.schema:
            return {n for x in inplace(a) for n in dict_of(x, "properties")}
        return set()

    def _rest(self, a: Node) -> tuple[list[tuple[str, Node | None]], Node | None]:
        pats: list[tuple[str, Node | None]] = [
            (p, a.child("patternProperties", p)) for p in dict_of(a, "patternProperties")
        ]
        if "additionalProperties" in a.schema:
            return pats, a.child("additionalProperties")
        if "unevaluatedProperties" in a.schema:
            nodes = inplace(a)
            if any(
                "additionalProperties" in x.schema or (x is not a and "unevaluatedProperties" in x.schema)
                for x in nodes
            ):
                return pats, None
            self.declared |= {n for x in nodes for n in dict_of(x, "properties")}
            own = {p for p, _ in pats}
            pats += [
                (p, None)
                for x in nodes
                if x is not a
                for p in dict_of(x, "patternProperties")
                if p not in own
            ]
            return pats, a.child("unevaluatedProperties")
        return pats, None

    def plain(self, primary: Node, name: str) -> bool:
        """Whether ``value(name)`` is ``primary``'s own ``properties`` node for ``name``, or None
        only when that node has no instance: ``primary`` is the only old atom, declares the name,
        and nothing else about the object (patterns, propertyNames, a key known absent, a key
        universe without the name, no properties at all) bears on the name's value."""
        a = self._plain
        return (
            a is not None
            and a.key == primary.key
            and a.doc is primary.doc
            and name in dict_of(a, "properties")
            and (self.closed_names is None or name in self.closed_names)
        )

    def value(self, name: str) -> Piece | None:
        """The old value piece of key ``name``, or None when old objects never carry it."""
        if name in self._cache:
            return self._cache[name]
        result = self._value(name)
        self._cache[name] = result
        return result

    def _value(self, name: str) -> Piece | None:
        k = self.k
        if not self.applies or name in self.absent or k.max_props == 0:
            return None
        if self.closed_names is not None and name not in self.closed_names:
            return None
        nodes: list[Node] = []
        for a in k.atoms:
            matched = False
            c = a.child("properties", name) if name in dict_of(a, "properties") else None
            if c is not None:
                nodes.append(c)
                matched = True
            unknown = False
            for p in dict_of(a, "patternProperties"):
                hit = search(p, name)
                if hit is None:
                    unknown = True
                elif hit:
                    nodes.append(a.child("patternProperties", p))  # type: ignore[arg-type]
                    matched = True
            if not matched and not unknown:
                if "additionalProperties" in a.schema:
                    nodes.append(a.child("additionalProperties"))  # type: ignore[arg-type]
                elif "unevaluatedProperties" in a.schema and not self._maybe_evaluated(a, name):
                    nodes.append(a.child("unevaluatedProperties"))  # type: ignore[arg-type]
            pn = a.child("propertyNames") if "propertyNames" in a.schema else None
            if pn is not None and not pn.doc.is_valid(pn.schema, name):
                return None
        piece = Piece(tuple(nodes))
        return None if self.walk.is_empty(piece) else piece

    @staticmethod
    def _maybe_evaluated(a: Node, name: str) -> bool:
        for x in inplace(a):
            if name in dict_of(x, "properties") or "additionalProperties" in x.schema:
                return True
            if x is not a and "unevaluatedProperties" in x.schema:
                return True
            if any(search(p, name) is not False for p in dict_of(x, "patternProperties")):
                return True
        return False


def _finite_names(pn: Any) -> set[str] | None:
    if not isinstance(pn, dict):
        return set() if pn is False else None
    if "const" in pn:
        return {pn["const"]} if isinstance(pn["const"], str) else set()
    if isinstance(pn.get("enum"), list):
        return {v for v in pn["enum"] if isinstance(v, str)}
    return None


def obligation(
    walk: Prover,
    old: OldObjects,
    target: Node,
    include: str | None,
    exclude: list[str],
    ipath: tuple[Any, ...],
) -> bool:
    """Every undeclared old key (matching ``include`` if given, matching none of ``exclude``)
    has a value valid under ``target``."""
    if not old.applies or old.closed_names is not None:
        return True  # no object, or every possible key is named (and checked by name)
    sub = (*ipath, AnyKey(include))
    for pats, catchall in old.rests:
        names = [p for p, _ in pats]
        if include is not None and include in names:
            node = dict(pats)[include]
            if walk.proves(Piece(() if node is None else (node,)), target, sub):
                return True
            continue
        ok = True
        for p, node in pats:
            if p in exclude or (include is not None and automata.disjoint(p, include)):
                continue  # keys matching p are outside the class
            if any(automata.included([p], x)[0] for x in exclude):
                continue
            if not walk.proves(Piece(() if node is None else (node,)), target, sub):
                ok = False
                break
        # keys matching ``include`` that an old pattern surely matches never reach the catch-all
        covered = include is not None and any(automata.included([include], p)[0] for p in names)
        if ok and not covered and (catchall is None or catchall.schema is not False):
            ok = walk.proves(Piece(() if catchall is None else (catchall,)), target, sub)
        if ok:
            return True
    return not old.rests and walk.proves(Piece(()), target, sub)


class OldArrays:
    """The old piece seen as arrays: per-index value pieces and length bounds."""

    def __init__(self, walk: Prover, k: Knowledge) -> None:
        self.walk = walk
        self.k = k
        self.applies = "array" in k.kinds
        self.prefix_max = 0
        for a in k.atoms:
            self.prefix_max = max(self.prefix_max, list_len(a, "prefixItems"), self._uneval_start(a) or 0)

    @staticmethod
    def _uneval_start(a: Node) -> int | None:
        """First index an atom's unevaluatedItems surely applies from, or None."""
        if "unevaluatedItems" not in a.schema or "items" in a.schema:
            return None
        nodes = inplace(a)
        if any(
            "items" in x.schema or "contains" in x.schema or (x is not a and "unevaluatedItems" in x.schema)
            for x in nodes
        ):
            return None
        return max(list_len(x, "prefixItems") for x in nodes)

    def longest(self) -> int | None:
        """An upper bound on old array length: maxItems / closed tuples, or, for uniqueItems
        arrays whose tail items come from a finite set, the prefix plus that set's size."""
        best = self.k.max_items
        if self.k.unique:
            tail = self.item(self.prefix_max)
            finite = self.walk.knowledge(tail).finite if tail is not None else []
            if finite is not None:
                bound = self.prefix_max + len(finite)
                best = bound if best is None else min(best, bound)
        return best

    def possible(self, i: int) -> bool:
        """Whether old arrays can have an element at index ``i``."""
        return self.applies and (self.k.max_items is None or i < self.k.max_items)

    def item(self, i: int) -> Piece | None:
        """The old value piece at index ``i`` (None when no old array reaches it)."""
        if not self.possible(i):
            return None
        nodes: list[Node] = []
        for a in self.k.atoms:
            if i < list_len(a, "prefixItems"):
                nodes.append(a.child("prefixItems", i))  # type: ignore[arg-type]
            elif "items" in a.schema:
                nodes.append(a.child("items"))  # type: ignore[arg-type]
            else:
                start = self._uneval_start(a)
                if start is not None and i >= start:
                    nodes.append(a.child("unevaluatedItems"))  # type: ignore[arg-type]
        piece = Piece(tuple(nodes))
        return None if self.walk.knowledge(piece).empty else piece

    def surely_matching(self, target: Node, ipath: tuple[Any, ...], need: int) -> bool:
        """At least ``need`` elements of every old array are valid under ``target``.

        Only indices below the old minimum length are counted (they surely exist); an index
        whose old piece is empty means no old array is that long, so it counts vacuously.
        Indices past the longest prefix share one piece, proved once for all of them.
        """
        sure = self.k.min_items
        found = 0
        for i in range(min(sure, self.prefix_max)):
            vp = self.item(i)
            if vp is None or self.walk.proves(vp, target, (*ipath, i)):
                found += 1
                if found >= need:
                    return True
        rest = sure - self.prefix_max
        if rest <= 0 or found + rest < need:
            return False
        vp = self.item(self.prefix_max)
        return vp is None or self.walk.proves(vp, target, (*ipath, self.prefix_max))


def refine(walk: Prover, k: Knowledge) -> Knowledge:
    """``k`` without the container kinds no old instance can have (see the module docstring);
    a new Knowledge, ``k`` itself when nothing changes."""
    if k.empty or k.finite is not None:
        return k
    kinds = k.kinds
    if "object" in kinds and k.required:
        objs = OldObjects(walk, k)
        if any(objs.value(r) is None for r in sorted(k.required)):
            kinds -= {"object"}
    if "array" in kinds and k.min_items:
        arrs = OldArrays(walk, k)
        if any(arrs.item(i) is None for i in range(min(k.min_items, arrs.prefix_max + 1))):
            kinds -= {"array"}
    if kinds == k.kinds:
        return k
    return dataclasses.replace(k, kinds=kinds, empty=not kinds)
