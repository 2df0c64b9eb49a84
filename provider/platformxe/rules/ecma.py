"""ECMA-262 regular expressions, as JSON Schema means them, run on the ``regex`` module.

JSON Schema 2020-12 says a ``pattern`` (and a ``patternProperties`` key, and a ``format: regex``
value) is an ECMA-262 regular expression with the ``u`` flag. Python's engines read the same
text differently: ``\\d`` and ``\\w`` match any Unicode digit or letter, ``$`` also matches
before a trailing newline, ``.`` matches ``\\r``, and they accept syntax ECMA-262 refuses
(``(?P<n>…)``, ``(?i)``, ``\\A``, ``\\Z``, ``\\a``, possessive quantifiers …).

:func:`compile_pattern` parses the text with the ECMA-262 grammar (``u`` mode), refuses what
the grammar refuses with an :class:`EcmaPatternError` naming the pattern and the position, and
translates what it accepts into an equivalent ``regex`` pattern:

- ``\\d`` = ``[0-9]``, ``\\w`` = ``[A-Za-z0-9_]``, ``\\b`` / ``\\B`` on that ASCII ``\\w``;
- ``\\s`` = the ECMA white space and line terminators (tab, VT, FF, space, U+00A0, U+FEFF,
  every Unicode ``Zs`` character, LF, CR, U+2028, U+2029);
- ``.`` = any code point but LF, CR, U+2028, U+2029; ``$`` = end of input only;
- ``\\p{…}`` / ``\\P{…}`` Unicode properties (the names ``regex`` knows, written with braces);
- ``\\cX``, ``\\0``, ``\\xHH``, ``\\uHHHH`` (surrogate pairs joined), ``\\u{H…}``;
- a backreference to a group that has not matched matches the empty string, as in ECMA-262.

The compiled pattern is a ``regex.Pattern``: callers pass ``timeout=`` to ``search`` to bound
the time a tenant's pattern may take. Compiled patterns are cached.
"""

from __future__ import annotations

import array
from dataclasses import dataclass, field
from functools import lru_cache

import regex

__all__ = ["EcmaPatternError", "compile_pattern", "is_valid", "property_ranges", "translate"]

MAX_CODE_POINT = 0x10FFFF

_DIGIT = ((0x30, 0x39),)
_WORD = ((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A))
_LINE_TERMINATORS = ((0x0A, 0x0A), (0x0D, 0x0D), (0x2028, 0x2029))
_SYNTAX = set("^$\\.*+?()[]{}|/")
_CONTROL = {"f": 0x0C, "n": 0x0A, "r": 0x0D, "t": 0x09, "v": 0x0B}


#: Unicode ``Zs`` (space separators) beyond ASCII; a unit test compares it with unicodedata.
ZS_RANGES = (
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
)


