"""Detection of in-place reference cycles, on which the validator recurses without end.

A subschema that reaches itself through ``$ref``, ``allOf``/``anyOf``/``oneOf``, ``not``,
``if``/``then``/``else`` or ``dependentSchemas`` alone — without descending into a property or
an item of the payload — makes jsonschema recurse until RecursionError; the checker refuses to
reason about such documents (two-valued logic would "prove" things the validator never says).
"""

from __future__ import annotations

from typing import Any

from platformxe.rules.compat.model import Doc, join

_INPLACE_LISTS = ("allOf", "anyOf", "oneOf")
_INPLACE_ONE = ("not", "if", "then", "else")
_DESCEND_ONE = ("additionalProperties", "unevaluatedProperties", "propertyNames", "items", "contains",
                "unevaluatedItems", "contentSchema")  # fmt: skip
_DESCEND_MAPS = ("properties", "patternProperties")


def has_inplace_cycle(doc: Doc) -> bool:
    """Depth-first search for a cycle of in-place edges over the subschemas the root can reach
    (definitions only count through a reference: the validator never visits unused ones)."""
    inplace: dict[str, list[str]] = {}
    work: list[tuple[Any, str]] = [(doc.root, "")]
    while work:
        node, ptr = work.pop()
        if not isinstance(node, dict) or ptr in inplace:
            continue
        succ: list[str] = []
        if "$ref" in node:
            target = doc.resolve(node["$ref"])
            if target is not None:
                succ.append(target.ptr)
                work.append((target.schema, target.ptr))
        for kw in _INPLACE_LISTS:
            for i, sub in enumerate(node.get(kw) or [] if isinstance(node.get(kw), list) else []):
                succ.append(join(ptr, kw, i))
                work.append((sub, join(ptr, kw, i)))
        for kw in _INPLACE_ONE:
            if kw in node:
                succ.append(join(ptr, kw))
                work.append((node[kw], join(ptr, kw)))
        deps = node.get("dependentSchemas")
        for name, sub in deps.items() if isinstance(deps, dict) else ():
            succ.append(join(ptr, "dependentSchemas", name))
            work.append((sub, join(ptr, "dependentSchemas", name)))
        for kw in _DESCEND_ONE:
            if kw in node:
                work.append((node[kw], join(ptr, kw)))
        for kw in _DESCEND_MAPS:
            subs = node.get(kw)
            for name, sub in subs.items() if isinstance(subs, dict) else ():
                work.append((sub, join(ptr, kw, name)))
        prefix = node.get("prefixItems")
        for i, sub in enumerate(prefix if isinstance(prefix, list) else []):
            work.append((sub, join(ptr, "prefixItems", i)))
        inplace[ptr] = succ
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    for start in inplace:
        if state.get(start):
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        state[start] = 1
        while stack:
            ptr, i = stack[-1]
            succ = inplace.get(ptr, [])
            if i < len(succ):
                stack[-1] = (ptr, i + 1)
                nxt = succ[i]
                if state.get(nxt) == 1:
                    return True
                if not state.get(nxt):
                    state[nxt] = 1
                    stack.append((nxt, 0))
            else:
                state[ptr] = 2
                stack.pop()
    return False
