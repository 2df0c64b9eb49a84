"""Resource ``platformxe_custom_event``: one registered version of a tenant-defined event.

Order of the file (scaffolding habit): schema, validate, plan, create, read, update, delete,
import. Decisions live in :mod:`platformxe.terraform.planning` (plan), :mod:`.validation`
(offline checks) and :mod:`.state` (registry answer → state); this module calls the SDK and wires
them to the plugin framework.

- Create registers the version. If the registry already holds it with the same schema (a create
  retried after a lost answer, or a version registered by hand), it is adopted; with another
  schema the create fails with an import hint.
- Read refreshes from the registry; a version that no longer exists leaves the state (Terraform
  then plans a create), an out-of-band status change shows as an update.
- Update changes status and/or description in place (and ``on_destroy``, which lives in state only).
- Delete archives, or only forgets the version with ``on_destroy = "retain"``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from platformxe.terraform.findings import warning
from platformxe.terraform.ids import parse_import_id, resource_id
from platformxe.terraform.planning import DEFAULTS, IDENTITY_ATTRIBUTES, PlanChecks, plan_event
from platformxe.terraform.provider import ProviderData, configured, json_document, version_path
from platformxe.terraform.registry_errors import raise_for
from platformxe.terraform.resource_schema import custom_event_identity_schema, custom_event_schema
from platformxe.terraform.state import history_values, state_from_registration, verdict_values_missing
from platformxe.terraform.validation import validate_event_config
from platformxe.terraform.verdicts import import_hint
from platformxe.tfplugin.diagnostics import DiagnosticError, Severity
from platformxe.tfplugin.framework import (
    ApplyRequest,
    ImportRequest,
    PlanRequest,
    ReadRequest,
    Resource,
    State,
    ValidateRequest,
)
from platformxe.tfplugin.schema import IdentitySchema, Schema

__all__ = ["CustomEventResource"]


def _label(values: Mapping[str, Any]) -> str:
    return f"{values['namespace']}.{values['name']} {values['version']}"


class CustomEventResource(Resource):
    """``platformxe_custom_event``."""

    type_name = "platformxe_custom_event"

    def schema(self) -> Schema:
        """Attributes of docs/provider.md (see :mod:`platformxe.terraform.resource_schema`)."""
        return custom_event_schema()

    def identity_schema(self) -> IdentitySchema | None:
        """``{namespace, name, version}`` (Terraform ≥ 1.12)."""
        return custom_event_identity_schema()

    def validate_config(self, req: ValidateRequest) -> None:
        """Offline rules: names, reserved namespaces, version, JSON, schema, caps, example."""
        req.diagnostics.extend(validate_event_config(req.config))

    def modify_plan(self, req: PlanRequest) -> None:
        """Semantic JSON equality, replacement, immutability, status, and the dry-run verdict."""
        data = req.provider_data if isinstance(req.provider_data, ProviderData) else None
        result = plan_event(
            req.prior,
            req.config,
            organization_id=data.organization_id if data else None,
            checks=data.checks if data else PlanChecks.OFF,
            ask_registry=data.dry_run if data else None,
            siblings=data.planned_alongside if data else None,
            registered=data.registered if data else None,
        )
        req.planned.update(result.values)
        for attribute in result.requires_replace:
            req.require_replace(attribute)
        if data and req.prior is None and any(d.severity is Severity.ERROR for d in result.diagnostics):
            # At apply, the create half of a replacement is planned again after its delete: when
            # that plan refuses the same version, undo the archive the delete just did.
            restored = data.restore_archived(*(str(req.config.get(a)) for a in IDENTITY_ATTRIBUTES))
            if restored:
                result.diagnostics.append(warning(f"Restored {_label(req.config)}", restored))
        req.diagnostics.extend(result.diagnostics)

    # -- apply ---------------------------------------------------------------------------------

    def create(self, req: ApplyRequest) -> State:
        """Register the planned version (or adopt an identical one already registered)."""
        data, planned = configured(req.provider_data), req.planned or {}
        key = (planned["namespace"], planned["name"], planned["version"])
        try:
            registration = self._register(data, planned, req)
        except DiagnosticError as exc:
            restored = data.restore_archived(*key)
            if restored:
                refused = exc.diagnostic
                raise DiagnosticError(
                    refused.summary, f"{refused.detail}\n\n{restored}", refused.path
                ) from exc
            raise
        data.forget_archived(*key)
        return self._state(data, registration, planned)

    def _register(self, data: ProviderData, planned: Mapping[str, Any], req: ApplyRequest) -> dict[str, Any]:
        """POST the version; adopt it when the registry holds it already with the same schema."""
        from platformxe.client import PlatformXeError, VersionAlreadyExists

        try:
            registration = data.client.events.custom.register(
                namespace=planned["namespace"],
                name=planned["name"],
                version=planned["version"],
                payload_schema=json_document(planned["payload_schema"]),
                payload_example=json_document(planned.get("payload_example")),
                status=planned.get("status") or DEFAULTS["status"],
                description=planned.get("description"),
            ).to_dict()
        except VersionAlreadyExists as exc:
            registration = self._adopt(data, planned, exc)
        except PlatformXeError as exc:
            raise_for(exc, f"registering {_label(planned)}", data.endpoint, req.diagnostics)
        return dict(registration)

    def _adopt(self, data: ProviderData, planned: Mapping[str, Any], exc: Any) -> dict[str, Any]:
        """Take over a version registered already, when it is the one planned."""
        from platformxe.client import PlatformXeError
        from platformxe.terraform.jsonvalue import dump_json, same_json

        namespace, name, version = planned["namespace"], planned["name"], planned["version"]
        hint = import_hint(namespace, name, version)
        if not exc.details.get("sameSchema"):
            raise DiagnosticError(
                f"{_label(planned)} is already registered with another schema (version_already_exists)",
                f"{exc.message}\n\n{hint}",
                "version",
            )
        existing = exc.details.get("existing")
        try:
            if not isinstance(existing, dict):
                existing = data.client.events.custom.get(namespace, name, version).to_dict()
            example = existing.get("payloadExample")
            if not same_json(planned.get("payload_example"), None if example is None else dump_json(example)):
                raise DiagnosticError(
                    f"{_label(planned)} is already registered with another payload_example (version_already_exists)",
                    f"The registered version has the same schema but a different example, and a version's example "
                    f"cannot change. Bump the version, or match the registered example.\n\n{hint}",
                    "payload_example",
                )
            patch = self._patch_body(existing, planned)
            if patch:
                existing = data.client.request("PATCH", version_path(namespace, name, version), json=patch)
        except PlatformXeError as exc2:
            raise_for(exc2, f"adopting the registered {_label(planned)}", data.endpoint)
        return dict(existing)

    @staticmethod
    def _patch_body(current: Mapping[str, Any], planned: Mapping[str, Any]) -> dict[str, Any]:
        """The PATCH body bringing ``current`` (a registration) to the planned status/description."""
        body: dict[str, Any] = {}
        if current.get("status") != planned.get("status"):
            body["status"] = planned.get("status")
        if current.get("description") != planned.get("description"):
            body["description"] = planned.get("description")
        return body

    def _state(self, data: ProviderData, registration: Mapping[str, Any], prior: Mapping[str, Any]) -> State:
        """State for ``registration``; the verdict attributes come from history when unknown."""
        from platformxe.client import PlatformXeError

        state = state_from_registration(registration, prior)
        if verdict_values_missing(state):
            try:
                versions = [
                    v.to_dict()
                    for v in data.client.events.custom.iter_all(
                        namespace=registration["namespace"], name=registration["name"], page_size=500
                    )
                ]
            except PlatformXeError as exc:
                raise_for(exc, f"reading the versions of {_label(registration)}", data.endpoint)
            state.update(history_values(registration, versions))
        return state

    def read(self, req: ReadRequest) -> State | None:
        """Refresh from the registry; None (removed from state) when the version is gone."""
        from platformxe.client import EventNotRegistered, PlatformXeError

        data, state = configured(req.provider_data), req.state
        try:
            registration = data.client.events.custom.get(state["namespace"], state["name"], state["version"])
        except EventNotRegistered:
            return None
        except PlatformXeError as exc:
            raise_for(exc, f"reading {_label(state)}", data.endpoint)
        return self._state(data, registration.to_dict(), state)

    def update(self, req: ApplyRequest) -> State:
        """Status and description in place (``on_destroy`` only lives in state)."""
        from platformxe.client import PlatformXeError

        data, prior, planned = configured(req.provider_data), req.prior or {}, req.planned or {}
        body = self._patch_body(prior, planned)
        path = version_path(planned["namespace"], planned["name"], planned["version"])
        try:
            registration = data.client.request("PATCH" if body else "GET", path, json=body or None)
        except PlatformXeError as exc:
            raise_for(exc, f"updating {_label(planned)}", data.endpoint)
        return self._state(data, registration, planned)

    def delete(self, req: ApplyRequest) -> None:
        """Archive the version, unless ``on_destroy = "retain"``."""
        from platformxe.client import CannotArchiveGenericEvent, EventNotRegistered, PlatformXeError

        data, prior = configured(req.provider_data), req.prior or {}
        if prior.get("on_destroy") == "retain":
            return
        try:
            data.client.events.custom.archive(prior["namespace"], prior["name"], prior["version"])
            data.record_archived(
                prior["namespace"], prior["name"], prior["version"], str(prior.get("status"))
            )
        except EventNotRegistered:
            return  # already gone: nothing left to archive
        except CannotArchiveGenericEvent as exc:
            raise DiagnosticError(
                "platformxe.generic cannot be archived (cannot_archive_generic_event)",
                f'{exc.message} Set on_destroy = "retain" to stop managing it, or run terraform state rm.',
                "on_destroy",
            ) from exc
        except PlatformXeError as exc:
            raise_for(exc, f"archiving {_label(prior)}", data.endpoint)

    # -- import --------------------------------------------------------------------------------

    def import_state(self, req: ImportRequest) -> State:
        """``namespace/name@version``, a canonical name, or an identity; Read fills the rest."""
        if req.identity:
            parts = [req.identity.get(k) for k in ("namespace", "name", "version")]
            if not all(isinstance(v, str) and v for v in parts):
                raise DiagnosticError(
                    "Incomplete identity", "Importing by identity needs namespace, name and version."
                )
            namespace, name, version = (str(v) for v in parts)
        else:
            try:
                parsed = parse_import_id(req.id)
            except ValueError as exc:
                raise DiagnosticError("Invalid import id", str(exc)) from exc
            data = req.provider_data if isinstance(req.provider_data, ProviderData) else None
            if (
                parsed.organization_id
                and data
                and data.organization_id
                and parsed.organization_id != data.organization_id
            ):
                raise DiagnosticError(
                    "The canonical name belongs to another organisation",
                    f"{req.id} names organisation {parsed.organization_id}, but the provider's API key belongs to "
                    f"{data.organization_id}. Configure that organisation's key, or import "
                    f'"{parsed.namespace}/{parsed.name}@{parsed.version}".',
                )
            namespace, name, version = parsed.namespace, parsed.name, parsed.version
        return {
            "id": resource_id(namespace, name, version),
            "namespace": namespace,
            "name": name,
            "version": version,
            "on_destroy": DEFAULTS["on_destroy"],
        }
