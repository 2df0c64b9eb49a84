"""The old piece seen as objects: which keys old payloads can carry and with which values.

``OldObjects.value(name)`` is the old value piece of a key *named* anywhere: its ``properties``
entries, the pattern properties whose regex matches the name (``re.search``, as the validator
does) or else the catch-all (``additionalProperties``, or ``unevaluatedProperties`` when nothing
in place can evaluate the key); None when old payloads can never carry the key. ``obligation``
proves a constraint on every *unnamed* key, one old atom at a time.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from platformxe.rules.compat import automata
from platformxe.rules.compat.core import AnyKey
from platformxe.rules.compat.knowledge import Knowledge
from platformxe.rules.compat.model import SYNTHETIC, Node, Piece

if TYPE_CHECKING:
    from platformxe.rules.compat.core import Walk


def search(pattern: str, name: str) -> bool | None:
    """``re.search`` as the validator runs it; None when the pattern does not compile."""
    try:
        return re.search(pattern, name) is not None
    except (re.error, TypeError):
        return None


def dict_of(node: Node | None, kw: str) -> dict[str, Any]:
    """A keyword's value when it is an object (properties, patternProperties …), else {}."""
    if node is None:
        return {}
    v = node.get(kw)
    return v if isinstance(v, dict) else {}


def inplace(node: Node) -> list[Node]:
    """The node and every subschema applied to the same instance (refs followed, any branch)."""
    out: list[Node] = []
    seen: set[tuple[str, str]] = set()
    work = [node]
    while work:
        n = work.pop()
        if n.key in seen or not isinstance(n.schema, dict):
            continue
        seen.add(n.key)
        out.append(n)
        if "$ref" in n.schema:
            t = n.doc.resolve(n.schema["$ref"])
            if t is not None:
                work.append(t)
        for kw in ("allOf", "anyOf", "oneOf"):
            v = n.get(kw)
            for i in range(len(v) if isinstance(v, list) else 0):
                work.append(n.child(kw, i))  # type: ignore[arg-type]
        for kw in ("if", "then", "else"):
            c = n.child(kw)
            if c is not None:
                work.append(c)
        for name in dict_of(n, "dependentSchemas"):
            work.append(n.child("dependentSchemas", name))  # type: ignore[arg-type]
    return out


def always_evaluated(node: Node) -> tuple[set[str], list[str], bool]:
    """Names/patterns certainly evaluated by the node when valid (own, allOf, $ref), and
    whether additionalProperties (or a nested unevaluatedProperties) evaluates every key."""
    names: set[str] = set()
    pats: list[str] = []
    everything = False
    seen: set[tuple[str, str]] = set()
    work = [node]
    while work:
        n = work.pop()
        if n.key in seen or not isinstance(n.schema, dict):
            continue
        seen.add(n.key)
        names |= set(dict_of(n, "properties"))
        pats += list(dict_of(n, "patternProperties"))
        if "additionalProperties" in n.schema or (n is not node and "unevaluatedProperties" in n.schema):
            everything = True
        if "$ref" in n.schema:
            t = n.doc.resolve(n.schema["$ref"])
            if t is None:
                continue
            work.append(t)
        v = n.get("allOf")
        for i in range(len(v) if isinstance(v, list) else 0):
            work.append(n.child("allOf", i))  # type: ignore[arg-type]
    return names, pats, everything


class OldObjects:
    """The old piece seen as objects: value pieces per key name and the undeclared-key rules."""

    def __init__(self, walk: Walk, k: Knowledge) -> None:
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
            pn = a.child("propertyNames")
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
    walk: Walk, old: OldObjects, target: Node, include: str | None, exclude: list[str], ipath: tuple[Any, ...]
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
