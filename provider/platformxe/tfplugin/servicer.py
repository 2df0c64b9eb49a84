"""The tfplugin6.Provider gRPC methods: convert the request, call the provider, convert the answer.

Protocol rules live here and in ``convert``/``plan``, never in provider code. Every method is
wrapped so that an exception anywhere (decoding, provider code, encoding) is answered as an
error diagnostic of that RPC's response, never as a gRPC error.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from platformxe.tfplugin._generated import tfplugin6_pb2 as pb
from platformxe.tfplugin.codec import decode_json
from platformxe.tfplugin.convert import data_sources as ds_convert
from platformxe.tfplugin.convert import functions as fn_convert
from platformxe.tfplugin.convert import resources as rs_convert
from platformxe.tfplugin.convert import schemas as schema_convert
from platformxe.tfplugin.convert.common import decode_value, diagnostics_to_pb
from platformxe.tfplugin.diagnostics import Diagnostics
from platformxe.tfplugin.framework import (
    ConfigureRequest,
    DataSource,
    Function,
    FunctionError,
    Provider,
    Resource,
    UpgradeRequest,
    ValidateRequest,
)
from platformxe.tfplugin.guard import FAILED, run_guarded
from platformxe.tfplugin.plan import describe_paths, plan_resource_change
from platformxe.tfplugin.schema import IdentitySchema, Schema

log = logging.getLogger("platformxe.tfplugin")
R = TypeVar("R")


@dataclass
class Catalog:
    """Everything the provider serves, with schemas built once per process."""

    provider_schema: Schema
    resources: dict[str, Resource]
    resource_schemas: dict[str, Schema]
    identity_schemas: dict[str, IdentitySchema]
    data_sources: dict[str, DataSource]
    data_source_schemas: dict[str, Schema]
    functions: dict[str, Function]

    @classmethod
    def build(cls, provider: Provider) -> Catalog:
        """Ask the provider for its types and their schemas."""
        resources = {r.type_name: r for r in provider.resources()}
        data_sources = {d.type_name: d for d in provider.data_sources()}
        identity = {}
        for name, resource in resources.items():
            schema = resource.identity_schema()
            if schema is not None:
                identity[name] = schema
        return cls(
            provider_schema=provider.schema(),
            resources=resources,
            resource_schemas={n: r.schema() for n, r in resources.items()},
            identity_schemas=identity,
            data_sources=data_sources,
            data_source_schemas={n: d.schema() for n, d in data_sources.items()},
            functions={f.name: f for f in provider.functions()},
        )


def _rpc(response: Callable[..., Any]) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Wrap an RPC method: log it, and answer any exception as an error diagnostic."""

    def decorate(method: Callable[..., R]) -> Callable[..., R]:
        name = method.__name__

        @functools.wraps(method)
        def wrapper(self: ProviderServicer, request: Any, context: Any = None) -> R:
            started = time.perf_counter()
            type_name = getattr(request, "type_name", "") or getattr(request, "name", "")
            log.debug("rpc started", extra={"tf": {"tf_rpc": name, "tf_type": type_name}})
            try:
                return method(self, request)
            except Exception as exc:
                diags = Diagnostics()
                diags.error(f"Provider error in {name}", f"{type(exc).__name__}: {exc}")
                log.error("rpc failed", extra={"tf": {"tf_rpc": name, "exception": type(exc).__name__}})
                return response(diagnostics=diagnostics_to_pb(diags))  # type: ignore[no-any-return]
            finally:
                elapsed = round((time.perf_counter() - started) * 1000, 2)
                log.debug(
                    "rpc finished",
                    extra={"tf": {"tf_rpc": name, "tf_type": type_name, "duration_ms": elapsed}},
                )

        return wrapper

    return decorate


def _without_write_only(state: Any, schema: Schema) -> Any:
    """Terraform never stores write-only attributes: they must come back null."""
    if not isinstance(state, dict):
        return state
    hidden = [
        name for name, attr in schema.attributes.items() if attr.write_only and state.get(name) is not None
    ]
    return {**state, **dict.fromkeys(hidden)} if hidden else state


class ProviderLoadError(RuntimeError):
    """The provider could not be created (an import or constructor failed)."""


