"""Handler for object keywords: properties, patternProperties, additionalProperties,
unevaluatedProperties, propertyNames, required, dependentRequired, dependentSchemas,
minProperties and maxProperties.

Keys fall in two classes. A key *named* somewhere (in either schema's ``properties``,
``required`` …) is checked by name: the old value piece for that name (its ``properties`` entry,
the pattern properties whose regex matches it — tested with ``re.search`` exactly as the
validator does — or else ``additionalProperties``) must be included in every new schema the
name falls under. Every other key is checked per old atom: keys matching an old pattern must
meet the new constraint with that pattern's schema, the remaining keys with the old catch-all
(``additionalProperties``, or ``unevaluatedProperties`` when nothing else can evaluate them).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from platformxe.rules.compat.core import AnyKey, has_breaking, label
from platformxe.rules.compat.knowledge import Knowledge, count
from platformxe.rules.compat.model import SYNTHETIC, Finding, Node, Piece, join, strict_equal
from platformxe.rules.compat.scalars import bound, show

if TYPE_CHECKING:
    from platformxe.rules.compat.core import Walk

OBJECT = frozenset({"object"})


def search(pattern: str, name: str) -> bool | None:
    """``re.search`` as the validator runs it; None when the pattern does not compile."""
    try:
        return re.search(pattern, name) is not None
    except (re.error, TypeError):
        return None


def _dict(node: Node, kw: str) -> dict[str, Any]:
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
        for name in _dict(n, "dependentSchemas"):
            work.append(n.child("dependentSchemas", name))  # type: ignore[arg-type]
    return out


def _always(node: Node) -> tuple[set[str], list[str], bool]:
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
        names |= set(_dict(n, "properties"))
        pats += list(_dict(n, "patternProperties"))
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
            self.declared |= set(_dict(a, "properties"))
            self.rests.append(self._rest(a))
            pn = a.get("propertyNames")
            finite = _finite_names(pn)
            if finite is not None:
                self.declared |= finite
                self._narrow(finite)
            rest = self.rests[-1]
            if not rest[0] and rest[1] is not None and rest[1].schema is False:
                self._narrow(set(_dict(a, "properties")) | self._evaluated_names(a))

    def _narrow(self, names: set[str]) -> None:
        self.closed_names = names if self.closed_names is None else self.closed_names & names

    @staticmethod
    def _evaluated_names(a: Node) -> set[str]:
        if "unevaluatedProperties" in a.schema and "additionalProperties" not in a.schema:
            return {n for x in inplace(a) for n in _dict(x, "properties")}
        return set()

    def _rest(self, a: Node) -> tuple[list[tuple[str, Node | None]], Node | None]:
        pats: list[tuple[str, Node | None]] = [
            (p, a.child("patternProperties", p)) for p in _dict(a, "patternProperties")
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
            self.declared |= {n for x in nodes for n in _dict(x, "properties")}
            own = {p for p, _ in pats}
            pats += [
                (p, None) for x in nodes if x is not a for p in _dict(x, "patternProperties") if p not in own
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
            c = a.child("properties", name) if name in _dict(a, "properties") else None
            if c is not None:
                nodes.append(c)
                matched = True
            unknown = False
            for p in _dict(a, "patternProperties"):
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
        if self.walk.knowledge(piece).empty:
            return None
        return piece

    @staticmethod
    def _maybe_evaluated(a: Node, name: str) -> bool:
        for x in inplace(a):
            if name in _dict(x, "properties") or "additionalProperties" in x.schema:
                return True
            if x is not a and "unevaluatedProperties" in x.schema:
                return True
            if any(search(p, name) is not False for p in _dict(x, "patternProperties")):
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
            if p in exclude:
                continue
            if not walk.proves(Piece(() if node is None else (node,)), target, sub):
                ok = False
                break
        if ok and (catchall is None or catchall.schema is not False):
            ok = walk.proves(Piece(() if catchall is None else (catchall,)), target, sub)
        if ok:
            return True
    return not old.rests and walk.proves(Piece(()), target, sub)


def object_handler(
    walk: Walk, k: Knowledge, piece: Piece, new: Node, primary: Node | None, ipath: tuple[Any, ...]
) -> list[Finding]:
    """Object keywords (see module docstring)."""
    if not isinstance(new.schema, dict):
        return []
    old = OldObjects(walk, k)
    opiece = piece.restrict(OBJECT)
    out: list[Finding] = []
    out += _named(walk, old, new, primary, ipath)
    out += _undeclared(walk, old, new, primary, ipath, opiece)
    out += _required(walk, k, old, new, primary, ipath, opiece)
    out += _dependencies(walk, k, old, new, primary, ipath, opiece)
    out += _property_names(walk, old, new, primary, ipath, opiece)
    n = count(new.get("minProperties")) if new.has("minProperties") else None
    proved = not old.applies or n is None or k.min_props >= n
    out += bound(walk, "minProperties", new, primary, proved or not new.has("minProperties"), ipath, opiece,
                 "old objects may have fewer properties", [])  # fmt: skip
    n = count(new.get("maxProperties")) if new.has("maxProperties") else None
    proved = not old.applies or not new.has("maxProperties")
    if not proved and n is not None:
        universe = old.closed_names
        proved = (k.max_props is not None and k.max_props <= n) or (
            universe is not None and len(universe) <= n
        )
    out += bound(
        walk, "maxProperties", new, primary, proved, ipath, opiece, "old objects may have more properties", []
    )
    return out


def _new_targets(new: Node, name: str) -> list[tuple[str, Node]]:
    """(what, node) pairs of the new node's schemas that apply to the value of key ``name``."""
    out: list[tuple[str, Node]] = []
    matched = name in _dict(new, "properties")
    for p in _dict(new, "patternProperties"):
        if search(p, name) is not False:  # an uncompilable pattern is assumed to apply
            out.append((f"patternProperties /{p}/", new.child("patternProperties", p)))  # type: ignore[arg-type]
            matched = True
    if not matched and new.has("additionalProperties"):
        out.append(("additionalProperties", new.child("additionalProperties")))  # type: ignore[arg-type]
    if new.has("unevaluatedProperties"):
        names, pats, everything = _always(new)
        if not everything and name not in names and not any(search(p, name) is not False for p in pats):
            out.append(("unevaluatedProperties", new.child("unevaluatedProperties")))  # type: ignore[arg-type]
    return out


