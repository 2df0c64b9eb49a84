"""Schema of ``platformxe_marketplace_listing``.

The API has no update for a listing, so every configured attribute forces a replacement
(unpublish, then publish anew).
"""

from __future__ import annotations

from functools import cache

from platformxe.rules import marketplace as market_rules
from platformxe.tfplugin.cty import STRING, List
from platformxe.tfplugin.schema import Attribute, Schema

__all__ = ["marketplace_listing_schema"]


@cache
def marketplace_listing_schema() -> Schema:
    """The resource schema (built once per process)."""
    return Schema(
        description=(
            "A marketplace listing: one published version of your own event, offered for other organisations "
            "to fork into their own namespace. Publishing needs the Pro or Enterprise plan. Any change "
            "replaces the listing (forks already made are not affected)."
        ),
        attributes={
            "id": Attribute(
                STRING,
                computed=True,
                use_state_for_unknown=True,
                description="The listing id, `lst_…` (import by it).",
            ),
            "namespace": Attribute(
                STRING,
                required=True,
                requires_replace=True,
                description="Namespace of the listed event (yours).",
            ),
            "name": Attribute(
                STRING, required=True, requires_replace=True, description="Name of the listed event."
            ),
            "version": Attribute(
                STRING,
                required=True,
                requires_replace=True,
                description=(
                    "The listed version; it must be published — e.g. `platformxe_custom_event.x.version`."
                ),
            ),
            "title": Attribute(
                STRING,
                required=True,
                requires_replace=True,
                description=f"Shown in the marketplace: 1 to {market_rules.MAX_TITLE} characters.",
            ),
            "summary": Attribute(
                STRING,
                optional=True,
                requires_replace=True,
                description=f"At most {market_rules.MAX_SUMMARY} characters.",
            ),
            "tags": Attribute(
                List(STRING),
                optional=True,
                requires_replace=True,
                description=(
                    f"At most {market_rules.MAX_TAGS} distinct tags, each 1-30 lower-case letters, digits or "
                    "hyphens starting with a letter or digit (browse filters on them exactly)."
                ),
            ),
            "organization_id": Attribute(
                STRING,
                computed=True,
                use_state_for_unknown=True,
                description="The publishing organisation (what forks record in `forkedFrom`).",
            ),
            "schema_hash": Attribute(
                STRING,
                computed=True,
                use_state_for_unknown=True,
                description="SHA-256 of the listed version's canonical schema.",
            ),
        },
    )
