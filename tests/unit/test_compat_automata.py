"""Regex inclusion and disjointness (compat.automata) against the validator's ECMA-262 match."""

from __future__ import annotations

import re
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from platformxe.rules.compat import automata
from platformxe.rules.compat.regex import pattern_bounds
from platformxe.rules.ecma import compile_pattern


def search(pattern: str, text: str) -> bool:
    return compile_pattern(pattern).search(text) is not None


ALPHABET = "ab0-_A \n\r٣é\ufeff"  # a non-ASCII digit (٣) and letter (é), line terminators, spaces

ATOMS = ["a", "b", "0", "-", ".", "[a-z]", "[ab0]", "[^a]", "\\d", "\\w", "\\s", "\\D", "[\\w-]", "é"]


@st.composite
def regex(draw: st.DrawFn, depth: int = 0) -> str:
    """A pattern from the analysed subset: atoms, groups, alternation, repeats, anchors."""
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        choice = draw(st.integers(0, 6 if depth < 2 else 3))
        # Unbounded repeats only on single characters: nested unbounded repeats make re.search
        # itself backtrack exponentially, which would stall the reference side of the test.
        if choice <= 3:
            atom = draw(st.sampled_from(ATOMS)) + draw(
                st.sampled_from(["", "", "*", "+", "?", "{2}", "{1,3}", "+?"])
            )
        elif choice == 4:
            atom = (
                "(?:"
                + draw(regex(depth + 1))
                + "|"
                + draw(regex(depth + 1))
                + ")"
                + draw(st.sampled_from(["", "?"]))
            )
        else:
            atom = "(?:" + draw(regex(depth + 1)) + ")" + draw(st.sampled_from(["", "?", "{2}"]))
        parts.append(atom)
    body = "".join(parts)
    if depth == 0:
        body = draw(st.sampled_from(["", "^"])) + body + draw(st.sampled_from(["", "$"]))
    return body


SETTINGS = settings(
    max_examples=300, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
)


@SETTINGS
@given(regex(), regex(), st.lists(st.text(alphabet=ALPHABET, max_size=7), min_size=20, max_size=40))
def test_inclusion_verdicts_agree_with_re(old: str, new: str, samples: list[str]) -> None:
    answer, example = automata.included([old], new)
    if answer is True:
        for s in samples:
            if search(old, s):
                assert search(new, s), (old, new, s)
    elif answer is False:
        assert example is not None
        # ECMA-262 classes are explicit code point ranges: every representative is exact.
        assert search(old, example) and not search(new, example), (old, new, example)


@SETTINGS
@given(regex(), regex(), st.lists(st.text(alphabet=ALPHABET, max_size=7), min_size=20, max_size=40))
def test_disjointness_agrees_with_re(a: str, b: str, samples: list[str]) -> None:
    if automata.disjoint(a, b):
        assert not any(search(a, s) and search(b, s) for s in samples), (a, b)


@SETTINGS
@given(regex(), st.lists(st.text(alphabet=ALPHABET, max_size=9), min_size=20, max_size=40))
def test_pattern_length_bounds_hold(pattern: str, samples: list[str]) -> None:
    lo, hi = pattern_bounds(pattern)
    for s in samples:
        if search(pattern, s):
            assert len(s) >= lo and (hi is None or len(s) <= hi), (pattern, s, lo, hi)


def test_known_answers() -> None:
    assert automata.included(["^[a-z]+$"], "^[a-z0-9-]+$") == (True, None)
    assert automata.included(["^[a-z0-9-]+$"], "^[a-z]+$")[0] is False
    assert automata.disjoint("^x-", "^y-") and not automata.disjoint("^x", "y")
    # ECMA-262: \d and \w are ASCII, "." stops at CR, "$" does not match before a final newline
    assert automata.included(["^\\d+$"], "^[0-9]+$") == (True, None)
    assert automata.included(["^\\w+$"], "^[A-Za-z0-9_]+$") == (True, None)
    assert automata.included(["^.$"], "^[^\\n]$") == (True, None)
    assert automata.included(["^[^\\n]$"], "^.$") == (False, "\r")
    assert automata.included(["^a$"], "^a") == (True, None)
    assert automata.included(["^a"], "^a$")[0] is False
    assert automata.included(
        ["^\\s$"], "^[\\t-\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]$"
    ) == (
        True,
        None,
    )
    # outside the analysed subset (or not ECMA-262 at all): unknown
    for unsupported in ("(?i)a", "(a)\\1", "(?=a)", "\\ba", "a++", "(?>a)", "(?m)^a$", "\\Z"):
        assert automata.included([unsupported], "a")[0] is None
    # Unicode properties are read as the validator's own ranges (ecma.property_ranges)
    assert automata.included(["^[a-z]+$"], "^\\p{L}+$") == (True, None)
    assert automata.included(["^\\p{Nd}$"], "^\\d$") == (False, "\u0660")
    assert automata.included(["^\\d$"], "^\\p{Nd}$") == (True, None)
    assert automata.included(["^\\p{L}$"], "^\\P{Lu}$")[0] is False
    # a common prefix the parser factors out of the alternatives (^a$|^b reads as ^(?:a$|b))
    assert automata.included(["^[a-z]+$"], "^[a-z]+$|^b") == (True, None)
    assert automata.included(["^b"], "^ab$|^b") == (True, None)
    assert automata.included(["^c"], "^ab$|^b")[0] is False


def test_unicode_digits_are_word_characters() -> None:
    # automata treats a non-ASCII character class "digit but not word" as empty; that is only
    # sound if every Unicode decimal digit (\d) is a word character (\w).
    digit, word = re.compile(r"\d"), re.compile(r"\w")
    bad = [cp for cp in range(sys.maxunicode + 1) if digit.match(chr(cp)) and not word.match(chr(cp))]
    assert bad == []
