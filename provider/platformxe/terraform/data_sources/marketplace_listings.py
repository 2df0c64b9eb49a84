"""Data source ``platformxe_marketplace_listings``: browse every organisation's listings (any plan)."""

from __future__ import annotations

import json

from platformxe import rules
from platformxe.model.marketplace_listing import DATA_SOURCE_TYPE, listing_values
from platformxe.rules import marketplace as market_rules
from platformxe.terraform.diagnostics import error, problem_diagnostic, registry_call
from platformxe.terraform.provider_data import configured
from platformxe.tfplugin.cty import BOOL, STRING, List, Object
from platformxe.tfplugin.framework import DataReadRequest, DataSource, State, ValidateRequest
from platformxe.tfplugin.schema import Attribute, Schema

__all__ = ["MarketplaceListingsDataSource"]

_LISTING = Object(
    {
        "id": STRING,
        "organization_id": STRING,
        "namespace": STRING,
        "name": STRING,
        "version": STRING,
        "title": STRING,
        "summary": STRING,
        "tags": List(STRING),
        "description": STRING,
        "payload_schema": STRING,
        "schema_hash": STRING,
        "mine": BOOL,
    }
)


class MarketplaceListingsDataSource(DataSource):
    """``platformxe_marketplace_listings``: listings matching optional ``q``, ``namespace``, ``tag``."""

    type_name = DATA_SOURCE_TYPE

    def schema(self) -> Schema:
        """Filters in; ``listings`` out (oldest first)."""
        return Schema(
            description=(
                "Browses the marketplace: every organisation's listings of published versions (open to every "
                "plan; forking needs Pro or Enterprise)."
            ),
            attributes={
                "q": Attribute(
                    STRING,
                    optional=True,
                    description="Text found, ignoring case, in the title, summary or `namespace.name`.",
                ),
                "namespace": Attribute(STRING, optional=True, description="Only this namespace."),
                "tag": Attribute(STRING, optional=True, description="Only listings with this tag."),
                "listings": Attribute(
                    List(_LISTING),
                    computed=True,
                    description=(
                        "Every matching listing, oldest first: `id`, `organization_id`, `namespace`, `name`, "
                        "`version`, `title`, `summary`, `tags`, `description`, `payload_schema` (JSON text), "
                        "`schema_hash`, `mine` (published by this organisation)."
                    ),
                ),
            },
        )

    def validate_config(self, req: ValidateRequest) -> None:
        """The filters must have the registry's shapes."""
        namespace, tag, q = req.config.get("namespace"), req.config.get("tag"), req.config.get("q")
        if isinstance(namespace, str):
            for problem in rules.validate_namespace(namespace):
                req.diagnostics.add(problem_diagnostic(problem, "namespace"))
        if isinstance(tag, str):
            for problem in market_rules.check_tag(tag, "tag"):
                req.diagnostics.add(problem_diagnostic(problem, "tag"))
        if isinstance(q, str) and len(q) > market_rules.MAX_QUERY:
            req.diagnostics.add(
                error(
                    "Invalid value",
                    f"q must be at most {market_rules.MAX_QUERY} characters.",
                    "q",
                    "invalid_request",
                )
            )

    def read(self, req: DataReadRequest) -> State:
        """Walk every page of ``GET /marketplace/listings`` with the filters."""
        data, config = configured(req.provider_data), req.config
        filters = {k: config.get(k) for k in ("q", "namespace", "tag")}
        with registry_call("browsing the marketplace", data.endpoint):
            items = [
                item.to_dict()
                for item in data.client.events.custom.marketplace.iter_all(**filters, page_size=500)
            ]
        listings = [
            listing_values(i, json.dumps(i.get("payloadSchema"), sort_keys=True, separators=(",", ":")))
            for i in items
        ]
        return {**filters, "listings": listings}
