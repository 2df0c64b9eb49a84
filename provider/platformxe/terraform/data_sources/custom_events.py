"""Data source ``platformxe_custom_events``: every registration matching optional ``namespace`` /
``name`` / ``status`` filters, all pages read."""

from __future__ import annotations

from platformxe.terraform.data_sources.registration import (
    EVENT_TYPE,
    REGISTRATION_FIELDS,
    check_names,
    check_status,
    registration_values,
)
from platformxe.terraform.diagnostics import registry_call
from platformxe.terraform.provider_data import configured
from platformxe.tfplugin.cty import STRING, List
from platformxe.tfplugin.framework import DataReadRequest, DataSource, State, ValidateRequest
from platformxe.tfplugin.schema import Attribute, Schema

__all__ = ["CustomEventsDataSource"]


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
                    List(EVENT_TYPE),
                    computed=True,
                    description=(
                        "Every matching version, ordered by namespace, name and version; each has `id`, "
                        "`namespace`, `name`, `version` and "
                        + ", ".join(f"`{a}`" for a in REGISTRATION_FIELDS)
                        + "."
                    ),
                ),
            },
        )

    def validate_config(self, req: ValidateRequest) -> None:
        """The filters must have the registry's shapes (status one of the statuses)."""
        check_status(req)
        check_names(req, version=False)

    def read(self, req: DataReadRequest) -> State:
        """Walk every page of ``GET /registrations`` with the filters."""
        data, config = configured(req.provider_data), req.config
        filters = {k: config.get(k) for k in ("namespace", "name", "status")}
        with registry_call("listing custom events", data.endpoint):
            items = [
                registration_values(item.to_dict())
                for item in data.client.events.custom.iter_all(**filters, page_size=500)
            ]
        return {**filters, "events": items}
