"""Data source ``platformxe_custom_event``: ``namespace`` + ``name`` (+ ``version``; omitted = the
highest published version)."""

from __future__ import annotations

from platformxe.model.custom_event import EventVersion
from platformxe.terraform.data_sources.registration import (
    REGISTRATION_FIELDS,
    check_names,
    registration_values,
)
from platformxe.terraform.diagnostics import registry_call
from platformxe.terraform.provider_data import configured
from platformxe.tfplugin.cty import STRING
from platformxe.tfplugin.framework import DataReadRequest, DataSource, State, ValidateRequest
from platformxe.tfplugin.schema import Attribute, Schema

__all__ = ["CustomEventDataSource"]


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
            a: Attribute(STRING, computed=True, description=d) for a, (_, d) in REGISTRATION_FIELDS.items()
        }
        return Schema(attributes=attributes, description="Reads one version of a registered custom event.")

    def validate_config(self, req: ValidateRequest) -> None:
        """namespace, name and version must have the registry's shapes."""
        check_names(req, version=True)

    def read(self, req: DataReadRequest) -> State:
        """GET one version (``latest`` when version is null)."""
        data, config = configured(req.provider_data), req.config
        version = config.get("version") or "latest"
        label = EventVersion(config["namespace"], config["name"], version).label
        with registry_call(f"reading {label}", data.endpoint):
            registration = data.client.events.custom.get(config["namespace"], config["name"], version)
        return registration_values(registration.to_dict())
