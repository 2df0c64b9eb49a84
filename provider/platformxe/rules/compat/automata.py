"""Regular-language reasoning about ``pattern``: inclusion and disjointness of regexes.

Patterns are ECMA-262 (:mod:`platformxe.rules.ecma`); the automaton is built from their
translation, where ``\\d \\w \\s .`` are explicit code point ranges and ``$`` is ``\\Z``, so
the category machinery below only serves direct callers of Python-syntax trees.
The validator accepts a string when the pattern's search finds a match. For the common
regex subset — literals, classes (``\\d \\w \\s``, ranges, negation), ``.``, groups,
alternation, counted and unbounded repetition, with ``^``/``\\A`` only at the start and
``$``/``\\Z`` only at the end of a top-level alternative — that set of strings is a regular
language, built here as an NFA over *minterms*: the code-point line is cut at every range
boundary used by either pattern (and at 128), and each elementary interval is combined with a
sign for each character category used. Every character of a minterm behaves alike for every
class in play, so exploring minterms explores all strings.

Soundness: a minterm must never be dropped while it holds a character. Inside ASCII the
categories are tested character by character with ``re`` itself (exact); outside ASCII a
minterm counts as inhabited unless it claims a decimal digit that is not a word character
(``\\d`` ⊆ ``\\w``, checked over all of Unicode by a unit test). Over-counting only adds
spurious counterexamples, i.e. "could not prove". Anything outside the subset (flags such as
IGNORECASE or MULTILINE, lookarounds, backreferences, atomic groups, possessive repeats, word
boundaries) makes the analysis answer "unknown".
"""

from __future__ import annotations

import bisect
import importlib
import itertools
import re
from collections import deque
from functools import cache
from typing import Any

from platformxe.rules.ecma import EcmaPatternError, translate

MAX_CP = 0x10FFFF
_ALLOWED_FLAGS = re.UNICODE | re.VERBOSE | re.DOTALL | re.ASCII
_MAX_NFA = 3000
_MAX_PRODUCT = 4000
_MAX_TERMS = 400
_MAX_MINTERMS = 20_000
_MAX_WORK = 400_000
_ASCII_CATS = {
    "d": [(48, 57)],
    "w": [(48, 57), (65, 90), (95, 95), (97, 122)],
    "s": [(9, 13), (32, 32)],
}
_CATS = {
    "CATEGORY_DIGIT": ("d", True),
    "CATEGORY_NOT_DIGIT": ("d", False),
    "CATEGORY_WORD": ("w", True),
    "CATEGORY_NOT_WORD": ("w", False),
    "CATEGORY_SPACE": ("s", True),
    "CATEGORY_NOT_SPACE": ("s", False),
}
TRUE: tuple[Any, ...] = ("rng", 0, MAX_CP)


class Unsupported(Exception):
    """The pattern uses a construct outside the analysed subset."""


class Automaton:
    """An NFA over character predicates (see module docstring)."""

    def __init__(self) -> None:
        self.eps: list[list[int]] = []
        self.trans: list[list[tuple[tuple[Any, ...], int]]] = []
        self.accept: set[int] = set()
        self.start = self.new()

    def new(self) -> int:
        """A fresh state."""
        if len(self.eps) >= _MAX_NFA:
            raise Unsupported("too large")
        self.eps.append([])
        self.trans.append([])
        return len(self.eps) - 1

    def closure(self, states: set[int]) -> frozenset[int]:
        """States reachable through empty moves."""
        out = set(states)
        work = list(states)
        while work:
            for t in self.eps[work.pop()]:
                if t not in out:
                    out.add(t)
                    work.append(t)
        return frozenset(out)

    def predicates(self) -> list[tuple[Any, ...]]:
        """Every character predicate on a transition."""
        return [p for row in self.trans for p, _ in row]


