"""Verdict lines and diagnostics as a Terraform user reads them."""

from __future__ import annotations

from platformxe.rules import SchemaChange, SemverBump, Verdict
from platformxe.rules.codes import Code
from platformxe.rules.types import Problem
from platformxe.terraform.custom_event.verdicts import (
    changes_value,
    verdict_diagnostics,
    verdict_from_body,
    verdict_line,
)
from platformxe.tfplugin.diagnostics import Severity


def verdict(
    bump: SemverBump,
    previous: str | None,
    *changes: SchemaChange,
    errors: tuple[Problem, ...] = (),
    suggested: str = "2.0.0",
) -> Verdict:
    return Verdict(
        valid=not errors,
        semver_bump=bump,
        schema_hash="h",
        schema_flavour=None,
        previous_version=previous,
        changes=changes,
        errors=errors,
        suggested_version=suggested,
    )


ADDED = SchemaChange("property_added", "/properties/note", False, 'added optional property "note"')
REMOVED = SchemaChange("property_removed", "/properties/id", True, 'removed property "id"', {"id": 1}, True)


def test_lines_for_each_bump() -> None:
    assert verdict_line(
        "lettings", "property.favorited", "1.1.0", verdict(SemverBump.MINOR, "1.0.0", ADDED)
    ) == (
        'lettings.property.favorited 1.1.0: minor bump over 1.0.0 (backwards-compatible: added optional property "note")'
    )
    assert verdict_line("a", "b", "1.0.0", verdict(SemverBump.INITIAL, None)).startswith(
        "a.b 1.0.0: initial version"
    )
    assert verdict_line("a", "b", "1.0.1", verdict(SemverBump.PATCH, "1.0.0")) == (
        "a.b 1.0.1: patch bump over 1.0.0 (schema unchanged apart from descriptions)"
    )
    assert verdict_line("a", "b", "2.0.0", verdict(SemverBump.MAJOR, "1.1.0", ADDED, REMOVED)) == (
        'a.b 2.0.0: major bump over 1.1.0 (breaking: removed property "id")'
    )


def test_many_changes_are_summarised() -> None:
    many = [SchemaChange("k", f"/p{i}", False, f"change {i}") for i in range(5)]
    line = verdict_line("a", "b", "1.1.0", verdict(SemverBump.MINOR, "1.0.0", *many))
    assert line.endswith("(backwards-compatible: change 0; change 1; change 2; and 2 more)")


def test_only_a_major_verdict_is_a_warning() -> None:
    for bump, version in (
        (SemverBump.INITIAL, "1.0.0"),
        (SemverBump.PATCH, "1.0.1"),
        (SemverBump.MINOR, "1.1.0"),
    ):
        diagnostics, adopt = verdict_diagnostics("a", "b", version, verdict(bump, "1.0.0", ADDED))
        assert (diagnostics, adopt) == ([], None), bump
    diagnostics, adopt = verdict_diagnostics(
        "a", "b", "2.0.0", verdict(SemverBump.MAJOR, "1.1.0", ADDED, REMOVED)
    )
    assert adopt is None
    [only] = diagnostics
    assert only.severity is Severity.WARNING and "- breaking:" in only.detail


def test_changes_value_carries_the_witness_as_json_text() -> None:
    assert changes_value([REMOVED]) == [
        {
            "kind": "property_removed",
            "path": "/properties/id",
            "breaking": True,
            "message": 'removed property "id"',
            "witness": '{"id":1}',
        }
    ]


def test_registry_body_round_trips_through_verdict_from_body() -> None:
    original = verdict(
        SemverBump.MAJOR,
        "1.0.0",
        REMOVED,
        errors=(Problem(Code.VERSION_INVALID_JUMP, "skip", "version", details={"legal": ["1.0.1"]}),),
    )
    assert verdict_from_body(original.to_dict()) == original


def test_downgrade_is_an_error_on_version_naming_the_legal_version() -> None:
    refused = verdict(
        SemverBump.MAJOR,
        "3.0.0",
        errors=(Problem(Code.VERSION_DOWNGRADE, "lower than 3.0.0", "version"),),
        suggested="4.0.0",
    )
    [problem], adopt = verdict_diagnostics("a", "b", "2.0.0", refused)
    assert adopt is None and problem.path == ("version",)
    assert problem.shown_summary == (
        "a.b 2.0.0: 2.0.0 is lower than the highest registered version 3.0.0; register it as 4.0.0 (version_downgrade)"
    )
    assert problem.code == "version_downgrade"
