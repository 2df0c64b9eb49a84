"""Value types of the compatibility checker: documents, schema nodes, pieces and findings.

A *node* is one subschema of one document, identified by its JSON pointer, so that recursive
schemas can be recognised when the walk comes back to a place it has already visited. A *piece*
is a conjunction of nodes (plus negated nodes and a restriction on instance kinds): the set of
instances it describes is a superset of, or equal to, the old instances reaching some place in
the walk. Working with conjunctions lets every old constraint (a ``$ref`` target, an ``allOf``
branch, a pattern property) contribute knowledge at once.
"""

from __future__ import annotations

import json
import marshal
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from platformxe.rules.compat.values import ALL_KINDS, cheap_valid, strict_equal
from platformxe.rules.formats import format_checker
from platformxe.rules.payload import local_only_registry, validator_class
from platformxe.rules.walk import (
    IN_PLACE_KEYWORDS,
    LOCATION_KEYWORDS,
    escape_token,
    iter_schemas,
    loop_components,
    subschemas,
)


def join(pointer: str, *tokens: str | int) -> str:
    """Append reference tokens (names or array indexes) to a JSON pointer."""
    for t in tokens:
        t = str(t)
        pointer += "/" + (t if "~" not in t and "/" not in t else escape_token(t))
    return pointer


class Doc:
    """One schema document: its root, local anchors and a lazily built validator."""

    __slots__ = (
        "_anchors", "_cycle", "_marshalled", "_monotone", "_nested_ids", "_subs", "_validator", "label", "original",
        "root",
    )  # fmt: skip

    def __init__(self, label: str, root: Any, original: Doc | None = None) -> None:
        self.label = label
        self.root = root
        #: for a policy view (the lenient closed view): the document it was made from, at the
        #: same pointers (the view only adds or drops keywords)
        self.original = original
        self._anchors: dict[str, str] | None = None
        self._nested_ids = False
        self._validator: Any = None
        self._subs: dict[int, tuple[Any, Any]] = {}
        self._cycle: bool | None = None
        self._monotone: dict[str, bool] = {}
        self._marshalled: bytes | None = None

    @property
    def anchors(self) -> dict[str, str]:
        """``$anchor`` name -> JSON pointer (the document is scanned on first use)."""
        if self._anchors is None:
            self._anchors = {}
            self._scan()
        return self._anchors

    @property
    def nested_ids(self) -> bool:
        """A nested $id (or dynamic referencing) changes how references resolve below it; the
        checker then refuses to follow references rather than guess."""
        _ = self.anchors
        return self._nested_ids

    def _scan(self) -> None:
        # The schemas of the document are exactly those rules.walk enters: instance data
        # (enum, const, examples …) and unknown keywords are never searched for anchors.
        assert self._anchors is not None
        for node in iter_schemas(self.root):
            sub = node.schema
            if not isinstance(sub, dict):
                continue
            if node.parent is not None and isinstance(sub.get("$id"), str):
                self._nested_ids = True
            if "$dynamicRef" in sub or "$dynamicAnchor" in sub:
                self._nested_ids = True
            anchor = sub.get("$anchor")
            if isinstance(anchor, str):
                self._anchors.setdefault(anchor, node.pointer)

    def resolve(self, ref: Any) -> Node | None:
        """The node a local ``$ref`` names, or None when it cannot be resolved safely."""
        if not isinstance(ref, str) or self.nested_ids:
            return None
        base, sep, fragment = ref.partition("#")
        root_id = self.root.get("$id") if isinstance(self.root, dict) else None
        if base and base != root_id:
            return None
        if not sep:
            return Node(self, self.root, "") if base else None
        fragment = unquote(fragment)
        if fragment and not fragment.startswith("/"):
            pointer = self.anchors.get(fragment)
            return None if pointer is None else self.at(pointer)
        return self.at(fragment)

    def inplace_cycle(self) -> bool:
        """Whether some subschema reaches itself through in-place applicators only ($ref and
        rules.walk's in-place keywords) — on such schemas the validator recurses without end,
        so the checker does not reason about them. Only subschemas the root reaches count
        (definitions only through a reference: the validator never visits unused ones)."""
        if self._cycle is None:
            # Without any reference a schema is a tree: no cycle, no scan.
            self._cycle = self.may_mention("$ref") and self._has_inplace_cycle()
        return self._cycle

    def may_mention(self, *words: str) -> bool:
        """Whether some key or string of the document may contain one of ``words``: False is
        certain, True means "look closer". A search in the document's ``marshal`` bytes (made
        once; a tenth of the time ``json.dumps`` takes, and strings are kept there as their
        UTF-8 bytes); a document ``marshal`` cannot write (not JSON data) may mention anything."""
        if self._marshalled is None:
            try:
                self._marshalled = marshal.dumps(self.root)
            except ValueError:
                return True
        return any(w.encode() in self._marshalled for w in words)

    def _has_inplace_cycle(self) -> bool:
        edges: dict[str, list[str]] = {}
        work: list[tuple[Any, str]] = [(self.root, "")]
        while work:
            schema, ptr = work.pop()
            if not isinstance(schema, dict) or ptr in edges:
                continue
            succ: list[str] = []
            if "$ref" in schema:
                target = self.resolve(schema["$ref"])
                if target is not None:
                    succ.append(target.ptr)
                    work.append((target.schema, target.ptr))
            for keyword, tokens, sub in subschemas(schema):
                if keyword in LOCATION_KEYWORDS:
                    continue  # reached only through a reference
                at = join(ptr, *tokens)
                if keyword in IN_PLACE_KEYWORDS:
                    succ.append(at)
                work.append((sub, at))
            edges[ptr] = succ
        loops = loop_components(edges)
        return any(loops.get(a) == loops.get(b) for a, succ in edges.items() for b in succ)

    def monotone(self, pointer: str, schema: Any) -> bool:
        """Whether the subschema at ``pointer`` (``schema``) uses none of the keywords under
        which a narrower subschema can widen the whole (see ``inside_original``); remembered per
        pointer, since the document does not change while it is compared."""
        known = self._monotone.get(pointer)
        if known is None:
            try:
                text = json.dumps(schema)
            except (TypeError, ValueError):
                known = False
            else:
                known = not any(k in text for k in _NOT_MONOTONE)
            self._monotone[pointer] = known
        return known

    def at(self, pointer: str) -> Node | None:
        """The node at a JSON pointer, or None."""
        node: Any = self.root
        if pointer:
            for raw in pointer[1:].split("/"):
                token = raw.replace("~1", "/").replace("~0", "~")
                if isinstance(node, dict) and token in node:
                    node = node[token]
                elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                    node = node[int(token)]
                else:
                    return None
        return Node(self, node, pointer)

    def validator(self) -> Any:
        """The real Draft 2020-12 validator of this document, formats asserted."""
        if self._validator is None:
            # The validator payloads meet (ECMA-262 patterns, the same format checker, local
            # references only), so a claim the checker makes about a value is a claim about what
            # the registry really accepts; jsonschema loads here on first use.
            cls = validator_class()
            self._validator = cls(self.root, registry=local_only_registry(), format_checker=format_checker())
        return self._validator

    def verdict(self, schema: Any, value: Any) -> bool | None:
        """Like ``is_valid``, but None when the validator raises instead of answering."""
        try:
            return bool(self.validator().evolve(schema=schema).is_valid(value))
        except Exception:
            return None

    def is_valid(self, schema: Any, value: Any) -> bool:
        """Validate ``value`` against one subschema of this document (refs resolve in the document)."""
        quick = cheap_valid(schema, value)
        if quick is not None:
            return quick
        try:
            sub = self._subs.get(id(schema))
            if sub is None or sub[0] is not schema:
                sub = (schema, self.validator().evolve(schema=schema))
                self._subs[id(schema)] = sub
            return bool(sub[1].is_valid(value))
        except Exception:  # a schema the library cannot evaluate: treat as "not known valid"
            return False


