"""Counterexamples for breaking changes: a payload valid under the old schema, refused by the new.

A finding knows the old piece at its place, the new node and the payload path. The search
draws candidate values from the piece (its enum, examples, boundary numbers, strings of the
edge lengths, sample strings of its pattern or format, objects with and without optional or
undeclared properties …), embeds each into a sample of the whole old payload at that path, and
keeps the first payload the real validators judge valid under old and invalid under new. A
witness is never shown unverified, so a false counterexample is impossible; when none is
found the finding stays breaking as "could not prove compatible".
"""

from __future__ import annotations

import copy
import json
from typing import Any

from platformxe.rules.compat.knowledge import effective_lower, effective_upper
from platformxe.rules.compat.model import Doc, Finding, Node, Piece
from platformxe.rules.compat.regex import parsed as regex_tree
from platformxe.rules.compat.regex import parser as regex_parser
from platformxe.rules.compat.regex import search as regex_search
from platformxe.rules.compat.report import AnyKey, Prover
from platformxe.rules.compat.scalars import MAX_WITNESS_TEXT, PAYLOAD_CAP_BYTES
from platformxe.rules.compat.traversal import cases
from platformxe.rules.compat.values import kind_of, strict_equal
from platformxe.rules.compat.views import OldArrays, OldObjects

#: Valid values of each asserted format, varied enough that a change of format finds a value of
#: the old one outside the new one whenever such a value exists (tests/unit/test_compat_formats.py).
FORMAT_SAMPLES: dict[str, list[str]] = {
    "date-time": ["2024-01-02T03:04:05Z", "2024-01-02T03:04:05.123+02:00"],
    "date": ["2024-01-02"],
    "time": ["03:04:05Z", "23:59:60Z", "03:04:05.5-01:30"],
    "email": [
        "user@example.com",
        "first.last@example.org",
        '"two words"@example.com',
        "a@[192.0.2.1]",
        "?user@example.com",
    ],
    "idn-email": [
        "user@example.com",
        "δοκιμή@example.com",
        "用户@例子.广告",
        '"two words"@example.com',
        "?u@example.com",
    ],
    "hostname": ["example.com", "a", "xn--nxasmq6b.com", "EXAMPLE"],
    "idn-hostname": ["example.com", "例子.测试", "a"],
    "ipv4": ["192.0.2.1"],
    "ipv6": ["2001:db8::1", "::1", "::ffff:192.0.2.1"],
    "uri": [
        "https://example.com/a",
        "urn:isbn:0451450523",
        "mailto:user@example.com",
        "https://[2001:db8::1]/",
        "https://example.com/(a",
    ],
    "uri-reference": ["/a", "https://example.com/a", "a/b?q#f", "//example.com", ""],
    "iri": ["https://example.com/a", "https://例子.测试/路径", "https://example.com/(a"],
    "iri-reference": ["/a", "https://example.com/a", "/路径", ""],
    "uuid": ["123e4567-e89b-12d3-a456-426614174000", "123E4567-E89B-12D3-A456-426614174000"],
    "regex": ["^a$", "[a-z]+", "a|b", "\\d{2,}", ""],
    "duration": ["P1D", "PT1H", "P2W", "P1Y2M3DT4H5M6S"],
    "json-pointer": ["/a", "", "/a~1b/0", "/with space", "/a(b"],
    "relative-json-pointer": ["0/a", "1#", "0", "2/x~0y", "0/with space", "0/a(b"],
    "uri-template": ["https://example.com/{id}", "/a", "{?q,page}", "{+path}/x", ""],
}
_EXTRA_KEY = "zz_undeclared"
_SIMPLE_VALUES: tuple[Any, ...] = ("x", 0, None, True, {}, [])
_PER_LEVEL = 8
_WIDE = 24
_MAX_DEPTH = 4


def regex_samples(pattern: str) -> list[str]:
    """A few strings matching an ECMA-262 pattern (common constructs only), each verified with the
    validator's own match."""
    tree = regex_tree(pattern)
    if tree is None:
        return []
    parser: Any = regex_parser()
    out: list[str] = []
    for extra in (0, 1, 2, 3):
        try:
            text = _gen(tree, extra, parser)
        except _Unsupported:
            continue
        if text not in out and regex_search(pattern, text) is True:
            out.append(text)
    if out and "$" in pattern and regex_search(pattern, out[0] + "\n") is True:
        out.append(out[0] + "\n")  # "$" also matches before a final newline: a name people forget
    return out


