"""Data source ``platformxe_webhook_subscriptions``: every subscription of the organisation."""

from __future__ import annotations

from platformxe.model.webhook_subscription import DATA_SOURCE_TYPE
from platformxe.terraform.diagnostics import registry_call
from platformxe.terraform.provider_data import configured
from platformxe.tfplugin.cty import BOOL, STRING, List, Object
from platformxe.tfplugin.framework import DataReadRequest, DataSource, State
from platformxe.tfplugin.schema import Attribute, Schema

__all__ = ["WebhookSubscriptionsDataSource"]

_SUBSCRIPTION = Object(
    {
        "id": STRING,
        "url": STRING,
        "events": List(STRING),
        "canonical_names": List(STRING),
        "kinds": List(STRING),
        "description": STRING,
        "enabled": BOOL,
        "disabled_reason": STRING,
    }
)


class WebhookSubscriptionsDataSource(DataSource):
    """``platformxe_webhook_subscriptions``: the organisation's subscriptions, oldest first (no secrets)."""

    type_name = DATA_SOURCE_TYPE

    def schema(self) -> Schema:
        """``subscriptions`` out."""
        return Schema(
            description="Lists the organisation's webhook subscriptions (never their secrets).",
            attributes={
                "subscriptions": Attribute(
                    List(_SUBSCRIPTION),
                    computed=True,
                    description=(
                        "Every subscription, oldest first: `id`, `url`, `events`, `canonical_names`, `kinds`, "
                        "`description`, `enabled`, `disabled_reason`."
                    ),
                )
            },
        )

    def read(self, req: DataReadRequest) -> State:
        """Walk every page of ``GET /subscriptions``."""
        data = configured(req.provider_data)
        with registry_call("listing webhook subscriptions", data.endpoint):
            items = [s.to_dict() for s in data.client.events.custom.subscriptions.iter_all(page_size=500)]
        return {
            "subscriptions": [
                {
                    "id": s["id"],
                    "url": s.get("url") or "",
                    "events": list(s.get("events") or []),
                    "canonical_names": list(s.get("canonicalNames") or []),
                    "kinds": list(s.get("kinds") or []),
                    "description": s.get("description"),
                    "enabled": bool(s.get("enabled")),
                    "disabled_reason": s.get("disabledReason"),
                }
                for s in items
            ]
        }
