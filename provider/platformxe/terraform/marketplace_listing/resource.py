"""Resource ``platformxe_marketplace_listing`` (scaffolding order: schema, validate, plan, create,
read, delete, import).

- Validate checks names, title, summary and tags offline with the rules engine.
- Create publishes; Read refreshes (an unpublished listing leaves the state, so Terraform plans
  a create); every change replaces; Delete unpublishes (already gone is fine). Import by ``lst_…``.
"""

from __future__ import annotations

from platformxe import rules
from platformxe.client import NotFound
from platformxe.model.marketplace_listing import RESOURCE_TYPE, publish_body, state_from_listing
from platformxe.rules import marketplace as market_rules
from platformxe.terraform.diagnostics import problem_diagnostic, registry_call
from platformxe.terraform.marketplace_listing.schema import marketplace_listing_schema
from platformxe.terraform.provider_data import configured
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

__all__ = ["MarketplaceListingResource"]


class MarketplaceListingResource(Resource):
    """``platformxe_marketplace_listing``."""

    type_name = RESOURCE_TYPE

    def schema(self) -> Schema:
        """See :mod:`platformxe.terraform.marketplace_listing.schema`."""
        return marketplace_listing_schema()

    def validate_config(self, req: ValidateRequest) -> None:
        """Offline: the names, and the listing text, wherever they are known already."""
        config = req.config
        checks = (
            ("namespace", rules.validate_namespace),
            ("name", rules.validate_name),
            ("version", rules.validate_version),
        )
        for attribute, check in checks:
            value = config.get(attribute)
            if isinstance(value, str):
                for problem in check(value):
                    req.diagnostics.add(problem_diagnostic(problem, attribute))
        title, summary, tags = config.get("title"), config.get("summary"), config.get("tags")
        if is_unknown(title):
            title = "known later"
        if is_unknown(summary):
            summary = None
        if is_unknown(tags) or (isinstance(tags, list) and any(is_unknown(t) for t in tags)):
            tags = None
        for problem in market_rules.check_listing_text(title, summary, tags):
            req.diagnostics.add(problem_diagnostic(problem))

    def modify_plan(self, req: PlanRequest) -> None:
        """A new listing's computed values are known after apply."""
        if req.prior is None:
            for attribute in ("id", "organization_id", "schema_hash"):
                req.planned[attribute] = UNKNOWN

    # -- apply ---------------------------------------------------------------------------------

    def create(self, req: ApplyRequest) -> State:
        """Publish the listing."""
        data, planned = configured(req.provider_data), req.planned or {}
        with registry_call("publishing the marketplace listing", data.endpoint):
            answer = data.client.events.custom.marketplace.publish(publish_body(planned)).to_dict()
        return state_from_listing(answer, planned)

    def read(self, req: ReadRequest) -> State | None:
        """Refresh; None when the listing no longer exists."""
        data = configured(req.provider_data)
        listing_id = str(req.state.get("id") or "")
        with registry_call("reading the marketplace listing", data.endpoint):
            try:
                answer = data.client.events.custom.marketplace.get(listing_id).to_dict()
            except NotFound:
                return None
        return state_from_listing(answer, req.state)

    def update(self, req: ApplyRequest) -> State:
        """Never called: every configured attribute forces a replacement."""
        raise DiagnosticError(
            "A marketplace listing cannot be changed in place",
            "Every attribute of platformxe_marketplace_listing replaces the listing; this is a provider bug.",
        )

    def delete(self, req: ApplyRequest) -> None:
        """Unpublish (a listing already gone is fine)."""
        data, prior = configured(req.provider_data), req.prior or {}
        with registry_call("unpublishing the marketplace listing", data.endpoint):
            try:
                data.client.events.custom.marketplace.unpublish(str(prior.get("id")))
            except NotFound:
                return

    # -- import --------------------------------------------------------------------------------

    def import_state(self, req: ImportRequest) -> State:
        """``lst_…``; Read fills the rest."""
        if not req.id.startswith("lst_"):
            raise DiagnosticError(
                "Invalid import id",
                f"{req.id!r} is not a marketplace listing id; import by its id, e.g. lst_0123abcd…",
            )
        return {"id": req.id}