class _Unsupported(Exception):
    pass


def _gen(tree: Any, extra: int, parser: Any) -> str:
    out = ""
    c = parser
    for op, av in tree:
        name = str(op)
        if name == "LITERAL":
            out += chr(av)
        elif name == "ANY":
            out += "a"
        elif name == "IN":
            out += _pick(av, extra)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            lo, hi, sub = av
            n = lo + extra if hi == c.MAXREPEAT or lo + extra <= hi else hi
            n = max(n, lo)
            if n > 1000:
                raise _Unsupported("repeat")
            out += "".join(_gen(sub, extra, parser) for _ in range(n))
        elif name == "SUBPATTERN":
            out += _gen(av[-1], extra, parser)
        elif name == "BRANCH":
            branches = av[1]
            out += _gen(branches[min(extra, len(branches) - 1)], extra, parser)
        elif name in ("AT", "ASSERT_NOT"):
            continue
        else:
            raise _Unsupported(name)
    return out


def _pick(items: Any, variant: int) -> str:
    """One member of a character class; ``variant`` walks through its parts (first range start,
    last range end, literals …) so different samples exercise different characters."""
    negate = False
    options: list[str] = []
    for op, av in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif negate:
            continue
        elif name == "LITERAL":
            options.append(chr(av))
        elif name == "RANGE":
            options += [chr(av[0]), chr(av[1])]
        elif name == "CATEGORY":
            cat = str(av)
            options.append({"CATEGORY_DIGIT": "0", "CATEGORY_WORD": "a", "CATEGORY_SPACE": " "}.get(cat, "a"))
    if options:
        return options[-1 if variant else 0] if variant < 2 else options[variant % len(options)]
    if negate:
        banned = {chr(av) for op, av in items if str(op) == "LITERAL"}
        for ch in "aZ0_-":
            if ch not in banned:
                return ch
    raise _Unsupported("IN")


def candidates(walk: Prover, piece: Piece, depth: int = 0) -> list[Any]:
    """Values probably valid under the piece, diverse enough to hit boundaries."""
    k = walk.knowledge(piece)
    if k.empty:
        return []
    if k.finite is not None:
        return list(k.finite)
    out: list[Any] = []
    for a in k.atoms:
        for kw in ("examples",):
            if isinstance(a.get(kw), list):
                out += a.get(kw)[:3]
        for kw in ("default", "example"):
            if a.has(kw):
                out.append(a.get(kw))
    if k.disj and depth < _MAX_DEPTH:  # values of each case of the first anyOf/oneOf/if
        node, kw = k.disj[0]
        for case in cases(piece, node, kw)[:4]:
            out += candidates(walk, case, depth + 1)[:4]
    order = ["object", "string", "integer", "nonint", "array", "boolean", "null"]
    for kind in order:
        if kind in k.kinds:
            out += _of_kind(walk, piece.restrict(frozenset({kind})), kind, depth)
    return out


def _distinct(walk: Prover, piece: Piece, n: int) -> list[Any]:
    """``n`` pairwise different values for a simple numeric or string piece (for uniqueItems)."""
    k = walk.knowledge(piece)
    if k.kinds & {"integer", "nonint"}:
        hi, lo = effective_upper(k), effective_lower(k)
        if hi is not None:
            return [int(hi[0]) - i for i in range(n)]
        start = int(lo[0]) + 1 if lo is not None else 0
        return list(range(start, start + n))
    if "string" in k.kinds and not k.patterns and not k.formats:
        width = max(k.min_len, len(str(n)))
        return [str(i).rjust(width, "a") for i in range(n)]
    return []


def members(walk: Prover, piece: Piece, depth: int = 0) -> list[Any]:
    """The candidates the real validator places in the piece (valid under every conjunct)."""
    k = walk.knowledge(piece)
    out: list[Any] = []
    for v in candidates(walk, piece, depth):
        if len(out) >= _PER_LEVEL:
            break
        if not any(_same_json(v, o) for o in out) and _member(walk, piece, v, k):
            out.append(v)
    return out


def _member(walk: Prover, piece: Piece, v: Any, k: Any = None) -> bool:
    """Whether the real validator places ``v`` in the piece."""
    k = k or walk.knowledge(piece)
    if kind_of(v) not in piece.kinds:
        return False
    return all(a.doc.is_valid(a.schema, v) for a in k.atoms) and not any(
        n.doc.is_valid(n.schema, v) for n in k.negs
    )


