"""Data source RPCs (ValidateDataResourceConfig, ReadDataSource) <-> framework requests."""

from __future__ import annotations

from typing import Any

from platformxe.tfplugin._generated import tfplugin6_pb2 as pb
from platformxe.tfplugin.convert.common import decode_value, diagnostics_to_pb
from platformxe.tfplugin.convert.resources import check_known, encode_or_report
from platformxe.tfplugin.diagnostics import Diagnostics
from platformxe.tfplugin.framework import DataReadRequest, State, ValidateRequest
from platformxe.tfplugin.schema import Schema


def validate_request(msg: pb.ValidateDataResourceConfig.Request, schema: Schema) -> ValidateRequest:
    """ValidateDataResourceConfig request -> framework request."""
    return ValidateRequest(type_name=msg.type_name, config=decode_value(msg.config, schema.cty_type) or {})


def validate_response(diagnostics: Diagnostics) -> pb.ValidateDataResourceConfig.Response:
    """Diagnostics -> ValidateDataResourceConfig response."""
    return pb.ValidateDataResourceConfig.Response(diagnostics=diagnostics_to_pb(diagnostics))


def read_request(msg: pb.ReadDataSource.Request, schema: Schema, provider_data: Any) -> DataReadRequest:
    """ReadDataSource request -> framework request."""
    return DataReadRequest(
        type_name=msg.type_name,
        config=decode_value(msg.config, schema.cty_type) or {},
        provider_data=provider_data,
    )


def read_response(state: State | None, req: DataReadRequest, schema: Schema) -> pb.ReadDataSource.Response:
    """The data source's state -> ReadDataSource response."""
    diags = req.diagnostics
    resp = pb.ReadDataSource.Response()
    if state is not None and not diags.has_errors:
        check_known(state, schema, diags, "reading the data source")
        value = encode_or_report(state, schema.cty_type, diags, "data source state")
        if value is not None:
            resp.state.CopyFrom(value)
    resp.diagnostics.extend(diagnostics_to_pb(diags))
    return resp
