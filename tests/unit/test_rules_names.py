"""Namespaces, names, reserved namespaces, the allowlist and the generic event (seed: naming)."""

from __future__ import annotations

from typing import Any

import pytest

from platformxe.rules import (
    GENERIC_NAME,
    GENERIC_NAMESPACE,
    GENERIC_SCHEMA,
    GENERIC_VERSION,
    RESERVED_NAMESPACES,
    Code,
    canonical_name,
    check_allowlist,
    check_generic,
    split_event_name,
    validate_name,
    validate_namespace,
    validate_payload,
)


@pytest.mark.parametrize(
    "namespace",
    ["lettings", "ab", "a1", "a_b-c", "acme-corp_2", "a" + "b" * 30],
)
def test_valid_namespaces(namespace: str) -> None:
    assert validate_namespace(namespace) == []


@pytest.mark.parametrize(
    "namespace",
    [
        "",
        "a",  # too short: the regex needs 2 characters
        "a" + "b" * 31,  # 32 characters: one too many
        "Lettings",
        "1lettings",
        "_lettings",
        "let.tings",  # dots belong to names, never to namespaces
        "let tings",
        "lettings\n",  # a `$` anchor with re.match would accept this
        "léttings",
    ],
)
def test_invalid_namespaces(namespace: str) -> None:
    problems = validate_namespace(namespace)
    assert [p.code for p in problems] == [Code.INVALID_NAMESPACE]
    assert problems[0].field == "namespace"
    assert "^[a-z][a-z0-9_-]{1,30}$" in problems[0].message


def test_reserved_namespaces_are_the_seeds(seed_codes: dict[str, Any]) -> None:
    assert set(seed_codes["reservedNamespaces"]) == RESERVED_NAMESPACES
    assert len(RESERVED_NAMESPACES) == 14


@pytest.mark.parametrize("namespace", sorted(RESERVED_NAMESPACES))
def test_reserved_namespaces_are_refused(namespace: str) -> None:
    problems = validate_namespace(namespace)
    assert [p.code for p in problems] == [Code.RESERVED_NAMESPACE]
    assert f'"{namespace}" is reserved' in problems[0].message


@pytest.mark.parametrize("name", ["property.favorited", "ab", "a.b.c", "x_y-z.9", "p" + "q" * 60, "a.", "a-"])
def test_valid_names(name: str) -> None:
    assert validate_name(name) == []


@pytest.mark.parametrize(
    "name", ["", "a", "p" + "q" * 61, "Property", ".favorited", "9lives", "prop/erty", "a\n", "prop erty"]
)
def test_invalid_names(name: str) -> None:
    problems = validate_name(name)
    assert [p.code for p in problems] == [Code.INVALID_NAME]
    assert problems[0].field == "name"
    assert "^[a-z][a-z0-9_.-]{1,60}$" in problems[0].message


def test_non_string_inputs_are_problems_not_crashes() -> None:
    assert validate_namespace(42)[0].code is Code.INVALID_NAMESPACE  # type: ignore[arg-type]
    assert validate_name(None)[0].code is Code.INVALID_NAME  # type: ignore[arg-type]


def test_generic_event_cannot_be_registered() -> None:
    problems = check_generic("platformxe", "generic")
    assert [p.code for p in problems] == [Code.CANNOT_REGISTER_GENERIC_EVENT]
    assert check_generic("platformxe", "other") == []
    assert check_generic("lettings", "generic") == []


def test_generic_event_constants() -> None:
    assert (GENERIC_NAMESPACE, GENERIC_NAME, GENERIC_VERSION) == ("platformxe", "generic", "1.0.0")
    ok = {"kind": "user.signed_up", "summary": "New user joined", "data": {"userId": "usr_123"}}
    assert validate_payload(GENERIC_SCHEMA, ok) == []
    assert validate_payload(GENERIC_SCHEMA, {"summary": "no kind"})
    assert validate_payload(GENERIC_SCHEMA, {"kind": "x", "data": "not an object"})


def test_allowlist() -> None:
    assert check_allowlist("acme", frozenset({"acme", "lettings"})) == []
    problems = check_allowlist("lettings", frozenset({"acme"}))
    assert [p.code for p in problems] == [Code.NAMESPACE_NOT_ALLOWED]
    assert '"acme"' in problems[0].message
    assert problems[0].details["allowlist"] == ["acme"]


def test_canonical_name_matches_the_seed_example() -> None:
    got = canonical_name("org_x", "lettings", "property.favorited", "1.0.0")
    assert got == "TENANT_CUSTOM:org_x:lettings.property.favorited@1.0.0"


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        ("lettings.property.favorited", ("lettings", "property.favorited")),
        ("platformxe.generic", ("platformxe", "generic")),
        ("a.b", ("a", "b")),
    ],
)
def test_split_event_name(full: str, expected: tuple[str, str]) -> None:
    assert split_event_name(full) == expected


@pytest.mark.parametrize("full", ["lettings", "", ".name", "lettings."])
def test_split_event_name_needs_a_dot(full: str) -> None:
    with pytest.raises(ValueError, match=r"<namespace>\.<name>"):
        split_event_name(full)
