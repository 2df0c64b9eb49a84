"""platformxe.tfplugin: our own Terraform plugin protocol layer (tfplugin6 over grpcio).

It knows nothing about events. A provider subclasses :class:`Provider`, :class:`Resource`,
:class:`DataSource` and :class:`Function`, describes schemas with :class:`Schema` /
:class:`Attribute` / :class:`NestedBlock` and cty types (:data:`STRING`, :class:`List`, ...),
and calls :func:`serve` from its ``main``. Resources see plain Python values and
:data:`UNKNOWN`; only this package touches protobuf, gRPC and msgpack. See docs/tfplugin.md.

Importing this package is cheap: gRPC, protobuf, msgpack and cryptography are imported by
:func:`serve` and by the first RPC, not here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NoReturn

from platformxe.tfplugin.cty import (
    BOOL,
    DYNAMIC,
    NUMBER,
    STRING,
    UNKNOWN,
    CtyType,
    List,
    Map,
    Object,
    Set,
    Tuple,
    is_known,
    is_unknown,
    with_type,
)
from platformxe.tfplugin.diagnostics import (
    Diagnostic,
    DiagnosticError,
    Diagnostics,
    ElementKey,
    Severity,
)
from platformxe.tfplugin.framework import (
    ApplyRequest,
    ConfigureRequest,
    DataReadRequest,
    DataSource,
    Function,
    FunctionError,
    ImportRequest,
    PlanRequest,
    Provider,
    ReadRequest,
    Resource,
    UpgradeRequest,
    ValidateRequest,
)
from platformxe.tfplugin.schema import (
    Attribute,
    Block,
    IdentityAttribute,
    IdentitySchema,
    NestedBlock,
    Nesting,
    Parameter,
    Schema,
    SchemaError,
)

__all__ = [
    "BOOL",
    "DYNAMIC",
    "NUMBER",
    "STRING",
    "UNKNOWN",
    "ApplyRequest",
    "Attribute",
    "Block",
    "ConfigureRequest",
    "CtyType",
    "DataReadRequest",
    "DataSource",
    "Diagnostic",
    "DiagnosticError",
    "Diagnostics",
    "ElementKey",
    "Function",
    "FunctionError",
    "IdentityAttribute",
    "IdentitySchema",
    "ImportRequest",
    "List",
    "Map",
    "NestedBlock",
    "Nesting",
    "Object",
    "Parameter",
    "PlanRequest",
    "Provider",
    "ReadRequest",
    "Resource",
    "Schema",
    "SchemaError",
    "Set",
    "Severity",
    "Tuple",
    "UpgradeRequest",
    "ValidateRequest",
    "is_known",
    "is_unknown",
    "serve",
    "with_type",
]


def serve(provider: Provider | Callable[[], Provider], *, env: Mapping[str, str] | None = None) -> NoReturn:
    """Run ``provider`` as a Terraform plugin until Terraform shuts it down (exits the process).

    See :func:`platformxe.tfplugin.server.serve`.
    """
    from platformxe.tfplugin.server import serve as _serve

    _serve(provider, env=env)