def _named(
    walk: Walk, old: OldObjects, new: Node, primary: Node | None, ipath: tuple[Any, ...]
) -> list[Finding]:
    new_props = _dict(new, "properties")
    old_props = _dict(primary, "properties") if primary is not None else {}
    names = list(dict.fromkeys([*old_props, *new_props, *sorted(old.declared), *sorted(old.k.required)]))
    out: list[Finding] = []
    for name in names:
        vp = old.value(name)
        sub = (*ipath, name)
        where = label(sub)
        if name in new_props:
            target = new.child("properties", name)
            assert target is not None
            prim = primary.child("properties", name) if name in old_props and primary is not None else None
            inner = [] if vp is None else walk.check(vp, target, sub, prim)
            if prim is None and name not in old_props:
                out.append(_added(walk, name, target, inner, sub, vp))
            else:
                out += inner
        elif name in old_props and primary is not None:
            targets = _new_targets(new, name)
            failed = [t for t in targets if vp is not None and not walk.proves(vp, t[1], sub)]
            ptr = join(primary.ptr, "properties", name)
            if failed:
                what, node = failed[0]
                out.append(
                    walk.finding(
                        "property_removed",
                        ptr,
                        True,
                        f"property {where} removed",
                        why=f"payloads that still send it are checked against {what}, which refuses some old values",
                        ipath=sub,
                        piece=vp,
                        target=node,
                    )
                )
            else:
                note = " (still accepted as an undeclared property)" if vp is not None else ""
                out.append(
                    walk.finding(
                        "property_removed", ptr, False, f"property {where} removed from the schema{note}"
                    )
                )
            continue
        if vp is None:
            continue
        for what, node in _new_targets(new, name):
            inner = walk.check(vp, node, sub, None)
            if has_breaking(inner):
                first = next(f for f in inner if f.breaking)
                out.append(
                    walk.finding(
                        "property_constrained",
                        node.ptr,
                        True,
                        f"property {where} now falls under {what}",
                        why=first.message + (f" ({first.why})" if first.why else ""),
                        ipath=first.ipath,
                        piece=first.piece,
                        target=first.target,
                        hints=first.hints,
                    )
                )
    return out


def _added(
    walk: Walk, name: str, target: Node, inner: list[Finding], sub: tuple[Any, ...], vp: Piece | None
) -> Finding:
    where = label(sub)
    ptr = target.ptr
    if not has_breaking(inner):
        text = (
            f"added optional property {where}"
            if vp is None
            else f"added property {where} (old values already fit it)"
        )
        return walk.finding("property_added", ptr, False, text)
    first = next(f for f in inner if f.breaking)
    open_ = vp is not None and not walk.knowledge(vp).atoms
    why = (
        f"the old schema accepted {where} with any value (open object)"
        if open_
        else f"old payloads could already carry {where}, and {first.message}"
        + (f" ({first.why})" if first.why else "")
    )
    return walk.finding(
        "property_added",
        ptr,
        True,
        f"added property {where} with constraints old payloads need not meet",
        why=why,
        ipath=first.ipath,
        piece=first.piece,
        target=first.target,
        hints=first.hints,
    )


