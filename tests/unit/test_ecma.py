"""ECMA-262 patterns (rules/ecma.py): JSON Schema's regex dialect on the regex module."""

from __future__ import annotations

import unicodedata

import pytest

from platformxe.rules import ecma
from platformxe.rules.ecma import EcmaPatternError, compile_pattern, is_valid


def matches(pattern: str, text: str) -> bool:
    return compile_pattern(pattern).search(text) is not None


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        # $ is the end of input only: no match before a trailing newline
        ("^abc$", "abc", True),
        ("^abc$", "abc\n", False),
        # \d is [0-9]: Bengali digits are not \d (they are \p{Nd})
        (r"^\d+$", "42", True),
        (r"^\d+$", "\u09ea\u09e8", False),
        (r"^\p{Nd}+$", "\u09ea\u09e8", True),
        (r"^\D$", "\u09ea", True),
        # \w is ASCII; \p{L} is Unicode
        (r"^\w+$", "caf\u00e9", False),
        (r"^\p{L}+$", "caf\u00e9", True),
        (r"^\W$", "\u00e9", True),
        # \s: ECMA white space and line terminators, incl. U+FEFF and every Zs
        (r"^\s$", "\ufeff", True),
        (r"^\s$", "\u00a0", True),
        (r"^\s$", "\u2003", True),
        (r"^\s$", "\u2029", True),
        (r"^\s$", "\x0b", True),
        (r"^\s$", "\x01", False),
        (r"^\s$", "\x85", False),  # NEL is white space to Python, not to ECMA-262
        (r"^\S$", "\x85", True),
        # . excludes the four line terminators, matches astral code points whole
        ("^.$", "\r", False),
        ("^.$", "\u2028", False),
        ("^.$", "\x85", True),
        ("^.$", "\U0001f432", True),
        # \b on ASCII word characters
        (r"\bfoo\b", "\u00e9foo", True),
        (r"\Bfoo", "\u00e9foo", False),
        # escapes
        (r"^\cC$", "\x03", True),
        (r"^\cc$", "\x03", True),
        (r"^\t$", "\t", True),
        (r"^\x41\u0042\u{43}$", "ABC", True),
        (r"^\uD83D\uDC32$", "\U0001f432", True),
        (r"^[\b]$", "\b", True),
        (r"^\0$", "\x00", True),
        (r"^\/\.\$$", "/.$", True),
        # classes
        ("[]", "a", False),
        ("^[^]$", "\n", True),
        (r"^[^\D]$", "5", True),
        (r"^[^\D]$", "a", False),
        (r"^[\p{L}\d]+$", "\u00e91", True),
        (r"^[^\p{L}]$", "1", True),
        (r"^[\-a]$", "-", True),
        # groups, backreferences, lookaround
        (r"^(?<n>a)\k<n>$", "aa", True),
        (r"^(a)\1$", "aa", True),
        (r"^\1(a)$", "a", True),  # a backreference to a group that has not matched is empty
        (r"(?<=a+)b", "aab", True),
        (r"(?<!a)b", "ab", False),
        (r"^a(?=b)", "ab", True),
        # quantifiers
        (r"^a{2}$", "aa", True),
        (r"^a{2,}$", "aaa", True),
        (r"^a{1,2}$", "aaa", False),
        (r"^a{1,2}?b$", "ab", True),
    ],
)
def test_semantics_are_ecma_262(pattern: str, text: str, expected: bool) -> None:
    assert matches(pattern, text) is expected


@pytest.mark.parametrize(
    "pattern",
    [
        r"\a",  # not an ECMA control escape
        r"\e",
        r"\z",
        r"\A",
        r"\Z",
        r"\N{DIGIT ONE}",
        "(?P<name>x)",
        "(?P<n>a)(?P=n)",
        "(?#comment)a",
        "(?i)abc",
        "(?ims)abc",
        "(?>a)",
        "a*+",
        "a**",
        r"\pL",
        r"\p{NotAProperty}",
        "^(abc]",
        "(",
        "a)",
        "]",
        "}",
        "a{",
        r"\1",
        r"\k<x>(?<y>a)",
        "(?<a>x)(?<a>y)",
        "[z-a]",
        r"[\d-\w]",
        r"[\d-z]",
        "^*",
        "(?=a)*",
        r"\01",
        "a{3,2}",
        "\\",
    ],
)
def test_non_ecma_syntax_is_refused(pattern: str) -> None:
    assert not is_valid(pattern)
    with pytest.raises(EcmaPatternError) as caught:
        compile_pattern(pattern)
    message = str(caught.value)
    assert repr(pattern) in message and "ECMA-262" in message and "position" in message


def test_error_names_what_is_accepted() -> None:
    with pytest.raises(EcmaPatternError) as caught:
        compile_pattern("(?P<year>\\d{4})")
    assert "(?<name>" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_compiled_patterns_are_cached_and_take_a_timeout() -> None:
    assert compile_pattern("^[a-z]+$") is compile_pattern("^[a-z]+$")
    assert compile_pattern("^(a|a)*$").search("a" * 10, timeout=1.0) is not None


def test_zs_table_is_unicode_space_separators() -> None:
    expected = [c for c in range(0x80, 0x110000) if unicodedata.category(chr(c)) == "Zs"]
    listed = [c for lo, hi in ecma.ZS_RANGES for c in range(lo, hi + 1)]
    assert listed == expected
