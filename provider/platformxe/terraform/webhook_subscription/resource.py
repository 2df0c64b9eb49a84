"""Resource ``platformxe_webhook_subscription`` (scaffolding order: schema, validate, plan, create,
read, update, delete, import).

- Create subscribes and keeps the secret the registry answers with (sensitive in state).
- Read refreshes; a deleted subscription leaves the state (Terraform plans a create), one the
  bus disabled (410) shows as an update back to ``enabled = true``.
- Update PATCHes what changed, and rotates the secret when ``rotate_secret_trigger`` changed.
- Delete deletes (already gone is fine). Import by ``sub_…``.
"""

from __future__ import annotations

from typing import Any

from platformxe.client import NotFound
from platformxe.model.webhook_subscription import (
    RESOURCE_TYPE,
    create_body,
    state_from_subscription,
    update_body,
)
from platformxe.terraform.diagnostics import error, registry_call
from platformxe.terraform.provider_data import configured
from platformxe.terraform.webhook_subscription.schema import webhook_subscription_schema
from platformxe.tfplugin.cty import UNKNOWN, is_unknown
from platformxe.tfplugin.diagnostics import DiagnosticError
from platformxe.tfplugin.framework import (
    ApplyRequest,
    ImportRequest,
    PlanRequest,
    ReadRequest,
    Resource,
    State,
    ValidateRequest,
)
from platformxe.tfplugin.schema import Schema

__all__ = ["WebhookSubscriptionResource"]


class WebhookSubscriptionResource(Resource):
    """``platformxe_webhook_subscription``."""

    type_name = RESOURCE_TYPE

    def schema(self) -> Schema:
        """See :mod:`platformxe.terraform.webhook_subscription.schema`."""
        return webhook_subscription_schema()

    def validate_config(self, req: ValidateRequest) -> None:
        """Offline: event references are ``<ns>.<name>@<version>``; kinds only with the generic event."""
        events = req.config.get("events")
        if isinstance(events, list):
            for i, ref in enumerate(events):
                if isinstance(ref, str) and ("@" not in ref or "." not in ref.split("@", 1)[0]):
                    req.diagnostics.add(
                        error(
                            f"events[{i}] is not <namespace>.<name>@<version>",
                            f'"{ref}" must name an exact registered version, e.g. lettings.property.favorited@1.0.0.',
                            "events",
                            "invalid_request",
                        )
                    )
        kinds = req.config.get("kinds")
        if (
            isinstance(kinds, list)
            and kinds
            and isinstance(events, list)
            and all(isinstance(e, str) for e in events)
            and "platformxe.generic@1.0.0" not in events
        ):
            req.diagnostics.add(
                error(
                    "kinds needs platformxe.generic@1.0.0 in events",
                    "kinds route generic emits by their payload's kind; add platformxe.generic@1.0.0 to events "
                    "or remove kinds.",
                    "kinds",
                    "invalid_request",
                )
            )

    def modify_plan(self, req: PlanRequest) -> None:
        """Defaults, what the registry will recompute, and a rotation."""
        planned, config, prior = req.planned, req.config, req.prior
        if config.get("enabled") is None:
            planned["enabled"] = True
        if planned.get("enabled") is True:
            planned["disabled_reason"] = None
        elif prior is not None and not req.changed("enabled"):
            planned["disabled_reason"] = prior.get("disabled_reason")
        if prior is None:
            planned["canonical_names"] = UNKNOWN
            if config.get("secret") is None:
                planned["secret"] = UNKNOWN
            return
        if req.changed("events"):
            planned["canonical_names"] = UNKNOWN
        if config.get("secret") is not None and config.get("secret") != prior.get("secret"):
            # The API takes a given secret only at creation.
            req.require_replace("secret")
            return
        trigger_changed = prior.get("rotate_secret_trigger") != config.get("rotate_secret_trigger")
        if trigger_changed and config.get("secret") is None:
            planned["secret"] = UNKNOWN

    # -- apply ---------------------------------------------------------------------------------

    def create(self, req: ApplyRequest) -> State:
        """Subscribe; the answer's secret goes into the (sensitive) state."""
        data, planned = configured(req.provider_data), req.planned or {}
        with registry_call("creating the webhook subscription", data.endpoint):
            answer = data.client.events.custom.subscriptions.create(create_body(planned)).to_dict()
        return state_from_subscription(answer, planned)

    def read(self, req: ReadRequest) -> State | None:
        """Refresh; None when the subscription no longer exists."""
        data = configured(req.provider_data)
        sub_id = str(req.state.get("id") or "")
        try:
            with registry_call("reading the webhook subscription", data.endpoint):
                try:
                    answer = data.client.events.custom.subscriptions.get(sub_id).to_dict()
                except NotFound:
                    return None
        except DiagnosticError:
            raise
        return state_from_subscription(answer, req.state)

    def update(self, req: ApplyRequest) -> State:
        """PATCH what changed; rotate when the trigger changed."""
        data, prior, planned = configured(req.provider_data), req.prior or {}, req.planned or {}
        sub_id = str(prior.get("id"))
        subscriptions = data.client.events.custom.subscriptions
        body = update_body(prior, planned)
        with registry_call("updating the webhook subscription", data.endpoint):
            answer: dict[str, Any] = (
                subscriptions.update(sub_id, body).to_dict() if body else subscriptions.get(sub_id).to_dict()
            )
            if is_unknown(planned.get("secret")):
                answer["secret"] = subscriptions.rotate_secret(sub_id).secret
        state = state_from_subscription(
            answer, {**prior, "rotate_secret_trigger": planned.get("rotate_secret_trigger")}
        )
        return state

    def delete(self, req: ApplyRequest) -> None:
        """Delete (a subscription already gone is fine)."""
        data, prior = configured(req.provider_data), req.prior or {}
        with registry_call("deleting the webhook subscription", data.endpoint):
            try:
                data.client.events.custom.subscriptions.delete(str(prior.get("id")))
            except NotFound:
                return

    # -- import --------------------------------------------------------------------------------

    def import_state(self, req: ImportRequest) -> State:
        """``sub_…``; Read fills the rest (the secret stays unknown to Terraform until rotated)."""
        if not req.id.startswith("sub_"):
            raise DiagnosticError(
                "Invalid import id",
                f"{req.id!r} is not a subscription id; import by its id, e.g. sub_0123abcd…",
            )
        return {"id": req.id}