class ProviderServicer:
    """Serves one :class:`Provider` over tfplugin6 (one instance per plugin process).

    ``provider`` may be a zero-argument factory: it is called once, on first use, so a plugin
    can print its handshake before importing the provider's code. If it fails, every RPC
    answers with an error diagnostic saying why.
    """

    def __init__(self, provider: Provider | Callable[[], Provider]) -> None:
        self._source = provider
        self._provider: Provider | None = provider if isinstance(provider, Provider) else None
        self._load_error: str | None = None
        self.provider_data: Any = None
        self.stop_requested = threading.Event()
        self._catalog: Catalog | None = None
        self._lock = threading.RLock()

    @property
    def provider(self) -> Provider:
        """The provider, created on first use."""
        if self._provider is None:
            with self._lock:
                if self._provider is None and self._load_error is None:
                    try:
                        made = self._source()  # type: ignore[operator]
                        if not isinstance(made, Provider):
                            raise TypeError(
                                f"the provider factory returned {type(made).__name__}, not a Provider"
                            )
                        self._provider = made
                    except Exception as exc:
                        self._load_error = f"{type(exc).__name__}: {exc}"
                        log.error("provider failed to load", extra={"tf": {"exception": type(exc).__name__}})
        if self._provider is None:
            raise ProviderLoadError(f"the provider failed to load ({self._load_error})")
        return self._provider

    @property
    def catalog(self) -> Catalog:
        """The provider's types and schemas, built on first use."""
        if self._catalog is None:
            with self._lock:
                if self._catalog is None:
                    self._catalog = Catalog.build(self.provider)
        return self._catalog

    def load(self) -> bool:
        """Create the provider and its schemas now; False (already logged) when that fails.

        A failure is not raised: every RPC then answers with an error diagnostic saying why.
        """
        try:
            return self.catalog is not None
        except Exception:
            return False

    def _resource(self, type_name: str) -> tuple[Resource, Schema, IdentitySchema | None]:
        cat = self.catalog
        if type_name not in cat.resources:
            raise KeyError(
                f"unknown resource type {type_name!r}; this provider serves {sorted(cat.resources)}"
            )
        return cat.resources[type_name], cat.resource_schemas[type_name], cat.identity_schemas.get(type_name)

    def _data_source(self, type_name: str) -> tuple[DataSource, Schema]:
        cat = self.catalog
        if type_name not in cat.data_sources:
            raise KeyError(
                f"unknown data source {type_name!r}; this provider serves {sorted(cat.data_sources)}"
            )
        return cat.data_sources[type_name], cat.data_source_schemas[type_name]

    # --- provider ------------------------------------------------------------------------

    @_rpc(pb.GetMetadata.Response)
    def GetMetadata(self, request: pb.GetMetadata.Request) -> pb.GetMetadata.Response:
        """Type names and server capabilities."""
        cat = self.catalog
        return schema_convert.metadata_response(
            sorted(cat.resources), sorted(cat.data_sources), sorted(cat.functions)
        )

    @_rpc(pb.GetProviderSchema.Response)
    def GetProviderSchema(self, request: pb.GetProviderSchema.Request) -> pb.GetProviderSchema.Response:
        """Every schema."""
        cat = self.catalog
        return schema_convert.provider_schema_response(
            cat.provider_schema, cat.resource_schemas, cat.data_source_schemas, cat.functions
        )

    @_rpc(pb.GetResourceIdentitySchemas.Response)
    def GetResourceIdentitySchemas(
        self, request: pb.GetResourceIdentitySchemas.Request
    ) -> pb.GetResourceIdentitySchemas.Response:
        """Identity schemas of the resources that define one."""
        return schema_convert.identity_schemas_response(self.catalog.identity_schemas)

    @_rpc(pb.ValidateProviderConfig.Response)
    def ValidateProviderConfig(
        self, request: pb.ValidateProviderConfig.Request
    ) -> pb.ValidateProviderConfig.Response:
        """Provider.validate_config."""
        config = decode_value(request.config, self.catalog.provider_schema.cty_type) or {}
        req = ValidateRequest(type_name=self.provider.type_name, config=config)
        run_guarded(req.diagnostics, self.provider.type_name, "validate", self.provider.validate_config, req)
        return pb.ValidateProviderConfig.Response(diagnostics=diagnostics_to_pb(req.diagnostics))

    @_rpc(pb.ConfigureProvider.Response)
    def ConfigureProvider(self, request: pb.ConfigureProvider.Request) -> pb.ConfigureProvider.Response:
        """Provider.configure; its return value becomes ``provider_data`` of later requests.

        Each Terraform walk configures its provider anew; a server that serves several walks
        (reattach mode) starts each one fresh: no stop request and no provider data carry over.
        """
        self.stop_requested.clear()
        self.provider_data = None
        config = decode_value(request.config, self.catalog.provider_schema.cty_type) or {}
        req = ConfigureRequest(config=config, terraform_version=request.terraform_version)
        data = run_guarded(
            req.diagnostics, self.provider.type_name, "configure", self.provider.configure, req
        )
        if data is not FAILED:
            self.provider_data = data
        return pb.ConfigureProvider.Response(diagnostics=diagnostics_to_pb(req.diagnostics))

    @_rpc(pb.StopProvider.Response)
    def StopProvider(self, request: pb.StopProvider.Request) -> pb.StopProvider.Response:
        """Terraform was interrupted: flag it, tell the provider (``Provider.stop``), answer at once."""
        self.stop_requested.set()
        diags = Diagnostics()
        run_guarded(diags, self.provider.type_name, "stop", self.provider.stop)
        return pb.StopProvider.Response(Error="; ".join(d.shown_summary + ": " + d.detail for d in diags))

    # --- managed resources ---------------------------------------------------------------

    @_rpc(pb.ValidateResourceConfig.Response)
    def ValidateResourceConfig(
        self, request: pb.ValidateResourceConfig.Request
    ) -> pb.ValidateResourceConfig.Response:
        """Resource.validate_config."""
        resource, schema, _ = self._resource(request.type_name)
        req = rs_convert.validate_request(request, schema)
        run_guarded(req.diagnostics, request.type_name, "validate", resource.validate_config, req)
        return rs_convert.validate_response(req.diagnostics)

    @_rpc(pb.UpgradeResourceState.Response)
    def UpgradeResourceState(
        self, request: pb.UpgradeResourceState.Request
    ) -> pb.UpgradeResourceState.Response:
        """Re-express stored state in the current schema (Resource.upgrade_state for older versions)."""
        resource, schema, _ = self._resource(request.type_name)
        diags = Diagnostics()
        raw = rs_convert.raw_json(request.raw_state, diags, "state")
        value: Any = None
        if raw is None:
            pass
        elif request.version == schema.version:
            # Attributes removed from the schema without a version bump are dropped, not fatal.
            value = decode_json(raw, schema.cty_type, ignore_undefined_attributes=True)
        elif request.version > schema.version:
            diags.error(
                "State written by a newer provider",
                f"The state of this {request.type_name} has schema version {request.version}, but this "
                f"provider only knows versions up to {schema.version}. Upgrade the provider.",
            )
        else:
            req = UpgradeRequest(request.type_name, request.version, json.loads(raw), diags)
            value = run_guarded(diags, request.type_name, "upgrade_state", resource.upgrade_state, req)
        return rs_convert.upgrade_response(None if value is FAILED else value, schema, diags)

    @_rpc(pb.UpgradeResourceIdentity.Response)
    def UpgradeResourceIdentity(
        self, request: pb.UpgradeResourceIdentity.Request
    ) -> pb.UpgradeResourceIdentity.Response:
        """Re-express stored identity data in the current identity schema."""
        resource, _, identity = self._resource(request.type_name)
        diags = Diagnostics()
        if identity is None:
            diags.error(
                "Resource has no identity", f"{request.type_name} does not define a resource identity."
            )
            return pb.UpgradeResourceIdentity.Response(diagnostics=diagnostics_to_pb(diags))
        raw = rs_convert.raw_json(request.raw_identity, diags, "identity")
        value: Any = None
        if raw is not None and request.version == identity.version:
            value = decode_json(raw, identity.cty_type, ignore_undefined_attributes=True)
        elif raw is not None:
            req = UpgradeRequest(request.type_name, request.version, json.loads(raw), diags)
            value = run_guarded(diags, request.type_name, "upgrade_identity", resource.upgrade_identity, req)
        return rs_convert.upgrade_identity_response(None if value is FAILED else value, identity, diags)

    @_rpc(pb.ReadResource.Response)
    def ReadResource(self, request: pb.ReadResource.Request) -> pb.ReadResource.Response:
        """Resource.read (refresh); a None result tells Terraform the object is gone."""
        resource, schema, identity = self._resource(request.type_name)
        req = rs_convert.read_request(request, schema, identity, self.provider_data)
        new_state = run_guarded(req.diagnostics, request.type_name, "read", resource.read, req)
        if new_state is FAILED:
            new_state = req.state
        if new_state is not None and identity is not None and req.identity is None:
            req.identity = resource.identity_from_state(new_state)
        return rs_convert.read_response(_without_write_only(new_state, schema), req, schema, identity)

    @_rpc(pb.PlanResourceChange.Response)
    def PlanResourceChange(self, request: pb.PlanResourceChange.Request) -> pb.PlanResourceChange.Response:
        """The plan pipeline of :mod:`platformxe.tfplugin.plan`."""
        resource, schema, identity = self._resource(request.type_name)
        inputs = rs_convert.plan_inputs(request, schema, identity)
        outcome = plan_resource_change(resource, schema, provider_data=self.provider_data, **inputs)
        if outcome.requires_replace:
            log.debug(
                "plan requires replacement",
                extra={
                    "tf": {"tf_type": request.type_name, "paths": describe_paths(outcome.requires_replace)}
                },
            )
        return rs_convert.plan_response(outcome, schema, identity)

    @_rpc(pb.ApplyResourceChange.Response)
    def ApplyResourceChange(self, request: pb.ApplyResourceChange.Request) -> pb.ApplyResourceChange.Response:
        """Resource.create / update / delete, chosen from which of prior and planned are null."""
        resource, schema, identity = self._resource(request.type_name)
        req = rs_convert.apply_request(request, schema, identity, self.provider_data)
        if req.planned is None:
            result = run_guarded(req.diagnostics, request.type_name, "delete", resource.delete, req)
            new_state = req.prior if result is FAILED else None
        elif req.prior is None:
            new_state = run_guarded(req.diagnostics, request.type_name, "create", resource.create, req)
            new_state = None if new_state is FAILED else new_state
        else:
            new_state = run_guarded(req.diagnostics, request.type_name, "update", resource.update, req)
            new_state = req.prior if new_state is FAILED else new_state
        if new_state is not None and identity is not None and req.identity is None:
            req.identity = resource.identity_from_state(new_state)
        return rs_convert.apply_response(_without_write_only(new_state, schema), req, schema, identity)

    @_rpc(pb.ImportResourceState.Response)
    def ImportResourceState(self, request: pb.ImportResourceState.Request) -> pb.ImportResourceState.Response:
        """Resource.import_state; Terraform reads the imported object afterwards."""
        resource, schema, identity = self._resource(request.type_name)
        req = rs_convert.import_request(request, identity, self.provider_data)
        state = run_guarded(req.diagnostics, request.type_name, "import", resource.import_state, req)
        if state is FAILED:
            state = None
        if state is not None and identity is not None and req.identity is None:
            req.identity = resource.identity_from_state(state)
        return rs_convert.import_response(state, req, schema, identity)

    # --- data sources --------------------------------------------------------------------

    @_rpc(pb.ValidateDataResourceConfig.Response)
    def ValidateDataResourceConfig(
        self, request: pb.ValidateDataResourceConfig.Request
    ) -> pb.ValidateDataResourceConfig.Response:
        """DataSource.validate_config."""
        source, schema = self._data_source(request.type_name)
        req = ds_convert.validate_request(request, schema)
        run_guarded(req.diagnostics, request.type_name, "validate", source.validate_config, req)
        return ds_convert.validate_response(req.diagnostics)

    @_rpc(pb.ReadDataSource.Response)
    def ReadDataSource(self, request: pb.ReadDataSource.Request) -> pb.ReadDataSource.Response:
        """DataSource.read."""
        source, schema = self._data_source(request.type_name)
        req = ds_convert.read_request(request, schema, self.provider_data)
        state = run_guarded(req.diagnostics, request.type_name, "read", source.read, req)
        return ds_convert.read_response(None if state is FAILED else state, req, schema)

    # --- functions -----------------------------------------------------------------------

    @_rpc(pb.GetFunctions.Response)
    def GetFunctions(self, request: pb.GetFunctions.Request) -> pb.GetFunctions.Response:
        """Every function signature."""
        return fn_convert.functions_response(self.catalog.functions, Diagnostics())

    def CallFunction(self, request: pb.CallFunction.Request, context: Any = None) -> pb.CallFunction.Response:
        """Function.call; every failure is a FunctionError (CallFunction has no diagnostics)."""
        function = self.catalog.functions.get(request.name)
        if function is None:
            return fn_convert.error_response(FunctionError(f"unknown function {request.name!r}"))
        try:
            args = fn_convert.call_arguments(request, function)
            return fn_convert.call_response(function.call(args), function)
        except FunctionError as exc:
            return fn_convert.error_response(exc)
        except Exception as exc:
            log.error(
                "function raised",
                extra={"tf": {"tf_function": request.name, "exception": type(exc).__name__}},
            )
            return fn_convert.error_response(
                FunctionError(f"{request.name} failed: {type(exc).__name__}: {exc}")
            )