def _of_kind(walk: Prover, piece: Piece, kind: str, depth: int) -> list[Any]:
    k = walk.knowledge(piece)
    if k.empty:
        return []
    if kind == "null":
        return [None]
    if kind == "boolean":
        return [True, False]
    if kind in ("integer", "nonint"):
        lo, hi = effective_lower(k), effective_upper(k)
        vals: list[Any] = []
        for b in (lo, hi):
            if b is not None:
                x = b[0]
                vals += [int(x)] if x.denominator == 1 else [float(x)]
                vals += [int(x) + 1, int(x) - 1, float(x) + 0.5, float(x) - 0.5]
        vals += [0, 1, 7, 100, 0.5, 2.5, -1, 0.1, 0.25, 1.3]  # fractions off common multipleOf steps
        return [v for v in vals if (kind == "integer") == (isinstance(v, int) or float(v).is_integer())]
    if kind == "string":
        lo_cap = min(k.min_len, MAX_WITNESS_TEXT)  # no multi-megabyte strings from absurd bounds
        hi_cap = None if k.max_len is None else min(k.max_len, MAX_WITNESS_TEXT)
        strs: list[str] = []
        for f in sorted(k.formats):
            strs += FORMAT_SAMPLES.get(f, [])
        for p in sorted(k.patterns):
            for s in regex_samples(p):
                strs += [s, s + "a" * 20, s + "\n"]  # "$" also matches before a final newline
                if len(s) < lo_cap:  # most patterns here are prefix or class patterns
                    strs += [s + "a" * (lo_cap - len(s)), s + "0" * (lo_cap - len(s))]
        lo_n = lo_cap
        for n in (lo_n, max(lo_n, 1), lo_n + 1, hi_cap):
            if n is not None:
                strs += ["a" * n, "A" * n, "0" * n]
        for s in list(strs):
            if hi_cap is not None and len(s) < hi_cap:
                strs.append(s + "a" * (hi_cap - len(s)))
        return strs
    if depth >= _MAX_DEPTH:
        return [] if kind == "array" else [{}]
    if kind == "array":
        arr = OldArrays(walk, k)
        items: list[Any] = []
        n = min(max(k.min_items, 1), 64)  # longer minimum lengths get no array samples
        for i in range(n + 1):
            vp = arr.item(i)
            if vp is None:
                break
            vals = members(walk, vp, depth + 1)
            fresh = [v for v in vals if not any(_same_json(v, x) for x in items)]  # distinct for uniqueItems
            items.append(fresh[0] if fresh else vals[0] if vals else None)
        out: list[Any] = [items[: k.min_items], items[:n], items, []]
        for a in k.atoms:  # arrays made of samples of the old contains schema
            c = a.child("contains")
            if c is not None:
                for v in members(walk, Piece((c,)), depth + 1)[:2]:
                    m = min(max(k.min_items, 1), 64)
                    out += [[v] * m, [v] * (m + 1), [v] * (m + 2)]
        long_n = k.max_items if k.max_items is not None else max(n + 1, 12)
        if items and long_n <= 64:
            out.append([items[min(i, len(items) - 1)] for i in range(long_n)])
        long_n = k.max_items if k.max_items is not None else 40
        tail = arr.item(long_n - 1) if long_n <= 64 else None
        if tail is not None:
            out.append(items[: arr.prefix_max] + _distinct(walk, tail, long_n - arr.prefix_max))
        return out
    obj = OldObjects(walk, k)
    base: dict[str, Any] = {}
    samples: dict[str, list[Any]] = {}
    names = sorted(obj.declared | k.required)
    # A wide object (hundreds of properties) is sampled with its required properties only (a
    # witness is embedded at its own path, which creates what it needs): the search then costs
    # what the required part costs, not the width.
    wide = len(names) > _WIDE
    for name in names:
        if wide and name not in k.required:
            continue
        vp = obj.value(name)
        vals = members(walk, vp, depth + 1)[:_PER_LEVEL] if vp is not None else []
        samples[name] = vals
        if name in k.required and vals:
            base[name] = vals[0]
    objs: list[Any] = [base]
    full = dict(base)
    for name, vals in samples.items():
        if vals and name not in base:
            objs.append({**base, name: vals[0]})
            full[name] = vals[0]
    objs.append(full)
    extra = list(_SIMPLE_VALUES)
    for a in k.atoms:  # values the old catch-all admits for undeclared keys
        addl = a.child("additionalProperties")
        if addl is not None and addl.schema is not False:
            extra = members(walk, Piece((addl,)), depth + 1)[:3] + extra
    for v in extra:
        objs.append({**full, _EXTRA_KEY: v})
    objs.append({**full, "z": extra[0]})  # a one-character undeclared key
    for a in k.atoms:  # keys matching the old pattern properties
        pats = a.get("patternProperties")
        for p in pats if isinstance(pats, dict) else {}:
            sub = a.child("patternProperties", p)
            vals = members(walk, Piece((sub,)), depth + 1)[:2] if sub is not None else []
            for name in regex_samples(p)[:1]:
                objs += [{**base, name: v} for v in vals]
    return objs


