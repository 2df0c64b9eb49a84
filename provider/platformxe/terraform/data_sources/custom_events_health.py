"""Data source ``platformxe_custom_events_health``: plan tier, registrations used/limit, emits this
month/limit, the last failed emits."""

from __future__ import annotations

from platformxe.terraform.diagnostics import registry_call
from platformxe.terraform.provider_data import configured
from platformxe.tfplugin.cty import NUMBER, STRING, List, Object
from platformxe.tfplugin.framework import DataReadRequest, DataSource, State
from platformxe.tfplugin.schema import Attribute, Schema

__all__ = ["CustomEventsHealthDataSource"]


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
                        "The last 10 emits whose delivery failed, newest first: `name`, `version`, `code` "
                        "(`delivery_failed`), `message` (the last delivery error), `occurred_at` (when it "
                        "failed), `delivery_status` (`FAILED`) and `event_id`."
                    ),
                ),
            },
        )

    def read(self, req: DataReadRequest) -> State:
        """GET /health."""
        data = configured(req.provider_data)
        with registry_call("reading the registry's health", data.endpoint):
            health = data.client.events.custom.health().to_dict()
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