@cache
def automaton(pattern: str) -> Automaton | None:
    """The NFA of the strings the ECMA-262 ``pattern`` accepts (by search), or None when unsupported."""
    try:
        text = translate(pattern, expand_properties=True)
        flags = re.compile(text).flags
        if flags & ~_ALLOWED_FLAGS:
            return None
        tree = importlib.import_module("re._parser").parse(text)
        return _build(list(tree), bool(flags & re.DOTALL), bool(flags & re.ASCII))
    except (Unsupported, EcmaPatternError, re.error, RecursionError, ValueError, TypeError, AttributeError):
        return None


def _build(items: list[Any], dotall: bool, ascii_: bool) -> Automaton:
    a = Automaton()
    for alt in _top_alternatives(items):
        alt = list(alt)
        anchored = (
            bool(alt) and str(alt[0][0]) == "AT" and str(alt[0][1]) in ("AT_BEGINNING", "AT_BEGINNING_STRING")
        )
        if anchored:
            alt = alt[1:]
        end_mode = "free"
        if alt and str(alt[-1][0]) == "AT" and str(alt[-1][1]) in ("AT_END", "AT_END_STRING"):
            end_mode = "dollar" if str(alt[-1][1]) == "AT_END" else "z"
            alt = alt[:-1]
        s = a.new()
        a.eps[a.start].append(s)
        if not anchored:
            a.trans[s].append((TRUE, s))  # any prefix before the match
        e = _seq(a, alt, s, dotall, ascii_)
        if end_mode == "free":
            f = a.new()
            a.eps[e].append(f)
            a.trans[f].append((TRUE, f))  # any suffix after the match
            a.accept.add(f)
        else:
            a.accept.add(e)
            if end_mode == "dollar":  # "$" also matches before a final newline
                f = a.new()
                a.trans[e].append((("rng", 10, 10), f))
                a.accept.add(f)
    return a


def _top_alternatives(items: list[Any]) -> list[list[Any]]:
    """The pattern's top-level alternatives, each a sequence. Python's parser factors a common
    prefix out of alternatives (``^a$|^b`` reads as ``^(?:a$|b)``); a trailing alternation is
    distributed back (concatenation distributes over alternation), so anchors stand at the ends
    of the sequences again."""
    if items and str(items[-1][0]) == "BRANCH":
        prefix = list(items[:-1])
        out: list[list[Any]] = []
        for alt in items[-1][1][1]:
            out += [prefix + rest for rest in _top_alternatives(list(alt))]
        return out
    return [list(items)]


def _seq(a: Automaton, items: list[Any], s: int, dotall: bool, ascii_: bool) -> int:
    for op, av in items:
        name = str(op)
        if name in ("LITERAL", "NOT_LITERAL", "ANY", "IN"):
            t = a.new()
            a.trans[s].append((_pred(name, av, dotall, ascii_), t))
            s = t
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):
            lo, hi, sub = av
            for _ in range(lo):
                s = _seq(a, list(sub), s, dotall, ascii_)
            if hi == importlib.import_module("re._parser").MAXREPEAT:
                loop = a.new()
                a.eps[s].append(loop)
                back = _seq(a, list(sub), loop, dotall, ascii_)
                a.eps[back].append(loop)
                s = loop
            else:
                end = a.new()
                a.eps[s].append(end)
                for _ in range(hi - lo):
                    s = _seq(a, list(sub), s, dotall, ascii_)
                    a.eps[s].append(end)
                s = end
        elif name == "SUBPATTERN":
            _group, add, remove, sub = av
            if add or remove:
                raise Unsupported("inline flags")
            s = _seq(a, list(sub), s, dotall, ascii_)
        elif name == "BRANCH":
            end = a.new()
            for alt in av[1]:
                a.eps[_seq(a, list(alt), s, dotall, ascii_)].append(end)
            s = end
        else:
            raise Unsupported(name)
    return s


