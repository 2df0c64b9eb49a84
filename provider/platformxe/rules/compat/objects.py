"""Handler for object keywords: properties, patternProperties, additionalProperties,
unevaluatedProperties, propertyNames, required, dependentRequired, dependentSchemas,
minProperties and maxProperties.

Keys fall in two classes. A key *named* somewhere (in either schema's ``properties``,
``required`` …) is checked by name: the old value piece for that name (its ``properties`` entry,
the pattern properties whose regex matches it — an ECMA-262 search (``compat.regex.search``) as the
validator does — or else ``additionalProperties``) must be included in every new schema the
name falls under. Every other key is checked per old atom: keys matching an old pattern must
meet the new constraint with that pattern's schema, the remaining keys with the old catch-all
(``additionalProperties``, or ``unevaluatedProperties`` when nothing else can evaluate them).
"""

from __future__ import annotations

import re
from typing import Any

from platformxe.rules.compat import automata
from platformxe.rules.compat.knowledge import Knowledge
from platformxe.rules.compat.model import Finding, Node, Piece, inside_original, join, same_values
from platformxe.rules.compat.regex import search
from platformxe.rules.compat.report import AnyKey, Prover, bound, has_breaking, label, show
from platformxe.rules.compat.traversal import always_evaluated, dict_of
from platformxe.rules.compat.values import count, strict_equal
from platformxe.rules.compat.views import OldObjects, obligation

OBJECT = frozenset({"object"})


def object_handler(
    walk: Prover, k: Knowledge, piece: Piece, new: Node, primary: Node | None, ipath: tuple[Any, ...]
) -> list[Finding]:
    """Object keywords (see module docstring)."""
    if not isinstance(new.schema, dict):
        return []
    old = OldObjects(walk, k)
    opiece = piece.restrict(OBJECT)
    out: list[Finding] = []
    named = _named(walk, old, new, primary, ipath)
    required = _required(walk, k, old, new, primary, ipath, opiece)
    out += _one_verdict_per_added_property(new, named, required)
    out += _undeclared(walk, old, new, primary, ipath, opiece)
    out += required
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


def _one_verdict_per_added_property(
    new: Node, named: list[Finding], required: list[Finding]
) -> list[Finding]:
    """A property both added and newly required is one change: the requirement's breaking
    finding speaks for it (reworded "added property X, now required"), the addition's is dropped."""
    now_required = {f.message: f for f in required if f.kind == "property_required" and f.breaking}
    if not now_required:
        return named
    kept: list[Finding] = []
    for f in named:
        if f.kind == "property_added":
            where = f.message.removeprefix("added optional property ").removeprefix("added property ")
            where = where.split(" with constraints", 1)[0].split(" (old values", 1)[0]
            req = now_required.get(f"property {where} is now required")
            if req is not None and f.pointer == join(new.ptr, "properties", f.pointer.rsplit("/", 1)[-1]):
                req.message = f"added property {where}, now required"
                continue
        kept.append(f)
    return kept


def _new_targets(new: Node, name: str) -> list[tuple[str, Node]]:
    """(what, node) pairs of the new node's schemas that apply to the value of key ``name``."""
    out: list[tuple[str, Node]] = []
    matched = name in dict_of(new, "properties")
    for p in dict_of(new, "patternProperties"):
        if search(p, name) is not False:  # an uncompilable pattern is assumed to apply
            out.append((f"patternProperties /{p}/", new.child("patternProperties", p)))  # type: ignore[arg-type]
            matched = True
    if not matched and new.has("additionalProperties"):
        out.append(("additionalProperties", new.child("additionalProperties")))  # type: ignore[arg-type]
    if new.has("unevaluatedProperties"):
        names, pats, everything = always_evaluated(new)
        if not everything and name not in names and not any(search(p, name) is not False for p in pats):
            out.append(("unevaluatedProperties", new.child("unevaluatedProperties")))  # type: ignore[arg-type]
    return out


def _named(
    walk: Prover, old: OldObjects, new: Node, primary: Node | None, ipath: tuple[Any, ...]
) -> list[Finding]:
    new_props = dict_of(new, "properties")
    old_props = dict_of(primary, "properties") if primary is not None else {}
    names = list(dict.fromkeys([*old_props, *new_props, *sorted(old.declared), *sorted(old.k.required)]))
    out: list[Finding] = []
    plain_new = not new.has("patternProperties") and not new.has("unevaluatedProperties")
    for name in names:
        unchanged = plain_new and name in new_props and name in old_props and primary is not None
        if unchanged and same_values(primary.doc, old_props[name], new.doc, new_props[name]):  # type: ignore[union-attr]
            continue  # unchanged, and the primary is one of the piece's conjuncts
        if unchanged and primary.doc.original is not None:  # type: ignore[union-attr]
            # A policy view's node that only narrows an unchanged original: the check below
            # would answer "implied" at once (core.Walk.check), so it is not entered.
            prim = primary.child("properties", name)  # type: ignore[union-attr]
            target = new.child("properties", name)
            if prim is not None and target is not None and inside_original(prim, target):
                continue
        if unchanged and primary is not None and old.plain(primary, name):
            out += walk.places.check_property(old.value, primary, new, name, ipath)
            continue
        vp = old.value(name)
        sub = (*ipath, name)
        if name in new_props:
            target = new.child("properties", name)
            assert target is not None
            prim = primary.child("properties", name) if name in old_props and primary is not None else None
            inner = [] if vp is None else walk.check(vp, target, sub, prim)
            if prim is None and name not in old_props:
                req = new.get("required")
                required = isinstance(req, list) and name in req
                out.append(_added(walk, name, target, inner, sub, vp, required))
            else:
                out += inner
        elif name in old_props and primary is not None:
            targets = _new_targets(new, name)
            failed = [t for t in targets if vp is not None and not walk.proves(vp, t[1], sub)]
            ptr = join(primary.ptr, "properties", name)
            where = label(sub)
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
                        f"property {label(sub)} now falls under {what}",
                        why=first.message + (f" ({first.why})" if first.why else ""),
                        ipath=first.ipath,
                        piece=first.piece,
                        target=first.target,
                        hints=first.hints,
                    )
                )
    return out