def _undeclared(
    walk: Walk, old: OldObjects, new: Node, primary: Node | None, ipath: tuple[Any, ...], opiece: Piece
) -> list[Finding]:
    out: list[Finding] = []
    where = label(ipath)
    new_pats = _dict(new, "patternProperties")
    old_pats = _dict(primary, "patternProperties") if primary is not None else {}
    for p in new_pats:
        target = new.child("patternProperties", p)
        assert target is not None
        ok = obligation(walk, old, target, p, [], ipath)
        ptr = target.ptr
        if p in old_pats and primary is not None:
            prim = primary.child("patternProperties", p)
            inner = walk.check(Piece((prim,)), target, (*ipath, AnyKey(p)), prim) if prim is not None else []
            if ok:
                for f in inner:
                    f.breaking, f.why, f.hints = False, "", []
            out += inner
            if not ok and not has_breaking(inner):
                out.append(walk.finding("pattern_property_changed", ptr, True, f"properties of {where} matching /{p}/ "
                                        "are more constrained", ipath=ipath, piece=opiece, target=new))  # fmt: skip
        else:
            out.append(
                walk.finding(
                    "pattern_property_added",
                    ptr,
                    not ok,
                    f"properties of {where} matching /{p}/ must now match its schema",
                    why="old payloads could carry such properties with other values",
                    ipath=ipath,
                    piece=opiece,
                    target=new,
                )
            )
    for p in old_pats:
        if p not in new_pats and primary is not None:
            out.append(
                walk.finding(
                    "pattern_property_removed",
                    join(primary.ptr, "patternProperties", p),
                    False,
                    f"patternProperties /{p}/ removed from {where}",
                )
            )
    for kw, exclude in (("additionalProperties", list(new_pats)), ("unevaluatedProperties", None)):
        out += _catchall(walk, old, new, primary, ipath, opiece, kw, exclude)
    return out


def _catchall(
    walk: Walk,
    old: OldObjects,
    new: Node,
    primary: Node | None,
    ipath: tuple[Any, ...],
    opiece: Piece,
    kw: str,
    exclude: list[str] | None,
) -> list[Finding]:
    where = label(ipath)
    had = primary is not None and primary.has(kw)
    if not new.has(kw):
        if had:
            assert primary is not None
            return [
                walk.finding(
                    f"{snake_kw(kw)}_removed", join(primary.ptr, kw), False, f"{kw} of {where} removed"
                )
            ]
        return []
    target = new.child(kw)
    assert target is not None
    if exclude is None:
        _names, pats, everything = _always(new)
        ok = everything or obligation(walk, old, target, None, pats, ipath)
    else:
        ok = obligation(walk, old, target, None, exclude, ipath)
    if had and primary is not None and strict_equal(primary.get(kw), new.get(kw)) and ok:
        return []
    value = new.get(kw)
    text = (
        f"{kw} of {where} set to false: undeclared properties are now refused"
        if value is False
        else f"{kw} of {where} changed to {show(value)}"
    )
    return [
        walk.finding(
            f"{snake_kw(kw)}_{'restricted' if not ok else 'changed'}",
            target.ptr,
            not ok,
            text,
            why="old payloads could carry properties the new schema does not accept",
            ipath=ipath,
            piece=opiece,
            target=new,
        )
    ]