def embed(walk: Prover, piece: Piece | None, base: Any, ipath: tuple[Any, ...], value: Any) -> Any:
    """A copy of ``base`` with ``value`` placed at payload path ``ipath``. Containers missing on
    the way are created from valid samples of the old value piece at that place (so required
    siblings are present), else empty."""
    if not ipath:
        return copy.deepcopy(value)
    seg, rest = ipath[0], ipath[1:]
    k = walk.knowledge(piece) if piece is not None else None
    if isinstance(seg, int):
        sub = OldArrays(walk, k).item(seg) if k is not None else None
        arr = list(base) if isinstance(base, list) else []
        while len(arr) <= seg:
            filler = (members(walk, sub)[:1] if sub is not None and rest else []) or [None]
            arr.append(embed(walk, sub, arr[-1] if arr else filler[0], rest, value))
        arr[seg] = embed(walk, sub, arr[seg], rest, value)
        return arr
    name = seg if isinstance(seg, str) else _any_key(seg)
    sub = OldObjects(walk, k).value(name) if k is not None else None
    obj = dict(base) if isinstance(base, dict) else {}
    child = obj.get(name)
    if child is None and rest and sub is not None:
        child = next(iter(members(walk, sub)), None)
    obj[name] = embed(walk, sub, child, rest, value)
    return obj


def _any_key(seg: AnyKey) -> str:
    if seg.pattern is not None:
        for s in regex_samples(seg.pattern):
            return s
    return _EXTRA_KEY


def find(walk: Prover, finding: Finding, old: Doc, new: Doc, bases: list[Any]) -> tuple[bool, Any]:
    """Search a verified witness for a breaking finding: (found, payload)."""
    tried = 0
    locals_: list[Any] = list(finding.hints)
    if finding.piece is not None:
        locals_ += _stretched_hints(walk, finding.piece, finding.hints)
        if finding.target is not None:
            locals_ += _beyond_new_bounds(walk, finding.piece, finding.target)
    if finding.piece is not None:
        locals_ += candidates(walk, finding.piece)
    if finding.target is not None:
        if finding.piece is not None:
            for focus in _focus(finding.target):
                locals_ += candidates(walk, finding.piece.plus(focus))[:_PER_LEVEL]
        locals_ += _pattern_key_variants(finding.target, locals_)
    seen: list[Any] = []
    for value in locals_:
        if any(_same_json(value, s) for s in seen):
            continue
        seen.append(value)
        if finding.target is not None and finding.target.doc.is_valid(finding.target.schema, value):
            continue  # the new schema accepts it at this place: no counterexample here
        if finding.piece is not None and not _member(walk, finding.piece, value):
            continue  # not an old value at this place
        for base in bases:
            payload = embed(walk, Piece((Node(old, old.root, ""),)), base, finding.ipath, value)
            tried += 1
            # Both validators must answer (no exception): a witness is shown only when certain,
            # and it must be a payload the registry accepts at all (within the 256 KB cap).
            if (
                _fits(payload)
                and old.verdict(old.root, payload) is True
                and new.verdict(new.root, payload) is False
            ):
                return True, payload
            if tried > 60:
                return False, None
    return False, None


_BOUND_KEYWORDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
_LENGTH_KEYWORDS = ("minLength", "maxLength")