SYNTHETIC = Doc("synthetic", {})


class Node:
    """One subschema at a JSON pointer of a document (or a synthetic schema built by the checker)."""

    __slots__ = ("doc", "key", "ptr", "schema")

    def __init__(self, doc: Doc, schema: Any, ptr: str) -> None:
        self.doc = doc
        self.schema = schema
        self.ptr = ptr
        self.key = (doc.label, ptr)

    @staticmethod
    def synthetic(schema: dict[str, Any]) -> Node:
        """A node for a schema the checker made up (e.g. ``{"required": ["a"]}``)."""
        return Node(SYNTHETIC, schema, "~" + json.dumps(schema, sort_keys=True))

    def child(self, *tokens: str | int) -> Node | None:
        """The subschema below this node, or None when absent."""
        value: Any = self.schema
        for t in tokens:
            if isinstance(value, dict):
                if not (isinstance(t, str) and t in value):
                    return None
            elif not (isinstance(value, list) and isinstance(t, int) and t < len(value)):
                return None
            value = value[t]
        return Node(self.doc, value, join(self.ptr, *tokens))

    def get(self, keyword: str, default: Any = None) -> Any:
        """A keyword's raw value (default when the schema is boolean or lacks it)."""
        return self.schema.get(keyword, default) if isinstance(self.schema, dict) else default

    def has(self, keyword: str) -> bool:
        """Whether the schema carries the keyword."""
        return isinstance(self.schema, dict) and keyword in self.schema

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Node) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)

    def __repr__(self) -> str:
        return f"Node({self.doc.label}{self.ptr or '#'})"


