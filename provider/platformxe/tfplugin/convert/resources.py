"""Managed-resource RPCs: protobuf requests -> framework requests, framework results -> responses."""

from __future__ import annotations

from typing import Any

from platformxe.tfplugin._generated import tfplugin6_pb2 as pb
from platformxe.tfplugin.codec import CodecError
from platformxe.tfplugin.convert.common import (
    decode_identity,
    decode_value,
    diagnostics_to_pb,
    encode_identity,
    encode_value,
    path_to_pb,
)
from platformxe.tfplugin.cty import DYNAMIC, UNKNOWN, CtyType, List, Map, Object, Set, Tuple
from platformxe.tfplugin.diagnostics import AttributePath, Diagnostics, ElementKey
from platformxe.tfplugin.framework import ApplyRequest, ImportRequest, ReadRequest, State, ValidateRequest
from platformxe.tfplugin.plan import PlanOutcome
from platformxe.tfplugin.schema import IdentitySchema, Schema


def first_unknown(value: Any, cty_type: CtyType, path: AttributePath = ()) -> AttributePath | None:
    """Path of the first UNKNOWN inside ``value`` (``()`` for the value itself), else None."""
    if value is UNKNOWN:
        return path
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(cty_type, Object):
                found = first_unknown(item, cty_type.attributes.get(key, DYNAMIC), (*path, key))
            else:
                element = cty_type.element if isinstance(cty_type, Map) else DYNAMIC
                found = first_unknown(item, element, (*path, ElementKey(key)))
            if found is not None:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(cty_type, Tuple) and i < len(cty_type.elements):
                element = cty_type.elements[i]
            else:
                element = cty_type.element if isinstance(cty_type, (List, Set)) else DYNAMIC
            found = first_unknown(item, element, (*path, i))
            if found is not None:
                return found
    return None


def encode_or_report(
    value: Any, cty_type: CtyType, diagnostics: Diagnostics, what: str
) -> pb.DynamicValue | None:
    """Encode a value for a response; a mismatch with the schema becomes an error diagnostic."""
    try:
        return encode_value(value, cty_type)
    except CodecError as exc:
        diagnostics.error(
            f"Provider produced an invalid {what}",
            f"{exc}. This is a bug in the provider; please report it.",
            exc.path,
        )
        return None


def check_known(state: State | None, schema: Schema, diagnostics: Diagnostics, operation: str) -> None:
    """Terraform rejects unknown values after apply/read: say which attribute instead."""
    if state is None:
        return
    path = first_unknown(state, schema.cty_type)
    if path is not None:
        diagnostics.error(
            f"Provider left an unknown value after {operation}",
            "Every attribute must have a known value (or null) once the operation is done. "
            "This is a bug in the provider; please report it.",
            path,
        )


# --- ValidateResourceConfig ------------------------------------------------------------------


def validate_request(msg: pb.ValidateResourceConfig.Request, schema: Schema) -> ValidateRequest:
    """ValidateResourceConfig request -> framework request."""
    return ValidateRequest(type_name=msg.type_name, config=decode_value(msg.config, schema.cty_type) or {})


def validate_response(diagnostics: Diagnostics) -> pb.ValidateResourceConfig.Response:
    """Framework diagnostics -> ValidateResourceConfig response."""
    return pb.ValidateResourceConfig.Response(diagnostics=diagnostics_to_pb(diagnostics))


# --- ReadResource ----------------------------------------------------------------------------


def read_request(
    msg: pb.ReadResource.Request, schema: Schema, identity: IdentitySchema | None, provider_data: Any
) -> ReadRequest:
    """ReadResource request -> framework request."""
    return ReadRequest(
        type_name=msg.type_name,
        state=decode_value(msg.current_state, schema.cty_type),
        private=msg.private,
        identity=decode_identity(msg.current_identity, identity),
        provider_data=provider_data,
    )


def read_response(
    new_state: State | None, req: ReadRequest, schema: Schema, identity: IdentitySchema | None
) -> pb.ReadResource.Response:
    """The refreshed state (null = gone), private state and identity -> ReadResource response."""
    resp = pb.ReadResource.Response(private=req.private)
    _fill_state_response(resp, new_state, req, schema, identity, "read")
    return resp


def _fill_state_response(
    resp: Any,
    new_state: State | None,
    req: ReadRequest | ApplyRequest,
    schema: Schema,
    identity: IdentitySchema | None,
    doing: str,
) -> None:
    """Shared tail of Read and Apply answers: the new state, its identity and the diagnostics."""
    diags = req.diagnostics
    check_known(new_state, schema, diags, doing)
    value = encode_or_report(new_state, schema.cty_type, diags, f"state after {doing}")
    if value is not None:
        resp.new_state.CopyFrom(value)
    if new_state is not None:
        _set_identity(resp.new_identity, req.identity, identity, diags)
    resp.diagnostics.extend(diagnostics_to_pb(diags))


# --- PlanResourceChange ----------------------------------------------------------------------


def plan_inputs(
    msg: pb.PlanResourceChange.Request, schema: Schema, identity: IdentitySchema | None
) -> dict[str, Any]:
    """The decoded values the plan pipeline needs."""
    typ = schema.cty_type
    return {
        "config": decode_value(msg.config, typ),
        "prior": decode_value(msg.prior_state, typ),
        "proposed": decode_value(msg.proposed_new_state, typ),
        "prior_private": msg.prior_private,
        "prior_identity": decode_identity(msg.prior_identity, identity),
    }


