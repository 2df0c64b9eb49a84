"""Values, diagnostics, attribute paths and identity data <-> protobuf."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from platformxe.tfplugin._generated import tfplugin6_pb2 as pb
from platformxe.tfplugin.codec import decode_json, decode_msgpack, encode_msgpack
from platformxe.tfplugin.cty import CtyType
from platformxe.tfplugin.diagnostics import AttributePath, Diagnostic, ElementKey, Severity
from platformxe.tfplugin.schema import IdentitySchema


def decode_value(value: pb.DynamicValue, cty_type: CtyType) -> Any:
    """A DynamicValue as plain Python; an empty message (field not sent) is null."""
    if value.msgpack:
        return decode_msgpack(value.msgpack, cty_type)
    if value.json:
        return decode_json(value.json, cty_type)
    return None


def encode_value(value: Any, cty_type: CtyType) -> pb.DynamicValue:
    """Plain Python as a msgpack DynamicValue (``CodecError`` when it does not fit the type)."""
    return pb.DynamicValue(msgpack=encode_msgpack(value, cty_type))


def path_to_pb(path: AttributePath) -> pb.AttributePath:
    """Framework path -> protobuf steps."""
    steps = []
    for step in path:
        if isinstance(step, ElementKey):
            steps.append(pb.AttributePath.Step(element_key_string=step.key))
        elif isinstance(step, int):
            steps.append(pb.AttributePath.Step(element_key_int=step))
        else:
            steps.append(pb.AttributePath.Step(attribute_name=step))
    return pb.AttributePath(steps=steps)


def path_from_pb(path: pb.AttributePath) -> AttributePath:
    """Protobuf steps -> framework path."""
    out: list[str | int | ElementKey] = []
    for step in path.steps:
        which = step.WhichOneof("selector")
        if which == "attribute_name":
            out.append(step.attribute_name)
        elif which == "element_key_string":
            out.append(ElementKey(step.element_key_string))
        elif which == "element_key_int":
            out.append(step.element_key_int)
    return tuple(out)


def diagnostics_to_pb(diagnostics: Iterable[Diagnostic]) -> list[pb.Diagnostic]:
    """Framework diagnostics -> protobuf diagnostics (path only when there is one; the code, which
    the protocol has no field for, shown after the summary)."""
    out = []
    for d in diagnostics:
        severity = pb.Diagnostic.ERROR if d.severity is Severity.ERROR else pb.Diagnostic.WARNING
        msg = pb.Diagnostic(severity=severity, summary=d.shown_summary, detail=d.detail)
        if d.path:
            msg.attribute.CopyFrom(path_to_pb(d.path))
        out.append(msg)
    return out


def decode_identity(data: pb.ResourceIdentityData, schema: IdentitySchema | None) -> dict[str, Any] | None:
    """Identity data sent by Terraform, or None when absent or the resource has no identity."""
    if schema is None or not data.HasField("identity_data"):
        return None
    value = decode_value(data.identity_data, schema.cty_type)
    return value if isinstance(value, dict) else None


def encode_identity(
    identity: dict[str, Any] | None, schema: IdentitySchema | None
) -> pb.ResourceIdentityData | None:
    """Identity data for a response, or None when there is nothing to send."""
    if schema is None or identity is None:
        return None
    return pb.ResourceIdentityData(identity_data=encode_value(identity, schema.cty_type))
