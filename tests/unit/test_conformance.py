"""The JSON-Schema-Test-Suite (draft 2020-12) run through our payload validation layer.

Every case (schema, instance, valid?) goes through :func:`platformxe.rules.validate_payload`,
the function the registry uses for examples and emits. Differences from the suite are listed
below with a reason, and each exclusion still asserts what we *do* answer:

- Remote references (the suite's ``remotes/``): our product refuses remote ``$ref``; validation
  must answer ``invalid_json_schema`` and never fetch.
- ``format``: the main suite treats ``format`` as an annotation, we assert it (docs/rules.md).
  In ``format.json`` the "invalid X string is only an annotation by default" cases are therefore
  expected to be *invalid* for every format we assert; ``optional/format/*.json`` (the
  assertion tests) is run as is: every 2020-12 format is asserted (``ALL_2020_12_FORMATS``),
  and an unknown format name (``optional/format/unknown.json``) is an annotation.
- One library gap (an IDNA bidi rule), listed in ``KNOWN_GAPS``. Patterns and ``format: regex``
  are ECMA-262 (:mod:`platformxe.rules.ecma`), so the suite's pattern and ecmascript-regex cases
  run as is.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from platformxe.rules import Code, check_schema, validate_payload
from platformxe.rules.formats import format_checker

REPO_ROOT = Path(__file__).resolve().parents[2]
SUITE = REPO_ROOT / "tests" / "fixtures" / "json-schema-test-suite"

_REMOTE = (
    "needs a document from the suite's remotes/ (http://localhost:1234/...); the product refuses "
    "remote $ref, so validation answers invalid_json_schema instead of fetching"
)

#: Whole groups we do not compare with the suite ("<file>/<group description>" or "<file>").
EXCLUDED_GROUPS: dict[str, str] = {
    "refRemote.json": _REMOTE,
    "dynamicRef.json/strict-tree schema, guards against misspelled properties": _REMOTE,
    "dynamicRef.json/tests for implementation dynamic anchor and reference link": _REMOTE,
    "dynamicRef.json/$ref and $dynamicAnchor are independent of order - $defs first": _REMOTE,
    "dynamicRef.json/$ref and $dynamicAnchor are independent of order - $ref first": _REMOTE,
    "dynamicRef.json/$ref to $dynamicRef finds detached $dynamicAnchor": _REMOTE,
    "vocabulary.json/schema that uses custom metaschema with with no validation vocabulary": (
        "custom metaschemas/vocabularies are not supported: the product accepts only the 2020-12 and "
        "OpenAPI 3.1 dialects (check_schema refuses this $schema) and always applies the 2020-12 vocabularies"
    ),
}

#: Single cases of optional/format where the underlying checker differs from the suite.
KNOWN_GAPS: dict[str, str] = {
    "optional/format/idn-hostname.json/validation of internationalized host names/"
    "Bidi domain name with a digit-first label is invalid": (
        "library gap: the idna package does not apply RFC 5893's digit-first rule to this label"
    ),
}


#: The formats Draft 2020-12 defines (Validation §7.3).
ALL_2020_12_FORMATS = frozenset(
    {
        "date-time", "date", "time", "duration", "email", "idn-email", "hostname", "idn-hostname",
        "ipv4", "ipv6", "uri", "uri-reference", "iri", "iri-reference", "uuid", "uri-template",
        "json-pointer", "relative-json-pointer", "regex",
    }
)  # fmt: skip


def _asserted_formats() -> frozenset[str]:
    return frozenset(format_checker().checkers)


def _groups() -> list[tuple[str, dict[str, Any]]]:
    files = sorted(SUITE.glob("*.json")) + sorted((SUITE / "optional" / "format").glob("*.json"))
    out = []
    for path in files:
        rel = path.relative_to(SUITE).as_posix()
        for group in json.loads(path.read_text(encoding="utf-8")):
            out.append((rel, group))
    return out


GROUPS = _groups()


def _group_id(item: tuple[str, dict[str, Any]]) -> str:
    return f"{item[0]}/{item[1]['description']}"


def _expected(rel: str, group: dict[str, Any], case: dict[str, Any]) -> bool:
    """The suite's answer, adjusted where we deliberately assert ``format``."""
    schema = group["schema"]
    declared = schema.get("format") if isinstance(schema, dict) else None
    if (
        rel == "format.json"
        and case["description"].endswith("is only an annotation by default")
        and declared in _asserted_formats()
    ):
        return False
    return bool(case["valid"])


