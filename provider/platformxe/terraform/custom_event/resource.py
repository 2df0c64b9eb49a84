"""Resource ``platformxe_custom_event``: one registered version of a tenant-defined event.

Order of the file (scaffolding habit): schema, validate, plan, create, read, update, delete,
import. Decisions live in :mod:`.plan` (plan), :mod:`.validate` (offline checks) and
:mod:`.state` (registry answer → state); registry calls in :mod:`.registry`; this module wires
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
from dataclasses import replace
from typing import Any

from platformxe.client import VersionAlreadyExists
from platformxe.model.custom_event import DEFAULTS, RESOURCE_TYPE, EventVersion
from platformxe.rules.codes import Code
from platformxe.terraform.custom_event.import_id import parse_import_id
from platformxe.terraform.custom_event.plan import create_candidate, plan_event
from platformxe.terraform.custom_event.registry import EventRegistry, dry_run_body
from platformxe.terraform.custom_event.schema import custom_event_identity_schema, custom_event_schema
from platformxe.terraform.custom_event.state import (
    history_values,
    state_from_registration,
    verdict_values_missing,
)
from platformxe.terraform.custom_event.validate import validate_event_config
from platformxe.terraform.custom_event.verdicts import import_hint
from platformxe.terraform.diagnostics import warning
from platformxe.terraform.jsonvalue import dump_json, same_json
from platformxe.terraform.provider_data import PlanChecks, ProspectiveCreates, ProviderData, configured
from platformxe.terraform.run_context import destroy_run
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


def _patch_body(current: Mapping[str, Any], planned: Mapping[str, Any]) -> dict[str, Any]:
    """The change bringing ``current`` (a registration or state) to the planned status/description."""
    body: dict[str, Any] = {}
    if current.get("status") != planned.get("status"):
        body["status"] = planned.get("status")
    if current.get("description") != planned.get("description"):
        body["description"] = planned.get("description")
    return body


class CustomEventResource(Resource):
    """``platformxe_custom_event``."""

    type_name = RESOURCE_TYPE

    def __init__(self, prospects: ProspectiveCreates | None = None) -> None:
        self._prospects = prospects

    def schema(self) -> Schema:
        """Attributes of docs/provider.md (see :mod:`platformxe.terraform.custom_event.schema`)."""
        return custom_event_schema()

    def identity_schema(self) -> IdentitySchema | None:
        """``{namespace, name, version}`` (Terraform ≥ 1.12)."""
        return custom_event_identity_schema()

    def validate_config(self, req: ValidateRequest) -> None:
        """Offline rules: names, reserved namespaces, version, JSON, schema, caps, example.

        Not in a destroy run: nothing will be registered (:mod:`platformxe.terraform.run_context`).
        """
        if not destroy_run():
            problems = validate_event_config(req.config)
            req.diagnostics.extend(problems)
            recording = self._prospects is not None and self._prospects.recording
            if recording and not any(d.severity is Severity.ERROR for d in problems):
                candidate = create_candidate(req.config)
                if candidate is not None and self._prospects is not None:
                    self._prospects.record(dry_run_body(candidate))

    def modify_plan(self, req: PlanRequest) -> None:
        """Semantic JSON equality, replacement, immutability, status, and the dry-run verdict.

        In a destroy run, Terraform's refresh plan still calls this with the configuration: the
        plan's values are computed, but nothing is judged and nothing is said, so the destroy
        never stops on a version that will not be registered.
        """
        data = req.provider_data if isinstance(req.provider_data, ProviderData) else None
        if destroy_run():
            quiet = plan_event(
                req.prior,
                req.config,
                organization_id=data.organization_id if data else None,
                checks=PlanChecks.OFF,
            )
            req.planned.update(quiet.values)
            return
        registry = EventRegistry(data) if data else None
        result = plan_event(
            req.prior,
            req.config,
            organization_id=data.organization_id if data else None,
            checks=data.checks if data else PlanChecks.OFF,
            ask_registry=registry.dry_run if registry else None,
            siblings=data.planned_alongside if data else None,
            registered=registry.registered if registry else None,
            recent_emits=registry.recent_emits if registry else None,
        )
        req.planned.update(result.values)
        if data and req.prior is None and any(d.severity is Severity.ERROR for d in result.diagnostics):
            # At apply, the create half of a replacement is planned again after its delete: when
            # that plan refuses the same version, undo the archive the delete just did.
            restored = data.restore_archived(EventVersion.of(req.config))
            if restored:
                result.diagnostics.append(warning(f"Restored {EventVersion.of(req.config).label}", restored))
        req.diagnostics.extend(result.diagnostics)

    # -- apply ---------------------------------------------------------------------------------

    def create(self, req: ApplyRequest) -> State:
        """Register the planned version (or adopt an identical one already registered)."""
        data, planned = configured(req.provider_data), req.planned or {}
        ref = EventVersion.of(planned)
        registry = EventRegistry(data)
        try:
            answer = registry.register(planned)
            registration = (
                self._adopt(registry, planned, answer) if isinstance(answer, VersionAlreadyExists) else answer
            )
        except DiagnosticError as exc:
            restored = data.restore_archived(ref)
            if restored:
                last = exc.diagnostics[-1]
                amended = replace(last, detail=f"{last.detail}\n\n{restored}")
                raise DiagnosticError.of((*exc.diagnostics[:-1], amended)) from exc
            raise
        data.forget_archived(ref)
        return self._state(registry, registration, planned)

    def _adopt(
        self, registry: EventRegistry, planned: Mapping[str, Any], exc: VersionAlreadyExists
    ) -> dict[str, Any]:
        """Take over a version registered already, when it is the one planned."""
        ref = EventVersion.of(planned)
        hint = import_hint(ref.namespace, ref.name, ref.version)
        if not exc.details.get("sameSchema"):
            raise DiagnosticError(
                f"{ref.label} is already registered with another schema",
                f"{exc.message}\n\n{hint}",
                "version",
                Code.VERSION_ALREADY_EXISTS,
            )
        existing = exc.details.get("existing")
        if not isinstance(existing, dict):
            existing = registry.get(ref) or {}
        example = existing.get("payloadExample")
        if not same_json(planned.get("payload_example"), None if example is None else dump_json(example)):
            raise DiagnosticError(
                f"{ref.label} is already registered with another payload_example",
                "The registered version has the same schema but a different example, and a version's example "
                f"cannot change. Bump the version, or match the registered example.\n\n{hint}",
                "payload_example",
                Code.VERSION_ALREADY_EXISTS,
            )
        patch = _patch_body(existing, planned)
        if patch:
            existing = registry.update(ref, patch, "adopting the registered")
        return dict(existing)

    def _state(
        self, registry: EventRegistry, registration: Mapping[str, Any], prior: Mapping[str, Any]
    ) -> State:
        """State for ``registration``; the verdict attributes come from history when unknown."""
        state = state_from_registration(registration, prior)
        if verdict_values_missing(state):
            state.update(history_values(registration, registry.versions(EventVersion.of(registration))))
        return state

    def read(self, req: ReadRequest) -> State | None:
        """Refresh from the registry; None (removed from state) when the version is gone."""
        registry = EventRegistry(configured(req.provider_data))
        registration = registry.read(EventVersion.of(req.state))
        return None if registration is None else self._state(registry, registration, req.state)

    def update(self, req: ApplyRequest) -> State:
        """Status, description and the event's compatibility policy in place (``on_destroy`` only
        lives in state)."""
        registry = EventRegistry(configured(req.provider_data))
        prior, planned = req.prior or {}, req.planned or {}
        policy = planned.get("compatibility_policy") or DEFAULTS["compatibility_policy"]
        if policy != (prior.get("compatibility_policy") or DEFAULTS["compatibility_policy"]):
            registry.set_policy(EventVersion.of(planned), str(policy))
        registration = registry.update(EventVersion.of(planned), _patch_body(prior, planned))
        return self._state(registry, registration, planned)

    def delete(self, req: ApplyRequest) -> None:
        """Archive the version, unless ``on_destroy = "retain"``."""
        data, prior = configured(req.provider_data), req.prior or {}
        if prior.get("on_destroy") == "retain":
            return
        ref = EventVersion.of(prior)
        if EventRegistry(data).archive(ref):
            data.record_archived(ref, str(prior.get("status")))

    # -- import --------------------------------------------------------------------------------

    def import_state(self, req: ImportRequest) -> State:
        """``namespace/name@version``, a canonical name, or an identity; Read fills the rest."""
        if req.identity:
            parts = [req.identity.get(k) for k in ("namespace", "name", "version")]
            if not all(isinstance(v, str) and v for v in parts):
                raise DiagnosticError(
                    "Incomplete identity", "Importing by identity needs namespace, name and version."
                )
            ref = EventVersion(*(str(v) for v in parts))
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
            ref = EventVersion(parsed.namespace, parsed.name, parsed.version)
        return {
            "id": ref.id,
            **ref.as_values(),
            "on_destroy": DEFAULTS["on_destroy"],
            "compatibility_policy": DEFAULTS["compatibility_policy"],
        }
