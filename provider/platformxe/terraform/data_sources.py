"""Data sources: one version (or the latest published), a filtered list, and the health/usage.

- ``platformxe_custom_event``: ``namespace`` + ``name`` (+ ``version``; omitted = the highest
  published version).
- ``platformxe_custom_events``: every registration matching optional ``namespace`` / ``name`` /
  ``status`` filters, all pages read.
- ``platformxe_custom_events_health``: plan tier, registrations used/limit, emits this month/limit,
  the last failed emits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from platformxe.terraform.ids import resource_id
from platformxe.terraform.jsonvalue import dump_json
from platformxe.terraform.provider import configured
from platformxe.terraform.registry_errors import raise_for
from platformxe.terraform.validation import STATUS_VALUES
from platformxe.tfplugin.cty import NUMBER, STRING, List, Object
from platformxe.tfplugin.framework import DataReadRequest, DataSource, State, ValidateRequest
from platformxe.tfplugin.schema import Attribute, Schema

__all__ = ["CustomEventDataSource", "CustomEventsDataSource", "CustomEventsHealthDataSource"]

#: Registration fields every data source exposes: attribute → (API field, description).
_REGISTRATION_FIELDS: dict[str, tuple[str, str]] = {
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

_EVENT_TYPE = Object(
    {"id": STRING, "namespace": STRING, "name": STRING, "version": STRING}
    | {attribute: STRING for attribute in _REGISTRATION_FIELDS}
)
_FAILURE_TYPE = Object(
    {
        "name": STRING,
        "version": STRING,
        "code": STRING,
        "message": STRING,
        "occurred_at": STRING,
        "delivery_status": STRING,
        "event_id": STRING,
    }
)


def _registration_values(registration: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": resource_id(registration["namespace"], registration["name"], registration["version"]),
        "namespace": registration["namespace"],
        "name": registration["name"],
        "version": registration["version"],
    }
    for attribute, (field, _) in _REGISTRATION_FIELDS.items():
        value = registration.get(field)
        values[attribute] = dump_json(value) if attribute in _JSON_FIELDS and value is not None else value
    return values


def _check_status(req: ValidateRequest) -> None:
    status = req.config.get("status")
    if isinstance(status, str) and status not in STATUS_VALUES:
        accepted = ", ".join(f'"{s}"' for s in STATUS_VALUES)
        req.diagnostics.error(
            "Invalid status filter (invalid_request)",
            f'status "{status}" is not accepted; use {accepted}.',
            "status",
        )


def _check_names(req: ValidateRequest, *, version: bool) -> None:
    """Namespace, name (and version) shapes, offline: a bad one is its own error with the seed's
    code, not a misleading "has no published version" from the registry."""
    from platformxe.rules.codes import Code
    from platformxe.rules.names import validate_name, validate_namespace
    from platformxe.rules.semver import validate_version
    from platformxe.terraform.findings import problem_diagnostic
    from platformxe.tfplugin.cty import is_unknown

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


class CustomEventDataSource(DataSource):
    """``platformxe_custom_event``: one registered version, or the latest published one."""

    type_name = "platformxe_custom_event"

    def schema(self) -> Schema:
        """namespace + name (+ version) in; the registration out."""
        attributes = {
            "namespace": Attribute(STRING, required=True, description="Event namespace."),
            "name": Attribute(STRING, required=True, description="Event name."),
            "version": Attribute(
                STRING,
                optional=True,
                computed=True,
                description="Version to read; omit it for the highest **published** version.",
            ),
            "id": Attribute(STRING, computed=True, description="`<namespace>/<name>@<version>`."),
        }
        attributes |= {
            a: Attribute(STRING, computed=True, description=d) for a, (_, d) in _REGISTRATION_FIELDS.items()
        }
        return Schema(attributes=attributes, description="Reads one version of a registered custom event.")

    def validate_config(self, req: ValidateRequest) -> None:
        """namespace, name and version must have the registry's shapes."""
        _check_names(req, version=True)

    def read(self, req: DataReadRequest) -> State:
        """GET one version (``latest`` when version is null)."""
        from platformxe.client import PlatformXeError

        data, config = configured(req.provider_data), req.config
        version = config.get("version") or "latest"
        label = f"{config['namespace']}.{config['name']} {version}"
        try:
            registration = data.client.events.custom.get(config["namespace"], config["name"], version)
        except PlatformXeError as exc:
            raise_for(exc, f"reading {label}", data.endpoint)
        return _registration_values(registration.to_dict())