def _is_valid(schema: Any, data: Any) -> bool:
    problems = validate_payload(schema, data)
    assert all(p.code is Code.PAYLOAD_INVALID for p in problems), [p.message for p in problems]
    return not problems


def test_suite_is_present_and_complete() -> None:
    """The copied suite is there (CI must not silently run nothing)."""
    cases = sum(len(group["tests"]) for _, group in GROUPS)
    assert cases >= 2000, f"only {cases} cases found under {SUITE}"


@pytest.mark.parametrize("item", GROUPS, ids=[_group_id(g) for g in GROUPS])
def test_suite_group(item: tuple[str, dict[str, Any]]) -> None:
    """Every case of one suite group gives the suite's answer (or is a listed, reasoned difference)."""
    rel, group = item
    group_key = f"{rel}/{group['description']}"
    reason = EXCLUDED_GROUPS.get(rel) or EXCLUDED_GROUPS.get(group_key)
    if reason is not None:
        _check_excluded(reason, group)
        return
    wrong = []
    for case in group["tests"]:
        if f"{group_key}/{case['description']}" in KNOWN_GAPS:
            continue
        expected = _expected(rel, group, case)
        if _is_valid(group["schema"], case["data"]) != expected:
            wrong.append(f"{case['description']!r}: expected {'valid' if expected else 'invalid'}")
    assert not wrong, wrong


def _check_excluded(reason: str, group: dict[str, Any]) -> None:
    """An excluded group still gets our documented answer, never an exception."""
    if reason == _REMOTE:
        for case in group["tests"]:
            problems = validate_payload(group["schema"], case["data"])
            assert [p.code for p in problems] == [Code.INVALID_JSON_SCHEMA], case["description"]
    if "custom metaschema" in reason:
        assert any(p.code is Code.INVALID_JSON_SCHEMA for p in check_schema(group["schema"]))


def test_every_2020_12_format_is_asserted() -> None:
    """Every format 2020-12 defines has a checker, each with an optional/format file of the suite
    run above; nothing else is asserted (an unknown format name is an annotation)."""
    assert _asserted_formats() == ALL_2020_12_FORMATS
    files = {p.stem for p in (SUITE / "optional" / "format").glob("*.json")}
    assert files >= ALL_2020_12_FORMATS
    assert validate_payload({"format": "not-a-2020-12-format"}, "anything at all") == []


def test_only_one_format_case_is_a_known_gap() -> None:
    """The exception list stays tiny: one IDNA rule the idna package does not apply."""
    assert len(KNOWN_GAPS) == 1


def test_format_annotation_cases_are_asserted() -> None:
    """In format.json, an invalid string of an asserted format is refused (the deliberate difference)."""
    flipped = [
        (group["schema"]["format"], case["data"])
        for rel, group in GROUPS
        if rel == "format.json"
        for case in group["tests"]
        if _expected(rel, group, case) is False
    ]
    formats = {name for name, _ in flipped}
    assert {"date-time", "date", "time", "email", "uuid", "ipv4", "ipv6", "hostname", "uri"} <= formats
    for name, data in flipped:
        problems = validate_payload({"format": name}, data)
        assert problems and "format" in problems[0].message, (name, data)


def test_exclusion_lists_name_real_cases() -> None:
    """Every exclusion names a group/case that exists, so the lists cannot rot silently."""
    group_keys = {_group_id(g) for g in GROUPS} | {rel for rel, _ in GROUPS}
    case_keys = {f"{_group_id(g)}/{case['description']}" for g in GROUPS for case in g[1]["tests"]}
    assert set(EXCLUDED_GROUPS) <= group_keys
    assert set(KNOWN_GAPS) <= case_keys
    assert len(EXCLUDED_GROUPS) + len(KNOWN_GAPS) < 30


def test_the_suite_lives_in_the_repository_with_its_licence() -> None:
    """A fresh clone has the suite: it is vendored under tests/fixtures, MIT licence beside it."""
    assert SUITE.is_dir()
    assert SUITE.relative_to(REPO_ROOT).as_posix() == "tests/fixtures/json-schema-test-suite"
    assert "Permission is hereby granted, free of charge" in (SUITE / "LICENSE").read_text(encoding="utf-8")