def same_values(da: Doc, x: Any, db: Doc, y: Any) -> bool:
    """``same`` on raw subschemas of two documents (no Node needed).

    Canonical JSON text decides quickly (it keeps true/1 and 1/1.0 apart, as strict equality
    must); only texts with references need the structural walk that follows them. One object
    shared by both documents is the same schema only within one document: in two documents its
    references may resolve to different targets."""
    if x is y and da is db:
        return True
    try:
        if x != y:  # strict equality implies Python equality, so this is a sure "different"
            return False
        rx = repr(x)
        if rx == repr(y):  # same types, values and key order: strictly equal
            return ("'$ref'" not in rx and "'$dynamicRef'" not in rx) or _same(da, x, db, y, set())
        tx, ty = json.dumps(x, sort_keys=True), json.dumps(y, sort_keys=True)
    except (TypeError, ValueError):
        return _same(da, x, db, y, set())
    if tx != ty:
        return False
    return ('"$ref"' not in tx and '"$dynamicRef"' not in tx) or _same(da, x, db, y, set())


#: Keywords under which a narrower subschema can widen the whole (``oneOf``: a value may leave
#: one of two matching branches; ``maxContains``: fewer items may match) or that leave the
#: subtree (references): a view node is only known to be inside its original without them.
_NOT_MONOTONE = ('"oneOf"', '"maxContains"', '"$ref"', '"$dynamicRef"', '"not"', '"if"')


def inside_original(a: Node, b: Node) -> bool:
    """Proved: ``a``, a node of a policy view, accepts only values its original node accepts,
    and that original denotes the same schema as ``b``. The lenient view adds
    ``additionalProperties`` / ``unevaluatedProperties: false`` (and drops ``true`` ones) in value
    positions only, which narrows the node wherever every keyword above is monotone."""
    orig_doc = a.doc.original
    if orig_doc is None:
        return False
    orig = orig_doc.at(a.ptr)
    if orig is None or not same_values(orig_doc, orig.schema, b.doc, b.schema):
        return False
    return orig_doc.monotone(a.ptr, orig.schema)


def same(a: Node, b: Node) -> bool:
    """True when two nodes denote the same schema: structurally equal, references followed."""
    if a.key == b.key and a.doc is b.doc:
        return True
    return same_values(a.doc, a.schema, b.doc, b.schema)


def _same(da: Doc, x: Any, db: Doc, y: Any, seen: set[tuple[int, int]]) -> bool:
    if type(x) is not type(y):
        return False
    if isinstance(x, dict):
        if x.keys() != y.keys():
            return False
        if "$dynamicRef" in x:
            return False
        ref = x.get("$ref")
        if isinstance(ref, str):
            if not strict_equal(ref, y["$ref"]):
                return False
            ta, tb = da.resolve(ref), db.resolve(y["$ref"])
            if ta is None or tb is None:
                return False
            pair = (id(ta.schema), id(tb.schema))
            if pair not in seen:  # coinductive: a cycle of equal references is equal
                seen.add(pair)
                if not _same(da, ta.schema, db, tb.schema, seen):
                    return False
        return all(k == "$ref" or _same(da, x[k], db, y[k], seen) for k in x)
    if isinstance(x, list):
        return len(x) == len(y) and all(_same(da, p, db, q, seen) for p, q in zip(x, y, strict=True))
    return bool(x == y)


@dataclass(frozen=True)
class Piece:
    """A conjunction of schema nodes, minus negated nodes, restricted to some instance kinds.

    ``used`` records disjunctions (anyOf, oneOf, if, dependentSchemas of a node) already split
    into cases, so the splitter does not split them again.
    """

    pos: tuple[Node, ...] = ()
    neg: tuple[Node, ...] = ()
    kinds: frozenset[str] = ALL_KINDS
    used: frozenset[tuple[tuple[str, str], str]] = frozenset()
    #: Identity of the piece for memo tables and the coinductive assumption set (made once: a
    #: piece is immutable, and its key is asked for at every memo table it passes).
    key: tuple[Any, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        key = (tuple(n.key for n in self.pos), tuple(n.key for n in self.neg), self.kinds, self.used)
        object.__setattr__(self, "key", key)

    def plus(self, *nodes: Node) -> Piece:
        """This piece with more conjuncts."""
        return Piece(self.pos + nodes, self.neg, self.kinds, self.used)

    def minus(self, *nodes: Node) -> Piece:
        """This piece with more negated conjuncts."""
        return Piece(self.pos, self.neg + nodes, self.kinds, self.used)

    def restrict(self, kinds: frozenset[str]) -> Piece:
        """This piece restricted to instances of the given kinds."""
        return Piece(self.pos, self.neg, self.kinds & kinds, self.used)

    def mark(self, node: Node, keyword: str) -> Piece:
        """This piece with a disjunction marked as split."""
        return Piece(self.pos, self.neg, self.kinds, self.used | {(node.key, keyword)})


@dataclass
class Finding:
    """One difference found by the walk, before it becomes a public SchemaChange.

    ``piece``/``target``/``ipath`` let the witness search look for a concrete old payload
    refused by the new schema; ``hints`` are candidate values at that place tried first. ``why`` explains a breaking
    verdict (it is dropped when a later proof shows the change is compatible after all).
    """

    kind: str
    pointer: str
    breaking: bool
    message: str
    why: str = ""
    ipath: tuple[Any, ...] = ()
    piece: Piece | None = None
    target: Node | None = None
    hints: list[Any] = field(default_factory=list)