def _pred(name: str, av: Any, dotall: bool, ascii_: bool) -> tuple[Any, ...]:
    if name == "LITERAL":
        return ("rng", av, av)
    if name == "NOT_LITERAL":
        return ("not", ("rng", av, av))
    if name == "ANY":
        return TRUE if dotall else ("not", ("rng", 10, 10))
    negate = False
    parts: list[tuple[Any, ...]] = []
    for op, v in av:
        kind = str(op)
        if kind == "NEGATE":
            negate = True
        elif kind == "LITERAL":
            parts.append(("rng", v, v))
        elif kind == "RANGE":
            parts.append(("rng", v[0], v[1]))
        elif kind == "CATEGORY" and str(v) in _CATS:
            cat, positive = _CATS[str(v)]
            p: tuple[Any, ...] = (
                ("or", tuple(("rng", x, y) for x, y in _ASCII_CATS[cat])) if ascii_ else ("cat", cat)
            )
            parts.append(p if positive else ("not", p))
        else:
            raise Unsupported(kind)
    union: tuple[Any, ...] = ("or", tuple(parts))
    return ("not", union) if negate else union


def _ranges(p: tuple[Any, ...], out: set[int], cats: set[str]) -> None:
    if p[0] == "rng":
        out.update((p[1], p[2] + 1))
    elif p[0] == "cat":
        cats.add(p[1])
    elif p[0] == "not":
        _ranges(p[1], out, cats)
    else:
        for q in p[1]:
            _ranges(q, out, cats)


@cache
def _ascii_signs(ch: int) -> tuple[bool, bool, bool]:
    c = chr(ch)
    return (bool(re.fullmatch(r"\d", c)), bool(re.fullmatch(r"\w", c)), bool(re.fullmatch(r"\s", c)))


def _minterms(autos: list[Automaton]) -> list[tuple[int, int, dict[str, bool], int]]:
    """Inhabited minterms as (lo, hi, category signs, a representative character)."""
    points: set[int] = {0, 128, MAX_CP + 1}
    cats: set[str] = set()
    for a in autos:
        for p in a.predicates():
            _ranges(p, points, cats)
    cuts = sorted(x for x in points if 0 <= x <= MAX_CP + 1)
    names = sorted(cats)
    out: list[tuple[int, int, dict[str, bool], int]] = []
    for lo, nxt in itertools.pairwise(cuts):
        hi = nxt - 1
        for mask in range(1 << len(names)):
            signs = {n: bool(mask >> i & 1) for i, n in enumerate(names)}
            rep = _inhabitant(lo, hi, signs)
            if rep is not None:
                out.append((lo, hi, signs, rep))
    return out


def _classes(
    autos: list[Automaton],
) -> tuple[list[tuple[int, int, dict[str, bool], int]], dict[tuple[Any, ...], frozenset[int]]]:
    """The minterms merged into classes that every predicate in play treats alike, and, for each
    predicate, the classes where it holds.

    A Unicode property spelled as ranges (``\\p{L}``: ~700 of them) cuts the code-point line
    into ~1,400 minterms, but against ``[a-z]`` only three classes behave differently (in
    ``a-z``, a letter outside it, not a letter); exploring one representative per class explores
    every string exactly as exploring every minterm would.
    """
    terms = _minterms(autos)
    if len(terms) > _MAX_MINTERMS:
        raise Unsupported("alphabet too large")
    los = [t[0] for t in terms]
    full = (1 << len(terms)) - 1
    memo: dict[tuple[Any, ...], int] = {}

    def mask(p: tuple[Any, ...]) -> int:
        found = memo.get(p)
        if found is not None:
            return found
        if p[0] == "rng":  # range ends are cut points, so a minterm is wholly in or out
            start, end = bisect.bisect_left(los, p[1]), bisect.bisect_left(los, p[2] + 1)
            out = ((1 << (end - start)) - 1) << start
        elif p[0] == "cat":
            out = sum(1 << i for i, t in enumerate(terms) if t[2][p[1]])
        elif p[0] == "not":
            out = full & ~mask(p[1])
        else:
            out = 0
            for q in p[1]:
                out |= mask(q)
        memo[p] = out
        return out

    preds = list(dict.fromkeys(p for a in autos for p in a.predicates()))
    masks = [mask(p) for p in preds]
    class_of: dict[tuple[int, ...], int] = {}
    member: list[int] = []
    reps: list[tuple[int, int, dict[str, bool], int]] = []
    for i, term in enumerate(terms):
        key = tuple((m >> i) & 1 for m in masks)
        c = class_of.get(key)
        if c is None:
            c = class_of[key] = len(reps)
            reps.append(term)
        member.append(c)
    holds: dict[tuple[Any, ...], frozenset[int]] = {}
    for p, m in zip(preds, masks, strict=True):
        holds[p] = frozenset(member[i] for i in range(len(terms)) if (m >> i) & 1)
    return reps, holds


