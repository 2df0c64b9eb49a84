"""Strict MAJOR.MINOR.PATCH, single-step bumps and status transitions."""

from __future__ import annotations

import pytest

from platformxe.rules import (
    Code,
    Status,
    highest_version,
    legal_next_versions,
    legal_status_transition,
    parse_version,
    validate_version,
)
from platformxe.rules.semver import bump_kind


@pytest.mark.parametrize(
    ("text", "parts"),
    [("1.0.0", (1, 0, 0)), ("0.0.0", (0, 0, 0)), ("10.20.30", (10, 20, 30)), ("1.4.2", (1, 4, 2))],
)
def test_parse_version(text: str, parts: tuple[int, int, int]) -> None:
    assert parse_version(text) == parts
    assert validate_version(text) == []


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("1.0", "2 part(s) instead of 3"),
        ("1", "1 part(s)"),
        ("1.0.0.0", "4 part(s)"),
        ("01.0.0", "leading zeros"),
        ("1.00.0", "leading zeros"),
        ("1.0.0-rc.1", "prerelease and build"),
        ("1.0.0+build.5", "prerelease and build"),
        ("v1.0.0", "non-negative whole number"),
        ("1.0.x", "non-negative whole number"),
        ("1.0.0\n", "non-negative whole number"),
        ("", "1 part(s)"),
        ("1.-1.0", "prerelease and build"),
    ],
)
def test_invalid_versions(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=r"MAJOR\.MINOR\.PATCH"):
        parse_version(text)
    problems = validate_version(text)
    assert [p.code for p in problems] == [Code.INVALID_VERSION_FORMAT]
    assert problems[0].field == "version"
    assert "must be MAJOR.MINOR.PATCH such as 1.0.0" in problems[0].message
    assert why in problems[0].message


def test_message_quotes_the_value() -> None:
    assert validate_version("1.0")[0].message.startswith(
        'version "1.0" must be MAJOR.MINOR.PATCH such as 1.0.0'
    )


def test_non_string_version_is_a_problem() -> None:
    assert validate_version(1)[0].code is Code.INVALID_VERSION_FORMAT  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("previous", "legal"),
    [
        ("1.4.2", ("1.4.3", "1.5.0", "2.0.0")),
        ("1.0.0", ("1.0.1", "1.1.0", "2.0.0")),
        ("0.9.9", ("0.9.10", "0.10.0", "1.0.0")),
    ],
)
def test_legal_next_versions(previous: str, legal: tuple[str, str, str]) -> None:
    assert legal_next_versions(previous) == legal


def test_highest_version_compares_numbers_not_strings() -> None:
    assert highest_version(["1.9.0", "1.10.0", "1.2.0"]) == "1.10.0"
    assert highest_version(["2.0.0", "junk", "10.0.0"]) == "10.0.0"
    assert highest_version([]) is None
    assert highest_version(["junk"]) is None


@pytest.mark.parametrize(
    ("previous", "candidate", "kind"),
    [
        ("1.0.0", "1.0.1", "patch"),
        ("1.0.0", "1.1.0", "minor"),
        ("1.0.0", "2.0.0", "major"),
        ("1.0.0", "1.0.7", "patch"),
        ("1.0.0", "1.0.0", None),
        ("1.2.0", "1.1.9", None),
    ],
)
def test_bump_kind(previous: str, candidate: str, kind: str | None) -> None:
    assert bump_kind(previous, candidate) == kind


@pytest.mark.parametrize(
    ("old", "new", "legal"),
    [
        ("draft", "published", True),
        ("draft", "archived", True),
        ("published", "archived", True),
        ("archived", "published", True),
        ("published", "draft", False),
        ("archived", "draft", False),
        ("draft", "draft", True),
        ("published", "published", True),
        ("archived", "archived", True),
        ("published", "deleted", False),
        ("bogus", "published", False),
    ],
)
def test_status_transitions(old: str, new: str, legal: bool) -> None:
    assert legal_status_transition(old, new) is legal


def test_status_transitions_accept_enum_members() -> None:
    assert legal_status_transition(Status.DRAFT, Status.PUBLISHED)
    assert not legal_status_transition(Status.PUBLISHED, Status.DRAFT)


@pytest.mark.parametrize("text", ["2147483648.0.0", "0.2147483648.0", "1.0.99999999999999999999"])
def test_version_numbers_have_a_maximum(text: str) -> None:
    problems = validate_version(text)
    assert [p.code for p in problems] == [Code.INVALID_VERSION_FORMAT]
    assert "at most 2147483647" in problems[0].message
    with pytest.raises(ValueError, match="at most 2147483647"):
        parse_version(text)


def test_largest_version_numbers_are_accepted() -> None:
    assert validate_version("2147483647.2147483647.2147483647") == []
    # No legal bump exists past the maximum: the next major is itself refused.
    assert validate_version(legal_next_versions("2147483647.0.0")[2]) != []
