"""The compatibility checker reads ``pattern`` / ``patternProperties`` as ECMA-262, as the validator does.

Python's engines differ from ECMA-262 on ``\\d`` (Unicode digits), ``\\w`` (Unicode letters),
``\\s`` (Python adds U+001C–U+001F and U+0085; ECMA adds U+FEFF), ``.`` (ECMA also stops at CR,
U+2028, U+2029) and ``$`` (Python also matches before a final newline). For each difference the
checker's answer is the ECMA one: compatible where only ECMA makes it so, and breaking with a
witness — checked here with the registry's validator — where only ECMA makes it breaking.
The witness would be valid under the other reading, so each case would fail with Python
semantics anywhere in the chain (automata, exact checks of finite sets, witness verification).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from platformxe.rules import validate_payload
from platformxe.rules.compat import compare

SPACE_ECMA = "[\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]"


def _s(pattern: str) -> dict[str, Any]:
    return {"type": "string", "pattern": pattern}


def _witness(old: Any, new: Any) -> Any:
    report = compare(old, new)
    assert not report.compatible
    breaking = [c for c in report.changes if c.breaking]
    assert breaking and breaking[0].has_witness, [c.message for c in breaking]
    payload = breaking[0].witness
    assert validate_payload(old, payload) == []
    assert validate_payload(new, payload) != []
    return payload


#: (old pattern, new pattern): compatible under ECMA-262, breaking under Python's reading.
ECMA_ONLY_COMPATIBLE = [
    ("^\\d+$", "^[0-9]+$"),  # Python \d also matches "٣" (Arabic-Indic three)
    ("^\\w+$", "^[A-Za-z0-9_]+$"),  # Python \w also matches "é"
    ("^\\s$", "^" + SPACE_ECMA + "$"),  # Python \s also matches U+001C and U+0085
    ("^.$", "^[^\\n\\r\\u2028\\u2029]$"),  # Python "." also matches CR
    ("^[^0-9]$", "^\\D$"),  # Python \D refuses "٣"
    ("^[^A-Za-z0-9_]$", "^\\W$"),  # Python \W refuses "é"
]


@pytest.mark.parametrize(("old", "new"), ECMA_ONLY_COMPATIBLE)
def test_compatible_only_under_ecma(old: str, new: str) -> None:
    assert compare(_s(old), _s(new)).compatible
    # the Python reading would differ: a character Python's class has and the new one lacks
    py_old, py_new = re.compile(old), re.compile(new)
    extra = [
        chr(c)
        for c in (0x663, 0xE9, 0x1C, 0x85, 0x0D, 0x2028)
        if py_old.search(chr(c)) and not py_new.search(chr(c))
    ]
    assert extra


#: (old pattern, new pattern, the witness): breaking under ECMA-262 (Python would call it compatible).
ECMA_ONLY_BREAKING = [
    ("^[٠-٩0-9]+$", "^\\d+$", "٠"),  # ECMA \d is ASCII
    ("^[a-zé]+$", "^\\w+$", "é"),  # ECMA \w is ASCII
    ("^\\x1c$", "^\\s$", "\x1c"),  # not ECMA white space
    ("^\\u0085$", "^\\s$", "\x85"),  # NEL: not ECMA white space
    ("^\\r$", "^.$", "\r"),  # "." stops at line terminators
    ("^\\u2028$", "^.$", "\u2028"),
    ("^a\\n$", "^a$", "a\n"),  # "$" is the end of input only
    ("^\\p{Nd}$", "^\\d$", "٠"),  # a Unicode class: the validator's own property tables
]


@pytest.mark.parametrize(("old", "new", "expected"), ECMA_ONLY_BREAKING)
def test_breaking_only_under_ecma_with_a_witness(old: str, new: str, expected: str) -> None:
    assert _witness(_s(old), _s(new)) == expected


def test_ecma_white_space_includes_the_byte_order_mark() -> None:
    assert compare(_s("^\\ufeff$"), _s("^\\s$")).compatible
    assert re.fullmatch(r"\s", "\ufeff") is None  # Python disagrees


def test_unicode_property_classes_are_proved() -> None:
    assert compare(_s("^[a-z]+$"), _s("^\\p{L}+$")).compatible
    assert compare(_s("^\\p{Lu}+$"), _s("^\\p{L}+$")).compatible
    assert compare(_s("^\\d+$"), _s("^\\p{Nd}+$")).compatible
    assert _witness(_s("^\\p{L}+$"), _s("^[a-z]+$")) == "A"


#: Finite old sets are checked value by value with the validator: ECMA semantics there too.
@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ({"enum": ["٣"]}, _s("^\\d$"), "٣"),
        ({"const": "a\n"}, _s("^a$"), "a\n"),
        ({"const": "\x1c"}, _s("^\\s$"), "\x1c"),
        ({"enum": ["x\r"]}, _s("^x.?$"), "x\r"),
    ],
)
def test_finite_sets_are_judged_with_ecma_patterns(old: Any, new: Any, expected: str) -> None:
    assert _witness(old, new) == expected


def _closed(pattern: str) -> dict[str, Any]:
    return {
        "type": "object",
        "patternProperties": {pattern: {"type": "integer"}},
        "additionalProperties": False,
    }


def test_pattern_properties_are_ecma() -> None:
    assert compare(_closed("^\\d+$"), _closed("^[0-9]+$")).compatible
    assert compare(_closed("^[0-9]+$"), _closed("^\\d+$")).compatible
    assert _witness(_closed("^[٠-٩]+$"), _closed("^\\d+$")) == {"٠": 0}
    assert _witness({"enum": [{"٣": 1}]}, _closed("^\\d$")) == {"٣": 1}
    assert _witness(_closed("^k\\n$"), _closed("^k$")) == {"k\n": 0}


def test_a_spent_regex_budget_never_yields_compatible() -> None:
    """The checker's own validations match patterns on the regex budget; a match cut off by it
    would read as "invalid" and could drop the old value (here the only one) from the old set."""
    from platformxe.rules import budget

    old, new = {"enum": ["aaaa"], "pattern": "^a+$"}, {"const": "b"}
    assert not compare(old, new).compatible
    with budget.spending(0.0):
        report = compare(old, new)
    assert not report.compatible
    assert [c.message for c in report.changes] == ["not proven: the schemas are too costly to compare"]
    with budget.spending(1.0):
        assert compare(old, {"type": "string"}).compatible  # an ample budget changes nothing
