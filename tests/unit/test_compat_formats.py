"""``format`` in the compatibility checker: modelled exactly as the payload validator asserts it.

Every 2020-12 format is asserted (tests/unit/test_conformance.py), so for each one: adding it to
a string is breaking with a verified witness (a readable value outside the format, such as
"not-a-duration"), removing it is compatible, and changing one format to another is compatible
only where every value of the old format is one of the new by construction of the checkers
(``FORMAT_IMPLIES``); otherwise it is breaking, with a witness taken from the old format's
samples whenever one of them is outside the new format. The few changes that are true
inclusions the checker does not prove are listed here and stay "not proven" (never a wrong
witness, never "compatible").
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from platformxe.rules import validate_payload
from platformxe.rules.compat import compare
from platformxe.rules.compat.knowledge import FORMAT_LENGTHS
from platformxe.rules.compat.scalars import FORMAT_COUNTER_SAMPLES, FORMAT_IMPLIES, asserted_formats
from platformxe.rules.compat.witness import FORMAT_SAMPLES
from platformxe.rules.formats import ACCEPTED, format_checker

FORMATS = sorted(asserted_formats())

#: Changes of format that are true inclusions (every value of the first is one of the second:
#: its alphabet and shape fit the second's grammar, e.g. a date is digits and hyphens, which is
#: a host name, a relative reference, a regex and a URI template), but that the checker does not
#: prove; the answer is "not proven", without a witness.
UNPROVED_INCLUSIONS = frozenset(
    {
        *((f, g) for f in ("date", "duration", "ipv4", "uuid", "hostname")
          for g in ("hostname", "idn-hostname", "iri-reference", "regex", "uri-reference", "uri-template")
          if f != g),
        ("hostname", "idn-hostname"),
        *((f, g) for f in ("date-time", "time", "ipv6") for g in ("regex", "uri-template")),
        ("idn-hostname", "iri-reference"), ("idn-hostname", "regex"), ("idn-hostname", "uri-template"),
        ("uri", "uri-template"), ("uri-reference", "uri-template"),
        ("iri", "uri-template"), ("iri-reference", "uri-template"),
    }
)  # fmt: skip


def _string(fmt: str | None = None) -> dict[str, Any]:
    return {"type": "string"} if fmt is None else {"type": "string", "format": fmt}


def _conforms(value: str, fmt: str) -> bool:
    return bool(format_checker().conforms(value, fmt))


def _breaking(old: Any, new: Any) -> list[Any]:
    report = compare(old, new)
    assert not report.compatible
    return [c for c in report.changes if c.breaking]


def _assert_real_witness(old: Any, new: Any, payload: Any) -> None:
    assert validate_payload(old, payload) == []
    problems = validate_payload(new, payload)
    assert problems and "format" in problems[0].message


def test_the_checker_knows_every_asserted_format() -> None:
    assert set(FORMAT_SAMPLES) == set(FORMATS) == set(FORMAT_COUNTER_SAMPLES)


@pytest.mark.parametrize("fmt", FORMATS)
def test_samples_are_in_their_format_and_counter_samples_are_not(fmt: str) -> None:
    assert FORMAT_SAMPLES[fmt]
    assert all(_conforms(v, fmt) for v in FORMAT_SAMPLES[fmt]), fmt
    assert not _conforms(FORMAT_COUNTER_SAMPLES[fmt], fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_adding_a_format_is_breaking_with_a_witness(fmt: str) -> None:
    old, new = _string(), _string(fmt)
    [change] = _breaking(old, new)
    assert change.kind == "format_added" and change.pointer == "/format"
    assert change.has_witness and change.witness == FORMAT_COUNTER_SAMPLES[fmt]  # e.g. "not-a-duration"
    _assert_real_witness(old, new, change.witness)


@pytest.mark.parametrize("fmt", FORMATS)
def test_removing_a_format_is_compatible(fmt: str) -> None:
    report = compare(_string(fmt), _string())
    assert report.compatible
    assert [c.kind for c in report.changes] == ["format_removed"]


@pytest.mark.parametrize(("old_fmt", "new_fmt"), list(itertools.permutations(FORMATS, 2)))
def test_changing_a_format(old_fmt: str, new_fmt: str) -> None:
    old, new = _string(old_fmt), _string(new_fmt)
    report = compare(old, new)
    if new_fmt in FORMAT_IMPLIES.get(old_fmt, ()):
        assert report.compatible, report.changes
        return
    [change] = _breaking(old, new)
    if (old_fmt, new_fmt) in UNPROVED_INCLUSIONS:
        assert not change.has_witness and "could not prove" in change.message
        return
    assert change.has_witness, f"{old_fmt} -> {new_fmt}: {change.message}"
    _assert_real_witness(old, new, change.witness)


def test_unproved_inclusions_agree_with_every_sample() -> None:
    """What is listed as a true inclusion holds at least on every sample (a listing mistake would
    hide a witness)."""
    for old_fmt, new_fmt in sorted(UNPROVED_INCLUSIONS):
        assert all(_conforms(v, new_fmt) for v in FORMAT_SAMPLES[old_fmt]), (old_fmt, new_fmt)


def test_implications_are_closed_and_hold_on_every_sample() -> None:
    for old_fmt, implied in FORMAT_IMPLIES.items():
        for new_fmt in implied:
            assert FORMAT_IMPLIES.get(new_fmt, frozenset()) <= implied  # transitive
            assert all(_conforms(v, new_fmt) for v in FORMAT_SAMPLES[old_fmt]), (old_fmt, new_fmt)


def test_an_idn_email_is_not_always_an_email() -> None:
    """Regression: the checker once took idn-email and email for the same check."""
    [change] = _breaking(_string("idn-email"), _string("email"))
    assert change.has_witness
    _assert_real_witness(_string("idn-email"), _string("email"), change.witness)


def test_a_format_added_deep_in_an_object_has_a_payload_witness() -> None:
    old = {
        "type": "object",
        "properties": {"retry": {"type": "object", "properties": {"after": {"type": "string"}}}},
        "required": ["retry"],
    }
    new = {
        "type": "object",
        "properties": {
            "retry": {"type": "object", "properties": {"after": {"type": "string", "format": "duration"}}}
        },
        "required": ["retry"],
    }
    [change] = _breaking(old, new)
    assert change.pointer == "/properties/retry/properties/after/format"
    assert change.witness == {"retry": {"after": "not-a-duration"}}
    _assert_real_witness(old, new, change.witness)
    assert compare(new, old).compatible


def test_a_format_on_a_non_string_constrains_nothing() -> None:
    assert compare({"type": "integer"}, {"type": "integer", "format": "duration"}).compatible


def test_an_unknown_format_is_an_annotation() -> None:
    report = compare(_string(), _string("currency-code"))
    assert report.compatible
    assert "does not check this format" in report.changes[0].message
    assert validate_payload(_string("currency-code"), "anything") == []


def test_a_witness_keeps_to_the_old_bounds() -> None:
    """The readable counter-sample is too long for the old maxLength: another witness is found."""
    old = {"type": "string", "maxLength": 4}
    new = {"type": "string", "maxLength": 4, "format": "duration"}
    [change] = _breaking(old, new)
    assert change.has_witness and len(change.witness) <= 4
    _assert_real_witness(old, new, change.witness)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_error_says_what_the_format_accepts(fmt: str) -> None:
    """The message names the format and gives an example of an accepted value, which is valid."""
    [problem] = validate_payload({"format": fmt}, FORMAT_COUNTER_SAMPLES[fmt])
    assert f"is not a valid {fmt}, expected " in problem.message
    examples = re.findall(r'"([^"]*)"', ACCEPTED[fmt])
    assert examples and all(_conforms(e, fmt) for e in examples)


@pytest.mark.parametrize("fmt", sorted(FORMAT_LENGTHS))
def test_format_lengths_hold_for_the_checker(fmt: str) -> None:
    """The lengths the checker assumes for a format bound every sample, and the extreme lengths
    are reached by valid values (so the bounds are the checker's, not guesses)."""
    lo, hi = FORMAT_LENGTHS[fmt]
    assert all(lo <= len(v) and (hi is None or len(v) <= hi) for v in FORMAT_SAMPLES[fmt])
    extremes = {
        "uuid": ["00000000-0000-0000-0000-000000000000"],
        "date": ["2024-01-02"],
        "date-time": ["2024-01-02T03:04:05Z"],
        "time": ["03:04:05Z"],
        "ipv4": ["0.0.0.0", "255.255.255.255"],
        "duration": ["P1D"],
        "hostname": ["a", ".".join(["a" * 63] * 3 + ["a" * 61])],
    }[fmt]
    assert {len(v) for v in extremes} <= {lo, hi} and all(_conforms(v, fmt) for v in extremes)
    assert not _conforms("0" * (lo - 1), fmt) if lo > 0 else True
    if hi is not None:
        assert not _conforms(extremes[-1] + "0", fmt)


@settings(max_examples=400, deadline=None, database=None, derandomize=True)
@given(st.text(alphabet="0123456789abcdefABCDEF-.:TZPYMWDHS+", max_size=60))
def test_no_value_outside_the_format_lengths_is_accepted(value: str) -> None:
    for fmt, (lo, hi) in FORMAT_LENGTHS.items():
        if _conforms(value, fmt):
            assert lo <= len(value) and (hi is None or len(value) <= hi), (fmt, value)