def _beyond_new_bounds(walk: Prover, piece: Piece, target: Node) -> list[Any]:
    """Values at and just past the bounds the new node (and its direct alternatives) sets —
    numbers snapped to the old piece's multipleOf steps, strings of those lengths — where an old
    value the new schema refuses usually lies (a maximum added to one anyOf branch: the old
    branch's values beyond it)."""
    k = walk.knowledge(piece)
    nums: set[Any] = set()
    lengths: set[int] = set()
    for node in [target, *_alternatives(target)]:
        for kw in _BOUND_KEYWORDS:
            v = node.get(kw)
            if isinstance(v, int | float) and not isinstance(v, bool) and abs(v) < 1e15:
                nums.update((v - 1, v, v + 1))
        for kw in _LENGTH_KEYWORDS:
            v = node.get(kw)
            if isinstance(v, int) and not isinstance(v, bool) and 0 <= v < MAX_WITNESS_TEXT:
                lengths.update((max(v - 1, 0), v, v + 1))
    out: list[Any] = []
    if k.kinds & {"integer", "nonint"}:
        steps = [m for m in k.mults if isinstance(m, int) and not isinstance(m, bool) and m > 0]
        for v in sorted(nums):
            out.append(v)
            base = int(v)
            for m in steps[:2]:
                out += [base - base % m, base - base % m + m]
    if "string" in k.kinds:
        out += ["a" * n for n in sorted(lengths)]
    return out[:24]


def _stretched_hints(walk: Prover, piece: Piece, hints: list[Any]) -> list[str]:
    """For a string hint of some length (e.g. 65,536 characters against a new ``maxLength``) that
    old values must also match patterns for: a sample of those patterns grown to that length by
    repeating one of its characters in place, when the patterns still match it."""
    k = walk.knowledge(piece)
    if not k.patterns:
        return []
    patterns = sorted(k.patterns)
    out: list[str] = []
    for length in sorted({len(h) for h in hints if isinstance(h, str)}):
        for sample in regex_samples(patterns[0])[:2]:
            if len(sample) >= length or not sample:
                continue
            for i, ch in enumerate(sample[:16]):
                text = sample[:i] + ch * (length - len(sample) + 1) + sample[i + 1 :]
                if all(regex_search(p, text) is True for p in patterns):
                    out.append(text)
                    break
    return out


def _fits(payload: Any) -> bool:
    try:
        text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError):
        return False
    return len(text.encode("utf-8")) <= PAYLOAD_CAP_BYTES


def _focus(target: Node) -> list[Node]:
    """Parts of the new node whose instances are likely counterexamples once met by old values:
    the 'not' schema, the 'if' condition, each oneOf branch, the trigger of a dependency."""
    out: list[Node] = []
    for node in [target, *_alternatives(target)]:
        for kw in ("not", "if"):
            c = node.child(kw)
            if c is not None:
                out.append(c)
    branches = target.get("oneOf")
    for i in range(len(branches) if isinstance(branches, list) else 0):
        c = target.child("oneOf", i)
        if c is not None:
            out.append(c)
    for kw in ("dependentRequired", "dependentSchemas"):
        deps = target.get(kw)
        for name in deps if isinstance(deps, dict) else {}:
            out.append(Node.synthetic({"required": [name]}))
    return out


def _pattern_key_variants(target: Node, values: list[Any]) -> list[Any]:
    """Old objects with one more key the new node cares about — a name it declares (here or in
    its alternatives) or one matching its patternProperties — holding a simple value."""
    objs = [v for v in values if isinstance(v, dict)][:3]
    if not objs:
        return []
    names: list[str] = []
    for node in [target, *_alternatives(target)]:
        props = node.get("properties")
        names += [n for n in props if isinstance(n, str)] if isinstance(props, dict) else []
        pats = node.get("patternProperties")
        for p in pats if isinstance(pats, dict) else {}:
            samples = regex_samples(p)
            names += samples[:1] + [x for x in samples if x.endswith("\n")][:1]
    out: list[Any] = []
    for name in dict.fromkeys(names):
        for obj in objs:
            if name not in obj:
                out += [{**obj, name: v} for v in _SIMPLE_VALUES]
    return out


def _alternatives(node: Node) -> list[Node]:
    out: list[Node] = []
    for kw in ("allOf", "anyOf", "oneOf"):
        branches = node.get(kw)
        for i in range(len(branches) if isinstance(branches, list) else 0):
            c = node.child(kw, i)
            if c is not None:
                out.append(c)
    return out


def root_bases(walk: Prover, old: Doc) -> list[Any]:
    """Sample payloads valid under the old schema, to embed local values into."""
    out: list[Any] = []
    for v in candidates(walk, Piece((Node(old, old.root, ""),))):
        if old.is_valid(old.root, v) and not any(_same_json(v, o) for o in out):
            out.append(v)
            if len(out) >= 3:
                break
    return out or [None]


def _same_json(a: Any, b: Any) -> bool:
    return strict_equal(a, b)
