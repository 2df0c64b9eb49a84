"""Registration attributes shared by the data sources, and their offline argument checks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from platformxe.model.custom_event import STATUS_VALUES, EventVersion
from platformxe.rules.codes import Code
from platformxe.rules.names import validate_name, validate_namespace
from platformxe.rules.semver import validate_version
from platformxe.terraform.diagnostics import problem_diagnostic
from platformxe.terraform.jsonvalue import dump_json
from platformxe.tfplugin.cty import STRING, Object, is_unknown
from platformxe.tfplugin.framework import ValidateRequest

__all__ = ["EVENT_TYPE", "REGISTRATION_FIELDS", "check_names", "check_status", "registration_values"]

#: Registration fields every data source exposes: attribute → (API field, description).
REGISTRATION_FIELDS: dict[str, tuple[str, str]] = {
    "status": ("status", "`draft`, `published` or `archived`."),
    "description": ("description", "Free text, or null."),
    "payload_schema": (
        "payloadSchema",
        "The payload schema as compact JSON text (`jsondecode()` it to inspect).",
    ),
    "payload_example": ("payloadExample", "The example payload as compact JSON text, or null."),
    "schema_hash": ("schemaHash", "SHA-256 (hex) of the RFC 8785 canonical form of the schema."),
    "schema_flavour": ("schemaFlavour", "`json-schema-2020-12` or `openapi-3.1`."),
    "canonical_name": ("canonicalName", "`TENANT_CUSTOM:<organization_id>:<namespace>.<name>@<version>`."),
    "organization_id": ("organizationId", "Organisation owning the version."),
    "created_at": ("createdAt", "When the version was registered (RFC 3339, UTC)."),
    "updated_at": ("updatedAt", "When its status or description last changed (RFC 3339, UTC)."),
}
_JSON_FIELDS = frozenset({"payload_schema", "payload_example"})

EVENT_TYPE = Object(
    {"id": STRING, "namespace": STRING, "name": STRING, "version": STRING}
    | {attribute: STRING for attribute in REGISTRATION_FIELDS}
)


def registration_values(registration: Mapping[str, Any]) -> dict[str, Any]:
    """Data source values of one registration (camelCase API object); JSON fields as compact text."""
    ref = EventVersion.of(registration)
    values: dict[str, Any] = {"id": ref.id, **ref.as_values()}
    for attribute, (field, _) in REGISTRATION_FIELDS.items():
        value = registration.get(field)
        values[attribute] = dump_json(value) if attribute in _JSON_FIELDS and value is not None else value
    return values


def check_status(req: ValidateRequest) -> None:
    """The status filter, when set, is one of the statuses."""
    status = req.config.get("status")
    if isinstance(status, str) and status not in STATUS_VALUES:
        accepted = ", ".join(f'"{s}"' for s in STATUS_VALUES)
        req.diagnostics.error(
            "Invalid status filter",
            f'status "{status}" is not accepted; use {accepted}.',
            "status",
            Code.INVALID_REQUEST,
        )


def check_names(req: ValidateRequest, *, version: bool) -> None:
    """Namespace, name (and version) shapes, offline: a bad one is its own error with its
    code, not a misleading "has no published version" from the registry."""
    checks = [("namespace", validate_namespace), ("name", validate_name)]
    if version:
        checks.append(("version", validate_version))
    for attribute, validate in checks:
        value = req.config.get(attribute)
        # "latest" is what an omitted version means; accept it written out too
        if (
            isinstance(value, str)
            and not is_unknown(value)
            and not (attribute == "version" and value == "latest")
        ):
            # Reserved namespaces are refused for registering only: platformxe.generic is readable.
            found = [p for p in validate(value) if p.code is not Code.RESERVED_NAMESPACE]
            req.diagnostics.extend(problem_diagnostic(p) for p in found)