def plan_response(
    outcome: PlanOutcome, schema: Schema, identity: IdentitySchema | None
) -> pb.PlanResourceChange.Response:
    """Pipeline outcome -> PlanResourceChange response."""
    diags = outcome.diagnostics
    resp = pb.PlanResourceChange.Response(
        planned_private=outcome.private,
        requires_replace=[path_to_pb(p) for p in outcome.requires_replace],
    )
    value = encode_or_report(outcome.planned, schema.cty_type, diags, "plan")
    if value is not None:
        resp.planned_state.CopyFrom(value)
    if outcome.planned is not None:
        _set_identity(resp.planned_identity, outcome.identity, identity, diags)
    resp.diagnostics.extend(diagnostics_to_pb(diags))
    return resp


# --- ApplyResourceChange ---------------------------------------------------------------------


def apply_request(
    msg: pb.ApplyResourceChange.Request, schema: Schema, identity: IdentitySchema | None, provider_data: Any
) -> ApplyRequest:
    """ApplyResourceChange request -> framework request."""
    typ = schema.cty_type
    return ApplyRequest(
        type_name=msg.type_name,
        config=decode_value(msg.config, typ),
        prior=decode_value(msg.prior_state, typ),
        planned=decode_value(msg.planned_state, typ),
        private=msg.planned_private,
        identity=decode_identity(msg.planned_identity, identity),
        provider_data=provider_data,
    )


def apply_response(
    new_state: State | None, req: ApplyRequest, schema: Schema, identity: IdentitySchema | None
) -> pb.ApplyResourceChange.Response:
    """New state (null after delete), private state and identity -> ApplyResourceChange response."""
    resp = pb.ApplyResourceChange.Response(private=req.private)
    _fill_state_response(resp, new_state, req, schema, identity, "apply")
    return resp


# --- ImportResourceState ---------------------------------------------------------------------


def import_request(
    msg: pb.ImportResourceState.Request, identity: IdentitySchema | None, provider_data: Any
) -> ImportRequest:
    """ImportResourceState request -> framework request (by ID or by identity)."""
    return ImportRequest(
        type_name=msg.type_name,
        id=msg.id,
        identity=decode_identity(msg.identity, identity),
        provider_data=provider_data,
    )


def import_response(
    state: State | None, req: ImportRequest, schema: Schema, identity: IdentitySchema | None
) -> pb.ImportResourceState.Response:
    """The imported state -> ImportResourceState response with one imported resource."""
    diags = req.diagnostics
    resp = pb.ImportResourceState.Response()
    if state is not None and not diags.has_errors:
        value = encode_or_report(state, schema.cty_type, diags, "imported state")
        if value is not None:
            item = pb.ImportResourceState.ImportedResource(
                type_name=req.type_name, state=value, private=req.private
            )
            _set_identity(item.identity, req.identity, identity, diags)
            resp.imported_resources.append(item)
    resp.diagnostics.extend(diagnostics_to_pb(diags))
    return resp


# --- UpgradeResourceState / UpgradeResourceIdentity ------------------------------------------


def raw_json(raw: pb.RawState, diagnostics: Diagnostics, what: str) -> bytes | None:
    """The JSON of a stored state, or None (with an error) for the pre-0.12 flatmap format."""
    if raw.json:
        return raw.json
    if raw.flatmap:
        diagnostics.error(
            f"Unsupported {what} format",
            "The stored value uses the flatmap format of Terraform 0.11 and older, which this provider "
            "cannot read. Remove the resource from state and import it again.",
        )
    return None


def upgrade_response(
    value: State | None, schema: Schema, diagnostics: Diagnostics
) -> pb.UpgradeResourceState.Response:
    """Upgraded state -> UpgradeResourceState response."""
    resp = pb.UpgradeResourceState.Response()
    if value is not None and not diagnostics.has_errors:
        encoded = encode_or_report(value, schema.cty_type, diagnostics, "upgraded state")
        if encoded is not None:
            resp.upgraded_state.CopyFrom(encoded)
    resp.diagnostics.extend(diagnostics_to_pb(diagnostics))
    return resp


def upgrade_identity_response(
    value: State | None, schema: IdentitySchema, diagnostics: Diagnostics
) -> pb.UpgradeResourceIdentity.Response:
    """Upgraded identity -> UpgradeResourceIdentity response."""
    resp = pb.UpgradeResourceIdentity.Response()
    if value is not None and not diagnostics.has_errors:
        _set_identity(resp.upgraded_identity, value, schema, diagnostics)
    resp.diagnostics.extend(diagnostics_to_pb(diagnostics))
    return resp


def _set_identity(
    target: pb.ResourceIdentityData,
    value: State | None,
    schema: IdentitySchema | None,
    diagnostics: Diagnostics,
) -> None:
    try:
        data = encode_identity(value, schema)
    except CodecError as exc:
        diagnostics.error("Provider produced an invalid resource identity", str(exc))
        return
    if data is not None:
        target.CopyFrom(data)