def _added(
    walk: Prover,
    name: str,
    target: Node,
    inner: list[Finding],
    sub: tuple[Any, ...],
    vp: Piece | None,
    required: bool = False,
) -> Finding:
    where = label(sub)
    ptr = target.ptr
    if not has_breaking(inner):
        # A required addition is not called "required" here: when the requirement is new, the
        # required list's finding speaks for the change (object_handler drops this one).
        text = (
            (f"added property {where}" if required else f"added optional property {where}")
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


def _only_named(pattern: str, names: list[str]) -> bool:
    """Proved: every key the pattern matches is one of ``names``."""
    if not names or len(names) > 64:
        return False
    spelled = ["".join(c if c.isascii() and c.isalnum() else f"\\u{{{ord(c):X}}}" for c in n) for n in names]
    answer, _ = automata.included([pattern], "^(?:" + "|".join(sorted(set(spelled))) + ")$")
    return answer is True


def _undeclared(
    walk: Prover, old: OldObjects, new: Node, primary: Node | None, ipath: tuple[Any, ...], opiece: Piece
) -> list[Finding]:
    out: list[Finding] = []
    where = label(ipath)
    new_pats = dict_of(new, "patternProperties")
    old_pats = dict_of(primary, "patternProperties") if primary is not None else {}
    named: list[str] = []
    if new_pats:  # only the new patterns ask which names are checked by name
        named = [
            *dict_of(new, "properties"),
            *(dict_of(primary, "properties") if primary is not None else {}),
        ]
        named += [*sorted(old.declared), *sorted(old.k.required)]
    for p in new_pats:
        target = new.child("patternProperties", p)
        assert target is not None
        # keys the pattern can match that are all named are checked by name (_named): no
        # undeclared key reaches it (``^code$`` matches "code" only: ECMA-262 "$" is the end)
        ok = _only_named(p, named) or obligation(walk, old, target, p, [], ipath)
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
    walk: Prover,
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
        _names, pats, everything = always_evaluated(new)
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
    walk: Prover,
    k: Knowledge,
    old: OldObjects,
    new: Node,
    primary: Node | None,
    ipath: tuple[Any, ...],
    opiece: Piece,
) -> list[Finding]:
    out: list[Finding] = []
    new_req = _names(new.get("required"))
    old_req = _names(primary.get("required")) if primary is not None else []
    for r in new_req:
        if (not old.applies or r in k.required) and (r in old_req or primary is None):
            continue  # required before too: nothing to report (the common case)
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


def _names(value: Any) -> list[str]:
    """The strings of a ``required`` list (anything malformed counts as no names)."""
    return [r for r in value if isinstance(r, str)] if isinstance(value, list) else []


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
    walk: Prover,
    k: Knowledge,
    old: OldObjects,
    new: Node,
    primary: Node | None,
    ipath: tuple[Any, ...],
    opiece: Piece,
) -> list[Finding]:
    out: list[Finding] = []
    where = label(ipath)
    dr_new, dr_old = (
        dict_of(new, "dependentRequired"),
        (dict_of(primary, "dependentRequired") if primary else {}),
    )
    for name, deps in dr_new.items():
        if not isinstance(deps, list):
            continue
        have = _closure(k.dep_required, name) | k.required | {name}
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
    ds_new, ds_old = (
        dict_of(new, "dependentSchemas"),
        (dict_of(primary, "dependentSchemas") if primary else {}),
    )
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
    walk: Prover, old: OldObjects, new: Node, primary: Node | None, ipath: tuple[Any, ...], opiece: Piece
) -> list[Finding]:
    where = label(ipath)
    if not new.has("propertyNames"):
        if primary is not None and primary.has("propertyNames"):
            return [walk.finding("property_names_removed", join(primary.ptr, "propertyNames"), False,
                                 f"propertyNames restriction of {where} removed")]  # fmt: skip
        return []
    target = new.child("propertyNames")
    assert target is not None
    ok = _names_ok(walk, old, target, ipath)
    if ok and primary is not None and strict_equal(primary.get("propertyNames"), new.get("propertyNames")):
        return []
    return [walk.finding("property_names_changed", target.ptr, not ok, f"property names of {where} are now restricted",
                         why="old payloads may use names the new schema refuses", ipath=ipath, piece=opiece, target=new)]  # fmt: skip


def _names_ok(walk: Prover, old: OldObjects, target: Node, ipath: tuple[Any, ...]) -> bool:
    if not old.applies:
        return True
    key_path = (*ipath, AnyKey())  # a key is part of the object: one level down
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
                walk.proves(Piece((*pn, Node.synthetic({"pattern": p})), kinds=strings), target, key_path)
                for p, _ in pats
            )
    return walk.proves(Piece(pn, kinds=strings), target, key_path)
