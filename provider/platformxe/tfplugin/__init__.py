"""platformxe.tfplugin: our own Terraform plugin protocol layer (tfplugin6 over grpcio).

It knows nothing about events. A provider subclasses :class:`Provider`, :class:`Resource`,
:class:`DataSource` and :class:`Function`, describes schemas with :class:`Schema` /
:class:`Attribute` / :class:`NestedBlock` and cty types (:data:`STRING`, :class:`List`, ...),
and calls :func:`serve` from its ``main``. Resources see plain Python values and
:data:`UNKNOWN`; only this package touches protobuf, gRPC and msgpack. See docs/tfplugin.md.

Importing this package is cheap, and its names resolve on first use: a plugin entry point
that only calls :func:`serve` prints its handshake before the framework, the provider's code,
protobuf and msgpack are imported (they load while Terraform connects).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
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

# Names resolve on first use (PEP 562): `import platformxe.tfplugin.server` for the handshake
# must not pay for the framework's dataclasses; provider code importing a name does.
_EXPORTS = {
    "ApplyRequest": "platformxe.tfplugin.framework",
    "Attribute": "platformxe.tfplugin.schema",
    "BOOL": "platformxe.tfplugin.cty",
    "Block": "platformxe.tfplugin.schema",
    "ConfigureRequest": "platformxe.tfplugin.framework",
    "CtyType": "platformxe.tfplugin.cty",
    "DYNAMIC": "platformxe.tfplugin.cty",
    "DataReadRequest": "platformxe.tfplugin.framework",
    "DataSource": "platformxe.tfplugin.framework",
    "Diagnostic": "platformxe.tfplugin.diagnostics",
    "DiagnosticError": "platformxe.tfplugin.diagnostics",
    "Diagnostics": "platformxe.tfplugin.diagnostics",
    "ElementKey": "platformxe.tfplugin.diagnostics",
    "Function": "platformxe.tfplugin.framework",
    "FunctionError": "platformxe.tfplugin.framework",
    "IdentityAttribute": "platformxe.tfplugin.schema",
    "IdentitySchema": "platformxe.tfplugin.schema",
    "ImportRequest": "platformxe.tfplugin.framework",
    "List": "platformxe.tfplugin.cty",
    "Map": "platformxe.tfplugin.cty",
    "NUMBER": "platformxe.tfplugin.cty",
    "NestedBlock": "platformxe.tfplugin.schema",
    "Nesting": "platformxe.tfplugin.schema",
    "Object": "platformxe.tfplugin.cty",
    "Parameter": "platformxe.tfplugin.schema",
    "PlanRequest": "platformxe.tfplugin.framework",
    "Provider": "platformxe.tfplugin.framework",
    "ReadRequest": "platformxe.tfplugin.framework",
    "Resource": "platformxe.tfplugin.framework",
    "STRING": "platformxe.tfplugin.cty",
    "Schema": "platformxe.tfplugin.schema",
    "SchemaError": "platformxe.tfplugin.schema",
    "Set": "platformxe.tfplugin.cty",
    "Severity": "platformxe.tfplugin.diagnostics",
    "Tuple": "platformxe.tfplugin.cty",
    "UNKNOWN": "platformxe.tfplugin.cty",
    "UpgradeRequest": "platformxe.tfplugin.framework",
    "ValidateRequest": "platformxe.tfplugin.framework",
    "is_known": "platformxe.tfplugin.cty",
    "is_unknown": "platformxe.tfplugin.cty",
    "with_type": "platformxe.tfplugin.cty",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'platformxe.tfplugin' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


def serve(
    provider: Provider | type[Provider] | Callable[[], Provider],
    *,
    type_name: str = "",
    source: str = "",
    env: Mapping[str, str] | None = None,
) -> NoReturn:
    """Run ``provider`` as a Terraform plugin until Terraform shuts it down (exits the process).

    See :func:`platformxe.tfplugin.server.serve`. Pass a Provider class or a factory that
    imports the provider module, so that loading it happens after the handshake.
    """
    # deferred: grpc (~55 ms, bench/deferred_imports.py) loads only to serve; a provider's
    # modules import this package for the framework types alone
    from platformxe.tfplugin.server import serve as _serve

    _serve(provider, type_name=type_name, source=source, env=env)
