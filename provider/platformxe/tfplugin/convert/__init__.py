"""Pure converters between protobuf messages and the framework's plain values, one module per RPC family.

``common`` (values, diagnostics, paths, identity data), ``schemas`` (GetMetadata,
GetProviderSchema, GetResourceIdentitySchemas, GetFunctions), ``resources`` (managed
resource RPCs), ``data_sources``, ``functions``. They import the generated stubs; nothing
outside ``platformxe.tfplugin`` sees a protobuf type.
"""
