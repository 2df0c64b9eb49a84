"""Applicator traversal: which subschemas of a node apply to the same instance, which keys
and indexes a node certainly evaluates, and how a disjunction of an old piece splits into cases.

Everything here follows references with ``Doc.resolve`` and reads the keyword roles of
:mod:`platformxe.rules.walk`; nothing proves anything (that is the handlers' job).
"""

from __future__ import annotations

from typing import Any

from platformxe.rules.compat.model import Node, Piece, join
from platformxe.rules.walk import IN_PLACE_KEYWORDS, subschemas

# ``not`` applies in place but never evaluates a key for unevaluated*: a subschema under it
# only ever succeeds when the instance fails the enclosing schema.
_EVALUATING = IN_PLACE_KEYWORDS - {"not"}


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
        # the in-place keywords of rules.walk's table (all but ``not``), in document order
        for keyword, tokens, sub in subschemas(n.schema):
            if keyword in _EVALUATING:
                work.append(Node(n.doc, sub, join(n.ptr, *tokens)))
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


def list_len(node: Node, kw: str) -> int:
    v = node.get(kw)
    return len(v) if isinstance(v, list) else 0


def always_items(node: Node) -> int | None:
    """Prefix length certainly evaluated by the node (own, allOf, $ref); None = all indices."""
    best = 0
    seen: set[tuple[str, str]] = set()
    work = [node]
    while work:
        n = work.pop()
        if n.key in seen or not isinstance(n.schema, dict):
            continue
        seen.add(n.key)
        if "items" in n.schema or (n is not node and "unevaluatedItems" in n.schema):
            return None
        best = max(best, list_len(n, "prefixItems"))
        if "$ref" in n.schema:
            t = n.doc.resolve(n.schema["$ref"])
            if t is not None:
                work.append(t)
        for i in range(list_len(n, "allOf")):
            work.append(n.child("allOf", i))  # type: ignore[arg-type]
    return best


def cases(piece: Piece, node: Node, kw: str) -> list[Piece]:
    """The cases of one disjunction of a piece; their union covers the piece."""
    base = piece.mark(node, kw)
    s = node.schema
    if kw == "anyOf":
        return [base.plus(c) for c in _children(node, "anyOf")]
    if kw == "oneOf":
        branches = _children(node, "oneOf")
        return [base.plus(b).minus(*[o for o in branches if o is not b]) for b in branches]
    if kw == "if":
        cond = node.child("if")
        assert cond is not None
        then_, else_ = node.child("then"), node.child("else")
        yes = base.plus(cond) if then_ is None else base.plus(cond, then_)
        no = base.minus(cond) if else_ is None else base.plus(else_).minus(cond)
        return [yes, no]
    name = kw.split("/", 1)[1]
    sub = node.child("dependentSchemas", name)
    assert sub is not None and isinstance(s, dict)
    has = Node.synthetic({"required": [name]})
    return [base.plus(has, sub), base.minus(has)]


def _children(node: Node, kw: str) -> list[Node]:
    value = node.get(kw)
    out: list[Node] = []
    for i in range(len(value) if isinstance(value, list) else 0):
        c = node.child(kw, i)
        if c is not None:
            out.append(c)
    return out