def _normalise(ranges: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    out: list[list[int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return tuple((lo, hi) for lo, hi in out)


def _complement(ranges: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    nxt = 0
    for lo, hi in ranges:
        if lo > nxt:
            out.append((nxt, lo - 1))
        nxt = hi + 1
    if nxt <= MAX_CODE_POINT:
        out.append((nxt, MAX_CODE_POINT))
    return tuple(out)


_SPACE = _normalise([(0x09, 0x0D), (0x20, 0x20), (0xFEFF, 0xFEFF), (0x2028, 0x2029), *ZS_RANGES])
_CLASS_ESCAPES: dict[str, tuple[tuple[int, int], ...]] = {
    "d": _DIGIT,
    "D": _complement(_DIGIT),
    "w": _WORD,
    "W": _complement(_WORD),
    "s": _SPACE,
    "S": _complement(_SPACE),
}
_DOT = _complement(_LINE_TERMINATORS)


class EcmaPatternError(ValueError):
    """The text is not an ECMA-262 regular expression (``u`` mode)."""

    def __init__(self, pattern: str, position: int, reason: str) -> None:
        self.pattern = pattern
        self.position = position
        self.reason = reason
        super().__init__(
            f"{pattern!r} is not a valid ECMA-262 regular expression (at position {position}: {reason}); "
            "JSON Schema patterns use ECMA-262 syntax with the u flag, e.g. '^[a-z][a-z0-9_]*$', "
            "'\\d{4}', '(?<year>\\d{4})', '\\p{L}+'"
        )


def _cp(c: int) -> str:
    """One code point as text the regex module reads the same way inside and outside a class."""
    ch = chr(c)
    if ch.isascii() and ch.isalnum():
        return ch
    return f"\\U{c:08X}"


def _ranges_text(ranges: tuple[tuple[int, int], ...]) -> str:
    return "".join(_cp(lo) if lo == hi else f"{_cp(lo)}-{_cp(hi)}" for lo, hi in ranges)


def _class_text(ranges: tuple[tuple[int, int], ...], negate: bool = False) -> str:
    if not ranges:
        return "[\\U00000000-\\U0010FFFF]" if negate else "(?!)"
    return ("[^" if negate else "[") + _ranges_text(ranges) + "]"


_W = _class_text(_WORD)
_BOUNDARY = f"(?:(?<={_W})(?!{_W})|(?<!{_W})(?={_W}))"
_NOT_BOUNDARY = f"(?:(?<={_W})(?={_W})|(?<!{_W})(?!{_W}))"


@dataclass
class _ClassItem:
    """One member of a character class: code point ranges, or a Unicode property (``regex`` text)."""

    ranges: tuple[tuple[int, int], ...] = ()
    prop: str = ""
    single: int | None = None  # a single code point, the only kind that may end a range


@dataclass
class _Parser:
    pattern: str
    pos: int = 0
    groups: int = 0
    names: list[str] = field(default_factory=list)
    total_groups: int = 0
    expand: bool = False  # Unicode properties as explicit code point ranges (for analysis)
    all_names: dict[str, int] = field(default_factory=dict)

    # -- helpers ---------------------------------------------------------------------------
    def fail(self, reason: str, at: int | None = None) -> EcmaPatternError:
        return EcmaPatternError(self.pattern, self.pos if at is None else at, reason)

    def peek(self, k: int = 0) -> str:
        i = self.pos + k
        return self.pattern[i] if i < len(self.pattern) else ""

    def eat(self, s: str) -> bool:
        if self.pattern.startswith(s, self.pos):
            self.pos += len(s)
            return True
        return False

    # -- grammar ---------------------------------------------------------------------------
    def disjunction(self) -> str:
        parts = [self.alternative()]
        while self.eat("|"):
            parts.append(self.alternative())
        return "|".join(parts)

    def alternative(self) -> str:
        out: list[str] = []
        while self.pos < len(self.pattern) and self.peek() not in ("|", ")"):
            out.append(self.term())
        return "".join(out)

    def term(self) -> str:
        start = self.pos
        c = self.peek()
        if c == "^":
            self.pos += 1
            return self._no_quantifier("^", start)
        if c == "$":
            self.pos += 1
            return self._no_quantifier("\\Z", start)
        if self.pattern.startswith(("\\b", "\\B"), self.pos):
            self.pos += 2
            boundary = _BOUNDARY if self.pattern[start + 1] == "b" else _NOT_BOUNDARY
            return self._no_quantifier(boundary, start)
        for opener in ("(?=", "(?!", "(?<=", "(?<!"):
            if self.eat(opener):
                body = self.disjunction()
                if not self.eat(")"):
                    raise self.fail("a lookaround group is not closed", start)
                return self._no_quantifier(f"{opener}{body})", start)
        atom = self.atom()
        return atom + self.quantifier()

    def _no_quantifier(self, text: str, start: int) -> str:
        if self._quantifier_ahead():
            raise self.fail("an assertion cannot be repeated", self.pos)
        return text

    def _quantifier_ahead(self) -> bool:
        c = self.peek()
        if c in ("*", "+", "?"):
            return True
        return c == "{" and self._braces() is not None

    def _braces(self) -> tuple[int, int | None, int] | None:
        """``{n}``, ``{n,}``, ``{n,m}`` at the position: (n, m, length) or None."""
        m = regex.match(r"\{([0-9]+)(,([0-9]*))?\}", self.pattern[self.pos :])
        if m is None:
            return None
        lo = int(m.group(1))
        if m.group(2) is None:
            return lo, lo, m.end()
        hi = int(m.group(3)) if m.group(3) else None
        return lo, hi, m.end()

    def quantifier(self) -> str:
        c = self.peek()
        if c in ("*", "+", "?"):
            self.pos += 1
            q = c
        elif c == "{":
            braces = self._braces()
            if braces is None:
                raise self.fail("a lone '{' must be escaped as '\\{'")
            lo, hi, length = braces
            if hi is not None and hi < lo:
                raise self.fail(f"the repetition {{{lo},{hi}}} has its numbers out of order")
            self.pos += length
            q = f"{{{lo}}}" if hi == lo and "," not in self.pattern[self.pos - length : self.pos] else (
                f"{{{lo},}}" if hi is None else f"{{{lo},{hi}}}")  # fmt: skip
        else:
            return ""
        if self.eat("?"):
            q += "?"
        if self.peek() in ("*", "+", "?", "{") and (self.peek() != "{" or self._braces() is not None):
            raise self.fail("nothing to repeat (a quantifier follows a quantifier)")
        return q

    def atom(self) -> str:
        start = self.pos
        c = self.peek()
        if c == ".":
            self.pos += 1
            return _class_text(_DOT)
        if c == "(":
            return self.group()
        if c == "[":
            return self.char_class()
        if c == "\\":
            return self.atom_escape()
        if c in ("*", "+", "?"):
            raise self.fail("nothing to repeat")
        if c == "{":
            raise self.fail("nothing to repeat (a lone '{' must be escaped as '\\{')" if self._braces() is not None
                            else "a lone '{' must be escaped as '\\{'")  # fmt: skip
        if c in ("}", "]"):
            raise self.fail(f"a lone {c!r} must be escaped as '\\{c}'")
        if c == ")":
            raise self.fail("')' without an opening '('", start)
        self.pos += 1
        return _cp(ord(c))

    def group(self) -> str:
        start = self.pos
        self.pos += 1
        if self.eat("?:"):
            prefix = "(?:"
        elif self.peek() == "?":
            if self.pattern.startswith("?<", self.pos) and self.peek(2) not in ("=", "!"):
                self.pos += 2
                name = self.group_name(start)
                if name in self.names:
                    raise self.fail(f"the group name {name!r} is used twice", start)
                self.names.append(name)
                self.groups += 1
                prefix = "("  # numbered like any group; \\k<name> becomes \\N
            else:
                raise self.fail("'(?' is followed by something ECMA-262 does not know (Python's (?P<name>…), "
                                "(?#…), (?i) or (?>…) are not ECMA-262; use (?<name>…) or (?:…))", start)  # fmt: skip
        else:
            self.groups += 1
            prefix = "("
        body = self.disjunction()
        if not self.eat(")"):
            raise self.fail("a group is not closed", start)
        return f"{prefix}{body})"

    def group_name(self, start: int) -> str:
        m = regex.match(r"([\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*)>", self.pattern[self.pos :])
        if m is None:
            raise self.fail("a group name must be an identifier followed by '>'", start)
        self.pos += m.end()
        return m.group(1)

    def atom_escape(self) -> str:
        start = self.pos
        self.pos += 1
        c = self.peek()
        if c == "":
            raise self.fail("the pattern ends with a lone '\\'", start)
        if c in "123456789":
            m = regex.match(r"[0-9]+", self.pattern[self.pos :])
            assert m is not None
            n = int(m.group(0))
            if n > self.total_groups:
                raise self.fail(f"the backreference \\{n} names a group the pattern does not have", start)
            self.pos += m.end()
            # ECMA-262: a backreference to a group that did not take part matches the empty string
            return f"(?:(?({n})\\{n}|))"
        if c == "k":
            self.pos += 1
            if not self.eat("<"):
                raise self.fail("\\k must be followed by <name>", start)
            name = self.group_name(start)
            if name not in self.all_names:
                raise self.fail(f"\\k<{name}> names a group the pattern does not have", start)
            n = self.all_names[name]
            return f"(?:(?({n})\\{n}|))"
        if c in _CLASS_ESCAPES:
            self.pos += 1
            return _class_text(_CLASS_ESCAPES[c])
        if c in ("p", "P"):
            prop = self.property_escape(start)
            return _class_text(property_ranges(prop)) if self.expand else "[" + prop + "]"
        return _cp(self.character_escape(start, in_class=False))

    def property_escape(self, start: int) -> str:
        c = self.peek()
        self.pos += 1
        m = regex.match(r"\{([A-Za-z0-9_]+(?:=[A-Za-z0-9_]+)?)\}", self.pattern[self.pos :])
        if m is None:
            raise self.fail(
                f"\\{c} must be followed by a Unicode property name in braces, e.g. \\{c}{{L}}", start
            )
        text = f"\\{c}{{{m.group(1)}}}"
        try:
            regex.compile(text)
        except regex.error:
            raise self.fail(f"{m.group(1)!r} is not a Unicode property name", start) from None
        self.pos += m.end()
        return text

    def character_escape(self, start: int, in_class: bool) -> int:
        """The code point of a CharacterEscape after the backslash (``pos`` is on its first letter)."""
        c = self.peek()
        if c in _CONTROL:
            self.pos += 1
            return _CONTROL[c]
        if c == "c":
            letter = self.peek(1)
            if letter.isascii() and letter.isalpha():
                self.pos += 2
                return ord(letter) % 32
            raise self.fail("\\c must be followed by an ASCII letter", start)
        if c == "0":
            if self.peek(1).isdigit():
                raise self.fail("octal escapes are not ECMA-262 (u mode); use \\xHH or \\uHHHH", start)
            self.pos += 1
            return 0
        if c == "x":
            m = regex.match(r"[0-9A-Fa-f]{2}", self.pattern[self.pos + 1 :])
            if m is None:
                raise self.fail("\\x must be followed by two hexadecimal digits", start)
            self.pos += 3
            return int(m.group(0), 16)
        if c == "u":
            return self.unicode_escape(start)
        if c in _SYNTAX or (in_class and c == "-"):
            self.pos += 1
            return ord(c)
        raise self.fail(f"\\{c} is not an ECMA-262 escape (u mode); to match {c!r} itself, write it without "
                        "the backslash", start)  # fmt: skip

    def unicode_escape(self, start: int) -> int:
        rest = self.pattern[self.pos + 1 :]
        m = regex.match(r"\{([0-9A-Fa-f]+)\}", rest)
        if m is not None:
            value = int(m.group(1), 16)
            if value > MAX_CODE_POINT:
                raise self.fail("\\u{…} names a code point above U+10FFFF", start)
            self.pos += 1 + m.end()
            return value
        m = regex.match(r"[0-9A-Fa-f]{4}", rest)
        if m is None:
            raise self.fail("\\u must be followed by four hexadecimal digits or {code point}", start)
        value = int(m.group(0), 16)
        self.pos += 5
        if 0xD800 <= value <= 0xDBFF:
            low = regex.match(r"\\u([Dd][C-Fc-f][0-9A-Fa-f]{2})", self.pattern[self.pos :])
            if low is not None:
                self.pos += 6
                return 0x10000 + ((value - 0xD800) << 10) + (int(low.group(1), 16) - 0xDC00)
        return value

    def char_class(self) -> str:
        start = self.pos
        self.pos += 1
        negate = self.eat("^")
        ranges: list[tuple[int, int]] = []
        props: list[str] = []
        while True:
            if self.pos >= len(self.pattern):
                raise self.fail("a character class '[' is not closed", start)
            if self.eat("]"):
                break
            item = self.class_atom()
            if self.peek() == "-" and self.peek(1) not in ("]", ""):
                dash = self.pos
                self.pos += 1
                upper = self.class_atom()
                if item.single is None or upper.single is None:
                    raise self.fail("a class escape such as \\d cannot bound a range", dash)
                if upper.single < item.single:
                    raise self.fail("a character range is out of order", dash)
                ranges.append((item.single, upper.single))
                continue
            ranges.extend(item.ranges)
            if item.prop:
                props.append(item.prop)
        merged = _normalise(ranges)
        if not props:
            return _class_text(merged, negate)
        return ("[^" if negate else "[") + _ranges_text(merged) + "".join(props) + "]"

    def class_atom(self) -> _ClassItem:
        start = self.pos
        c = self.peek()
        if c != "\\":
            self.pos += 1
            return _ClassItem(ranges=((ord(c), ord(c)),), single=ord(c))
        self.pos += 1
        e = self.peek()
        if e == "":
            raise self.fail("the pattern ends with a lone '\\'", start)
        if e == "b":
            self.pos += 1
            return _ClassItem(ranges=((8, 8),), single=8)
        if e in _CLASS_ESCAPES:
            self.pos += 1
            return _ClassItem(ranges=_CLASS_ESCAPES[e])
        if e in ("p", "P"):
            prop = self.property_escape(start)
            return _ClassItem(ranges=property_ranges(prop)) if self.expand else _ClassItem(prop=prop)
        if e.isdigit() and e != "0":
            raise self.fail("a backreference cannot appear in a character class", start)
        value = self.character_escape(start, in_class=True)
        return _ClassItem(ranges=((value, value),), single=value)


def _prescan(pattern: str) -> tuple[int, dict[str, int]]:
    """Count capturing groups and number the named ones (backreferences may point forward)."""
    count = 0
    names: dict[str, int] = {}
    i = 0
    in_class = False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            if not pattern.startswith("(?", i):
                count += 1
            elif pattern.startswith("(?<", i) and pattern[i + 3 : i + 4] not in ("=", "!"):
                count += 1
                end = pattern.find(">", i)
                if end > 0:
                    names.setdefault(pattern[i + 3 : end], count)
        i += 1
    return count, names


@lru_cache(maxsize=1)
def _every_code_point() -> str:
    """One string holding every code point once, in order (lone surrogates included: a JSON
    string may carry them, and the validator matches them like any other code point)."""
    return array.array("I", range(MAX_CODE_POINT + 1)).tobytes().decode("utf-32-le", "surrogatepass")


@lru_cache(maxsize=256)
def property_ranges(prop: str) -> tuple[tuple[int, int], ...]:
    """The code points a ``regex`` property escape (``\\p{L}``, ``\\P{Nd}``) matches, as sorted
    ranges — read from the ``regex`` module itself (one scan of every code point, ~5 ms, plus
    ~100 ms once per process to build the scanned text), so they are the validator's own tables."""
    everything = _every_code_point()
    return tuple((m.start(), m.end() - 1) for m in regex.finditer(prop + "+", everything))


def translate(pattern: str, expand_properties: bool = False) -> str:
    """The ``regex``-module text equivalent to the ECMA-262 ``pattern``; raises EcmaPatternError.

    With ``expand_properties`` every ``\\p{…}`` / ``\\P{…}`` is spelled as explicit code point
    ranges (same meaning, plain ``re`` syntax: what the compatibility checker's automata read).
    """
    if not isinstance(pattern, str):
        raise TypeError("a pattern is a string")
    parser = _Parser(pattern, expand=expand_properties)
    parser.total_groups, parser.all_names = _prescan(pattern)
    text = parser.disjunction()
    if parser.pos < len(pattern):
        raise parser.fail("')' without an opening '('")
    return text


@lru_cache(maxsize=2048)
def compile_pattern(pattern: str) -> regex.Pattern[str]:
    """Compile an ECMA-262 (``u`` mode) pattern to a ``regex`` pattern with ECMA-262 semantics.

    Raises :class:`EcmaPatternError` (a ValueError) naming the pattern when it is not valid
    ECMA-262. Search with ``compiled.search(text, timeout=seconds)`` to bound the time.
    """
    text = translate(pattern)
    try:
        return regex.compile(text, regex.V0)
    except (regex.error, OverflowError, RecursionError) as err:  # e.g. a repetition count too large
        raise EcmaPatternError(pattern, 0, f"the pattern cannot be compiled ({err})") from None


def is_valid(pattern: str) -> bool:
    """True when ``pattern`` is a valid ECMA-262 regular expression (``u`` mode)."""
    try:
        compile_pattern(pattern)
    except EcmaPatternError:
        return False
    return True
