"""Schemas, identity schemas and function signatures -> protobuf (GetProviderSchema and friends)."""

from __future__ import annotations

from platformxe.tfplugin._generated import tfplugin6_pb2 as pb
from platformxe.tfplugin.framework import Function
from platformxe.tfplugin.schema import Attribute, Block, IdentitySchema, NestedBlock, Parameter, Schema


def _kind(kind: str) -> str:
    return "MARKDOWN" if kind == "markdown" else "PLAIN"


def attribute_to_pb(name: str, attr: Attribute) -> pb.Schema.Attribute:
    """One attribute; ``deprecated`` is set whenever a deprecation message is."""
    return pb.Schema.Attribute(
        name=name,
        type=attr.type.type_json(),
        description=attr.description,
        description_kind=_kind(attr.description_kind),
        required=attr.required,
        optional=attr.optional,
        computed=attr.computed,
        sensitive=attr.sensitive,
        write_only=attr.write_only,
        deprecated=bool(attr.deprecation_message),
        deprecation_message=attr.deprecation_message,
    )


def block_to_pb(block: Block, version: int = 0) -> pb.Schema.Block:
    """A block with its attributes and nested blocks, sorted by name for a stable schema."""
    return pb.Schema.Block(
        version=version,
        attributes=[attribute_to_pb(n, block.attributes[n]) for n in sorted(block.attributes)],
        block_types=[nested_block_to_pb(n, block.blocks[n]) for n in sorted(block.blocks)],
        description=block.description,
        description_kind=_kind(block.description_kind),
        deprecated=bool(block.deprecation_message),
        deprecation_message=block.deprecation_message,
    )


def nested_block_to_pb(name: str, block: NestedBlock) -> pb.Schema.NestedBlock:
    """A nested block type with its nesting mode and item limits."""
    return pb.Schema.NestedBlock(
        type_name=name,
        block=block_to_pb(block),
        nesting=block.nesting.name,
        min_items=block.min_items,
        max_items=block.max_items,
    )


def schema_to_pb(schema: Schema) -> pb.Schema:
    """A top-level schema with its version."""
    return pb.Schema(version=schema.version, block=block_to_pb(schema, schema.version))


def identity_schema_to_pb(schema: IdentitySchema) -> pb.ResourceIdentitySchema:
    """A resource identity schema."""
    return pb.ResourceIdentitySchema(
        version=schema.version,
        identity_attributes=[
            pb.ResourceIdentitySchema.IdentityAttribute(
                name=name,
                type=attr.type.type_json(),
                required_for_import=attr.required_for_import,
                optional_for_import=attr.optional_for_import,
                description=attr.description,
            )
            for name, attr in sorted(schema.attributes.items())
        ],
    )


def parameter_to_pb(param: Parameter) -> pb.Function.Parameter:
    """One function parameter."""
    return pb.Function.Parameter(
        name=param.name,
        type=param.type.type_json(),
        allow_null_value=param.allow_null,
        allow_unknown_values=param.allow_unknown,
        description=param.description,
        description_kind=_kind(param.description_kind),
    )


def function_to_pb(function: Function) -> pb.Function:
    """A function signature with its documentation."""
    if function.return_type is None:
        raise ValueError(f"function {function.name!r} has no return_type")
    msg = pb.Function(
        parameters=[parameter_to_pb(p) for p in function.parameters],
        summary=function.summary,
        description=function.description,
        description_kind="MARKDOWN",
        deprecation_message=function.deprecation_message,
    )
    getattr(msg, "return").type = function.return_type.type_json()
    if function.variadic is not None:
        msg.variadic_parameter.CopyFrom(parameter_to_pb(function.variadic))
    return msg


def metadata_response(
    resources: list[str], data_sources: list[str], functions: list[str]
) -> pb.GetMetadata.Response:
    """Type names and capabilities, without building schemas.

    ``get_provider_schema_optional`` lets Terraform reuse the schema it already fetched from
    another process of this provider instead of asking every process again.
    """
    return pb.GetMetadata.Response(
        server_capabilities=pb.ServerCapabilities(get_provider_schema_optional=True),
        resources=[pb.GetMetadata.ResourceMetadata(type_name=n) for n in resources],
        data_sources=[pb.GetMetadata.DataSourceMetadata(type_name=n) for n in data_sources],
        functions=[pb.GetMetadata.FunctionMetadata(name=n) for n in functions],
    )


def provider_schema_response(
    provider: Schema,
    resources: dict[str, Schema],
    data_sources: dict[str, Schema],
    functions: dict[str, Function],
) -> pb.GetProviderSchema.Response:
    """Every schema the provider serves -> GetProviderSchema response."""
    return pb.GetProviderSchema.Response(
        provider=schema_to_pb(provider),
        resource_schemas={n: schema_to_pb(s) for n, s in resources.items()},
        data_source_schemas={n: schema_to_pb(s) for n, s in data_sources.items()},
        functions={n: function_to_pb(f) for n, f in functions.items()},
        server_capabilities=pb.ServerCapabilities(get_provider_schema_optional=True),
    )


def identity_schemas_response(schemas: dict[str, IdentitySchema]) -> pb.GetResourceIdentitySchemas.Response:
    """Identity schemas of the resources that have one."""
    return pb.GetResourceIdentitySchemas.Response(
        identity_schemas={n: identity_schema_to_pb(s) for n, s in schemas.items()}
    )
