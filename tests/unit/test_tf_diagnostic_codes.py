"""Diagnostics carry their error code as a field; Terraform sees it after the summary."""

from __future__ import annotations

import pytest

from platformxe.tfplugin.convert.common import diagnostics_to_pb
from platformxe.tfplugin.diagnostics import Diagnostic, DiagnosticError, Diagnostics, Severity
from platformxe.tfplugin.guard import run_guarded


def test_the_code_is_a_field_and_shown_after_the_summary_on_the_wire() -> None:
    found = Diagnostics()
    found.error("Reserved namespace", "Pick another.", "namespace", code="reserved_namespace")
    found.warning("Plain warning")
    [error, warning] = list(found)
    assert (error.summary, error.code) == ("Reserved namespace", "reserved_namespace")
    assert error.shown_summary == "Reserved namespace (reserved_namespace)"
    assert warning.shown_summary == "Plain warning"  # no code, nothing appended
    wire = diagnostics_to_pb(found)
    assert [d.summary for d in wire] == ["Reserved namespace (reserved_namespace)", "Plain warning"]
    assert str(error).startswith("error: Reserved namespace (reserved_namespace) (at namespace)")


def test_one_raised_error_can_carry_several_diagnostics_in_order() -> None:
    first = Diagnostic(Severity.ERROR, "Invalid namespace", "", ("namespace",), "invalid_namespace")
    second = Diagnostic(Severity.ERROR, "Schema too deep", "", ("payload_schema",), "schema_too_deep")

    def stop() -> None:
        raise DiagnosticError.of([first, second])

    collected = Diagnostics()
    run_guarded(collected, "x_thing", "create", stop)
    assert list(collected) == [first, second]
    with pytest.raises(ValueError):
        DiagnosticError.of([])