def snake_kw(kw: str) -> str:
    """additionalProperties -> additional_properties."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", kw).lower()


def _required(
    walk: Walk,
    k: Knowledge,
    old: OldObjects,
    new: Node,
    primary: Node | None,
    ipath: tuple[Any, ...],
    opiece: Piece,
) -> list[Finding]:
    out: list[Finding] = []
    new_req = [r for r in (new.get("required") or []) if isinstance(r, str)] if new.has("required") else []
    old_req = (
        [r for r in (primary.get("required") or []) if isinstance(r, str)] if primary is not None else []
    )
    for r in new_req:
        where = label((*ipath, r))
        ptr = join(new.ptr, "required")
        if old.applies and r not in k.required:
            out.append(
                walk.finding(
                    "property_required",
                    ptr,
                    True,
                    f"property {where} is now required",
                    why="old payloads may omit it",
                    ipath=ipath,
                    piece=opiece,
                    target=new,
                )
            )
        elif r not in old_req and primary is not None:
            out.append(walk.finding("property_required", ptr, False, f"property {where} is now listed as required "
                                    "(old payloads always carried it)"))  # fmt: skip
    for r in old_req:
        if r not in new_req and primary is not None:
            out.append(
                walk.finding(
                    "property_optional",
                    join(primary.ptr, "required"),
                    False,
                    f"property {label((*ipath, r))} is no longer required",
                )
            )
    return out


def _closure(deps: dict[str, set[str]], start: str) -> set[str]:
    out: set[str] = set()
    work = [start]
    while work:
        for d in deps.get(work.pop(), ()):
            if d not in out:
                out.add(d)
                work.append(d)
    return out


def _dependencies(
    walk: Walk,
    k: Knowledge,
    old: OldObjects,
    new: Node,
    primary: Node | None,
    ipath: tuple[Any, ...],
    opiece: Piece,
) -> list[Finding]:
    out: list[Finding] = []
    where = label(ipath)
    dr_new, dr_old = _dict(new, "dependentRequired"), (_dict(primary, "dependentRequired") if primary else {})
    for name, deps in dr_new.items():
        if not isinstance(deps, list):
            continue
        have = _closure(k.dep_required, name) | k.required
        missing = [d for d in deps if old.value(name) is not None and d not in have]
        before = dr_old.get(name)
        if before is not None and strict_equal(before, deps) and not missing:
            continue
        ptr = join(new.ptr, "dependentRequired", name)
        text = f"in {where}, property {show(name)} now requires {show(missing or deps)}"
        out.append(walk.finding("dependent_required_changed", ptr, bool(missing), text,
                                why="old payloads may carry it without them", ipath=ipath, piece=opiece, target=new))  # fmt: skip
    for name in dr_old:
        if name not in dr_new and primary is not None:
            out.append(walk.finding("dependent_required_removed", join(primary.ptr, "dependentRequired", name), False,
                                    f"in {where}, property {show(name)} no longer requires other properties"))  # fmt: skip
    ds_new, ds_old = _dict(new, "dependentSchemas"), (_dict(primary, "dependentSchemas") if primary else {})
    for name in ds_new:
        target = new.child("dependentSchemas", name)
        assert target is not None
        prim = primary.child("dependentSchemas", name) if primary is not None and name in ds_old else None
        ok = old.value(name) is None or walk.proves(
            opiece.plus(Node.synthetic({"required": [name]})), target, ipath
        )
        if ok and prim is not None and strict_equal(prim.schema, target.schema):
            continue
        out.append(walk.finding("dependent_schema_changed" if prim else "dependent_schema_added", target.ptr, not ok,
                                f"in {where}, objects carrying {show(name)} must now match a new schema",
                                why="old payloads carrying it may not match", ipath=ipath, piece=opiece, target=new))  # fmt: skip
    for name in ds_old:
        if name not in ds_new and primary is not None:
            out.append(walk.finding("dependent_schema_removed", join(primary.ptr, "dependentSchemas", name), False,
                                    f"in {where}, the schema applied when {show(name)} is present was removed"))  # fmt: skip
    return out


def _property_names(
    walk: Walk, old: OldObjects, new: Node, primary: Node | None, ipath: tuple[Any, ...], opiece: Piece
) -> list[Finding]:
    where = label(ipath)
    if not new.has("propertyNames"):
        if primary is not None and primary.has("propertyNames"):
            return [walk.finding("property_names_removed", join(primary.ptr, "propertyNames"), False,
                                 f"propertyNames restriction of {where} removed")]  # fmt: skip
        return []
    target = new.child("propertyNames")
    assert target is not None
    ok = _names_ok(walk, old, target)
    if ok and primary is not None and strict_equal(primary.get("propertyNames"), new.get("propertyNames")):
        return []
    return [walk.finding("property_names_changed", target.ptr, not ok, f"property names of {where} are now restricted",
                         why="old payloads may use names the new schema refuses", ipath=ipath, piece=opiece, target=new)]  # fmt: skip


def _names_ok(walk: Walk, old: OldObjects, target: Node) -> bool:
    if not old.applies:
        return True
    for name in old.declared | old.k.required:
        if old.value(name) is not None and not target.doc.is_valid(target.schema, name):
            return False
    if old.closed_names is not None:
        return all(
            target.doc.is_valid(target.schema, n) for n in old.closed_names if old.value(n) is not None
        )
    pn = tuple(c for a in old.k.atoms if (c := a.child("propertyNames")) is not None)
    strings = frozenset({"string"})
    for pats, catchall in old.rests:
        if catchall is not None and catchall.schema is False:
            return all(
                walk.proves(Piece((*pn, Node.synthetic({"pattern": p})), kinds=strings), target)
                for p, _ in pats
            )
    return walk.proves(Piece(pn, kinds=strings), target)