class CustomEventsDataSource(DataSource):
    """``platformxe_custom_events``: registrations matching optional filters."""

    type_name = "platformxe_custom_events"

    def schema(self) -> Schema:
        """Filters in; ``events`` out (ordered by namespace, name, version)."""
        return Schema(
            description="Lists registered custom event versions, optionally filtered.",
            attributes={
                "namespace": Attribute(STRING, optional=True, description="Only this namespace."),
                "name": Attribute(STRING, optional=True, description="Only this event name."),
                "status": Attribute(
                    STRING, optional=True, description="Only `draft`, `published` or `archived`."
                ),
                "events": Attribute(
                    List(_EVENT_TYPE),
                    computed=True,
                    description=(
                        "Every matching version, ordered by namespace, name and version; each has `id`, "
                        "`namespace`, `name`, `version` and "
                        + ", ".join(f"`{a}`" for a in _REGISTRATION_FIELDS)
                        + "."
                    ),
                ),
            },
        )

    def validate_config(self, req: ValidateRequest) -> None:
        """The filters must have the registry's shapes (status one of the statuses)."""
        _check_status(req)
        _check_names(req, version=False)

    def read(self, req: DataReadRequest) -> State:
        """Walk every page of ``GET /registrations`` with the filters."""
        from platformxe.client import PlatformXeError

        data, config = configured(req.provider_data), req.config
        filters = {k: config.get(k) for k in ("namespace", "name", "status")}
        try:
            items = [
                _registration_values(item.to_dict())
                for item in data.client.events.custom.iter_all(**filters, page_size=500)
            ]
        except PlatformXeError as exc:
            raise_for(exc, "listing custom events", data.endpoint)
        return {**filters, "events": items}


class CustomEventsHealthDataSource(DataSource):
    """``platformxe_custom_events_health``: plan, usage and limits, recent failures."""

    type_name = "platformxe_custom_events_health"

    def schema(self) -> Schema:
        """Everything computed."""
        return Schema(
            description="The organisation's plan tier, usage against its limits, and the last failed emits.",
            attributes={
                "plan": Attribute(
                    STRING, computed=True, description="`FREE`, `BASIC`, `PRO` or `ENTERPRISE`."
                ),
                "registrations_used": Attribute(
                    NUMBER,
                    computed=True,
                    description="Events (namespace + name) with a non-archived version.",
                ),
                "registrations_limit": Attribute(
                    NUMBER, computed=True, description="The plan's cap on registrations; null when unlimited."
                ),
                "emits_this_month": Attribute(
                    NUMBER, computed=True, description="Accepted emits this calendar month (UTC)."
                ),
                "emits_monthly_limit": Attribute(
                    NUMBER, computed=True, description="The plan's monthly emit ceiling; null when unlimited."
                ),
                "recent_failures": Attribute(
                    List(_FAILURE_TYPE),
                    computed=True,
                    description=(
                        "The last 10 refused emits, newest first: `name`, `version`, `code` (the error "
                        "code), `message`, `occurred_at`, `delivery_status` and `event_id`."
                    ),
                ),
            },
        )

    def read(self, req: DataReadRequest) -> State:
        """GET /health."""
        from platformxe.client import PlatformXeError

        data = configured(req.provider_data)
        try:
            health = data.client.events.custom.health().to_dict()
        except PlatformXeError as exc:
            raise_for(exc, "reading the registry's health", data.endpoint)
        registrations, emits = health.get("registrations") or {}, health.get("emits") or {}
        return {
            "plan": health.get("plan"),
            "registrations_used": registrations.get("used"),
            "registrations_limit": registrations.get("limit"),
            "emits_this_month": emits.get("thisMonth"),
            "emits_monthly_limit": emits.get("monthlyLimit"),
            "recent_failures": [
                {
                    "name": f.get("name"),
                    "version": f.get("version"),
                    "code": f.get("code"),
                    "message": f.get("message"),
                    "occurred_at": f.get("occurredAt"),
                    "delivery_status": f.get("deliveryStatus"),
                    "event_id": f.get("eventId"),
                }
                for f in health.get("recentFailures") or []
            ],
        }
