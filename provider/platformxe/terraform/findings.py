"""What the provider tells a person: findings with an attribute path and its error code.

The decision modules (validation, planning) return the plugin layer's plain
:class:`~platformxe.tfplugin.diagnostics.Diagnostic` values (no protocol types), so the decisions
are unit tested without a Terraform process.

A rules-engine :class:`~platformxe.rules.Problem` names the API field in camelCase; Terraform
users know the snake_case attribute, so :data:`FIELD_ATTRIBUTES` maps one to the other. The
seed's error code always appears in the summary, in parentheses, so a person can look it up and
CI logs can be searched for it. A JSON pointer inside a schema or example goes into the detail.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from platformxe.rules.codes import Code
from platformxe.rules.types import Problem
from platformxe.tfplugin.diagnostics import Diagnostic, Severity

__all__ = ["CODE_TITLES", "FIELD_ATTRIBUTES", "error", "problem_diagnostic", "problem_from_body", "warning"]


def error(summary: str, detail: str = "", attribute: str | None = None) -> Diagnostic:
    """An error diagnostic on ``attribute`` (None: the whole block)."""
    return Diagnostic(Severity.ERROR, summary, detail, (attribute,) if attribute else ())


def warning(summary: str, detail: str = "", attribute: str | None = None) -> Diagnostic:
    """A warning diagnostic on ``attribute`` (None: the whole block)."""
    return Diagnostic(Severity.WARNING, summary, detail, (attribute,) if attribute else ())


#: API field (camelCase, as in Problem.field) → resource attribute.
FIELD_ATTRIBUTES: dict[str, str] = {
    "namespace": "namespace",
    "name": "name",
    "version": "version",
    "status": "status",
    "description": "description",
    "payloadSchema": "payload_schema",
    "payloadExample": "payload_example",
}

_JSON_FIELDS = {"payloadSchema": "payload_schema", "payloadExample": "payload_example"}

#: A short headline per code; the sentence that says what would be accepted goes in the detail.
CODE_TITLES: dict[Code, str] = {
    Code.INVALID_NAMESPACE: "Invalid namespace",
    Code.RESERVED_NAMESPACE: "Reserved namespace",
    Code.NAMESPACE_NOT_ALLOWED: "Namespace not on the organisation's allowlist",
    Code.INVALID_NAME: "Invalid event name",
    Code.INVALID_VERSION_FORMAT: "Invalid version",
    Code.CANNOT_REGISTER_GENERIC_EVENT: "platformxe.generic cannot be registered",
    Code.VERSION_ALREADY_EXISTS: "Version already registered",
    Code.VERSION_DOWNGRADE: "Version lower than an existing one",
    Code.VERSION_INVALID_JUMP: "Version skips a step",
    Code.PATCH_MUST_BE_BYTE_EQUAL: "Patch bump changes the schema",
    Code.MINOR_MUST_BE_BACKWARDS_COMPATIBLE: "Minor bump is not backwards-compatible",
    Code.SCHEMA_TOO_DEEP: "Schema too deep",
    Code.SCHEMA_TOO_WIDE: "Schema has too many properties",
    Code.INVALID_JSON_SCHEMA: "Invalid payload schema",
    Code.PAYLOAD_EXAMPLE_DOES_NOT_MATCH_SCHEMA: "Example does not match the schema",
    Code.REGISTRATION_QUOTA_EXCEEDED: "Registration quota exceeded",
    Code.INVALID_STATUS_TRANSITION: "Impossible status change",
    Code.INVALID_REQUEST: "Invalid value",
    Code.UNAUTHENTICATED: "The registry refused the API key",
}


def problem_from_body(item: Mapping[str, Any]) -> Problem:
    """A problem from the API's ``errors[]`` item (``KeyError``/``ValueError`` when unreadable)."""
    return Problem(
        code=Code(item["code"]),
        message=str(item.get("message", "")),
        field=str(item.get("field", "")),
        pointer=str(item.get("pointer", "")),
        details=dict(item.get("details") or {}),
    )


def problem_diagnostic(problem: Problem, attribute: str | None = None) -> Diagnostic:
    """An error diagnostic for a rules-engine problem, on ``attribute`` or the problem's own field."""
    title = CODE_TITLES.get(problem.code, str(problem.code).replace("_", " ").capitalize())
    target = attribute if attribute is not None else FIELD_ATTRIBUTES.get(problem.field)
    # The engine's sentences name API fields; a Terraform user knows the attribute names.
    detail = problem.message
    for api_field, attr in _JSON_FIELDS.items():
        detail = detail.replace(api_field, attr)
    if problem.pointer:
        detail += f"\n\nAt JSON pointer {problem.pointer} inside {target or problem.field}."
    return error(f"{title} ({problem.code})", detail, target)