def _inhabitant(lo: int, hi: int, signs: dict[str, bool]) -> int | None:
    """A character of the minterm; for non-ASCII intervals possibly only presumed (see docs)."""
    if hi < 128:
        for ch in range(lo, hi + 1):
            d, w, s = _ascii_signs(ch)
            if all({"d": d, "w": w, "s": s}[n] == v for n, v in signs.items()):
                return ch
        return None
    if signs.get("d") and signs.get("w") is False:
        return None  # \d ⊆ \w
    return lo


def find_string(accept_all: list[Automaton], reject: Automaton | None) -> tuple[bool, str | None]:
    """Search a string every automaton of ``accept_all`` accepts and ``reject`` does not.

    Returns (True, example) when found, (False, None) when none exists, and raises Unsupported
    when the search exceeds its budget.
    """
    autos = accept_all + ([reject] if reject is not None else [])
    terms, holds = _classes(autos)
    if len(terms) > _MAX_TERMS:
        raise Unsupported("alphabet too large")
    # Each transition's predicate, evaluated once per class: state -> [(class set, target)].
    tables = [[[(holds[p], t) for p, t in row] for row in a.trans] for a in autos]
    closures: list[dict[frozenset[int], frozenset[int]]] = [{} for _ in autos]
    starts = tuple(a.closure({a.start}) for a in autos)
    parent: dict[tuple[frozenset[int], ...], tuple[Any, int] | None] = {starts: None}
    queue = deque([starts])
    n_acc = len(accept_all)
    work = 0
    while queue:
        state = queue.popleft()
        if all(state[i] & autos[i].accept for i in range(n_acc)) and (
            reject is None or not state[-1] & reject.accept
        ):
            return True, _path(parent, state, terms)
        moves: list[list[set[int]]] = []
        for i in range(len(autos)):
            per_term: list[set[int]] = [set() for _ in terms]
            for s in state[i]:
                for ms, t in tables[i][s]:
                    work += len(ms)
                    for m in ms:
                        per_term[m].add(t)
            moves.append(per_term)
        if work > _MAX_WORK:
            raise Unsupported("search budget")
        for index in range(len(terms)):
            nxt = []
            for i, a in enumerate(autos):
                raw = frozenset(moves[i][index])
                closed = closures[i].get(raw)
                if closed is None:
                    closed = closures[i][raw] = a.closure(set(raw))
                nxt.append(closed)
            key = tuple(nxt)
            if any(not nxt[i] for i in range(n_acc)) or key in parent:
                continue
            parent[key] = (state, index)
            if len(parent) > _MAX_PRODUCT:
                raise Unsupported("search budget")
            queue.append(key)
    return False, None


def _path(parent: dict[Any, Any], state: Any, terms: list[tuple[int, int, dict[str, bool], int]]) -> str:
    chars: list[str] = []
    while parent[state] is not None:
        state, index = parent[state]
        chars.append(chr(terms[index][3]))
    return "".join(reversed(chars))


def included(old: list[str], new: str) -> tuple[bool | None, str | None]:
    """Does every string matching all ``old`` patterns match ``new``? (answer, counterexample)."""
    autos = [automaton(p) for p in old]
    target = automaton(new)
    if target is None or not autos or any(a is None for a in autos):
        return None, None
    try:
        found, example = find_string([a for a in autos if a is not None], target)
    except Unsupported:
        return None, None
    return (False, example) if found else (True, None)


def disjoint(a: str, b: str) -> bool:
    """Proved: no string matches both patterns."""
    x, y = automaton(a), automaton(b)
    if x is None or y is None:
        return False
    try:
        found, _ = find_string([x, y], None)
    except Unsupported:
        return False
    return not found
