"""What a provider implements: :class:`Provider`, :class:`Resource`, :class:`DataSource`, :class:`Function`.

Every method receives one request object carrying plain Python values (``dict``/``list``/
``str``/``int``/``float``/``bool``/``None``/``UNKNOWN``) and a :class:`Diagnostics` to report
to. Methods that produce state return it as a ``dict``. Fields documented as *in/out* (private
state, identity, the plan) are read and assigned on the request itself.

Failure: add an error to ``req.diagnostics``, or raise :class:`DiagnosticError`; any other
exception also becomes an error diagnostic (never a gRPC error). On a failed create nothing is
stored; on a failed update or delete Terraform keeps the prior state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from platformxe.tfplugin.cty import UNKNOWN, CtyType
from platformxe.tfplugin.diagnostics import AttributePath, Diagnostics, PathLike, as_path
from platformxe.tfplugin.schema import IdentitySchema, Parameter, Schema

State = dict[str, Any]


# ---------------------------------------------------------------------------------------------
# requests


@dataclass
class ConfigureRequest:
    """``Provider.configure``: the provider block's values (may contain UNKNOWN)."""

    config: State
    terraform_version: str
    diagnostics: Diagnostics = field(default_factory=Diagnostics)


@dataclass
class ValidateRequest:
    """``validate_config`` of a provider, resource or data source.

    ``config`` may contain UNKNOWN (values from other resources); ``provider_data`` is None
    because validation runs before the provider is configured.
    """

    type_name: str
    config: State
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    provider_data: Any = None


@dataclass
class PlanRequest:
    """``Resource.modify_plan``: decide the plan of a create, update or replacement.

    ``planned`` (in/out) starts as Terraform's proposed new state after the pipeline's own
    steps (computed attributes null in config already UNKNOWN when something changes). Edit it
    in place or assign a new dict. ``prior`` is None on create. Call :meth:`require_replace`
    to turn an update into a replacement, :meth:`keep_prior` when a new value is semantically
    equal to the stored one. ``private`` and ``identity`` are in/out as well.
    """

    type_name: str
    config: State
    prior: State | None
    proposed: State
    planned: State
    private: bytes = b""
    identity: State | None = None
    provider_data: Any = None
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    requires_replace: list[AttributePath] = field(default_factory=list)

    @property
    def is_create(self) -> bool:
        """True when there is no prior state (a create, or the create half of a replacement)."""
        return self.prior is None

    def require_replace(self, path: PathLike) -> None:
        """Mark a path whose change forces replacement (ignored on create)."""
        self.requires_replace.append(as_path(path))

    def keep_prior(self, name: str) -> None:
        """Plan the prior value of a top-level attribute (semantic equality); no-op on create."""
        if self.prior is not None:
            self.planned[name] = self.prior.get(name)

    def changed(self, name: str) -> bool:
        """True when the planned value of a top-level attribute differs from the prior one."""
        if self.prior is None:
            return True
        return bool(self.planned.get(name) is UNKNOWN or self.planned.get(name) != self.prior.get(name))


@dataclass
class ApplyRequest:
    """``Resource.create`` / ``update`` / ``delete``.

    ``prior`` is None on create, ``planned`` is None on delete. ``private`` starts as the
    private state saved at plan time (in/out), ``identity`` as the planned identity (in/out).
    """

    type_name: str
    config: State | None
    prior: State | None
    planned: State | None
    private: bytes = b""
    identity: State | None = None
    provider_data: Any = None
    diagnostics: Diagnostics = field(default_factory=Diagnostics)


@dataclass
class ReadRequest:
    """``Resource.read``: refresh ``state`` from the real world; return None when it is gone."""

    type_name: str
    state: State
    private: bytes = b""
    identity: State | None = None
    provider_data: Any = None
    diagnostics: Diagnostics = field(default_factory=Diagnostics)


@dataclass
class ImportRequest:
    """``Resource.import_state``: ``id`` from ``terraform import``/``import {}``, or ``identity``."""

    type_name: str
    id: str
    identity: State | None = None
    private: bytes = b""
    provider_data: Any = None
    diagnostics: Diagnostics = field(default_factory=Diagnostics)


@dataclass
class UpgradeRequest:
    """``Resource.upgrade_state`` / ``upgrade_identity``: ``raw`` is the stored JSON object, parsed."""

    type_name: str
    version: int
    raw: dict[str, Any]
    diagnostics: Diagnostics = field(default_factory=Diagnostics)


@dataclass
class DataReadRequest:
    """``DataSource.read``: ``config`` is wholly known; return config plus computed values."""

    type_name: str
    config: State
    provider_data: Any = None
    diagnostics: Diagnostics = field(default_factory=Diagnostics)


# ---------------------------------------------------------------------------------------------
# what providers implement


class Resource:
    """A managed resource type. Subclass it, set ``type_name`` and implement the CRUD methods."""

    type_name: ClassVar[str] = ""
    #: Attribute that receives the import ID in the default :meth:`import_state`.
    import_id_attribute: ClassVar[str | None] = None

    def schema(self) -> Schema:
        """The resource's schema (called once per process)."""
        raise NotImplementedError

    def identity_schema(self) -> IdentitySchema | None:
        """Optional resource identity (Terraform >= 1.12); None when the resource has none."""
        return None

    def validate_config(self, req: ValidateRequest) -> None:
        """Check a configuration beyond types and required attributes (values may be UNKNOWN)."""

    def modify_plan(self, req: PlanRequest) -> None:
        """Adjust ``req.planned`` for a create, update or replacement; never called on destroy."""

    def create(self, req: ApplyRequest) -> State:
        """Create the object from ``req.planned``; return the new state with no UNKNOWN left."""
        raise NotImplementedError(f"{self.type_name} does not implement create")

    def read(self, req: ReadRequest) -> State | None:
        """Return the current state, or None when the object no longer exists (default: unchanged)."""
        return req.state

    def update(self, req: ApplyRequest) -> State:
        """Update the object in place from ``req.planned``; return the new state."""
        raise NotImplementedError(f"{self.type_name} does not implement update")

    def delete(self, req: ApplyRequest) -> None:
        """Delete the object described by ``req.prior``."""
        raise NotImplementedError(f"{self.type_name} does not implement delete")

    def import_state(self, req: ImportRequest) -> State:
        """Return a state for ``terraform import``; Terraform then calls :meth:`read` on it.

        Default: the import ID goes into :attr:`import_id_attribute` (or, when importing by
        identity, identity attributes go into same-named state attributes); everything else null.
        """
        if req.identity:
            return {k: v for k, v in req.identity.items() if k in self.schema().attributes}
        if self.import_id_attribute is None:
            raise NotImplementedError(f"{self.type_name} does not support import")
        return {self.import_id_attribute: req.id}

    def upgrade_state(self, req: UpgradeRequest) -> State:
        """Turn a state stored under an older ``schema().version`` into the current shape."""
        raise NotImplementedError(
            f"{self.type_name} has no upgrade from schema version {req.version} to {self.schema().version}"
        )

    def identity_from_state(self, state: State) -> State | None:
        """Identity of an object, used when an operation did not set ``req.identity``.

        Default: the identity attributes taken from same-named state attributes.
        """
        identity = self.identity_schema()
        if identity is None:
            return None
        return {name: state.get(name) for name in identity.attributes}

    def upgrade_identity(self, req: UpgradeRequest) -> State:
        """Turn identity data stored under an older identity version into the current shape."""
        raise NotImplementedError(f"{self.type_name} has no identity upgrade from version {req.version}")


class DataSource:
    """A data source type: ``schema`` plus ``read``."""

    type_name: ClassVar[str] = ""

    def schema(self) -> Schema:
        """The data source's schema."""
        raise NotImplementedError

    def validate_config(self, req: ValidateRequest) -> None:
        """Check a configuration beyond types and required attributes."""

    def read(self, req: DataReadRequest) -> State:
        """Return ``req.config`` with the computed attributes filled in."""
        raise NotImplementedError(f"{self.type_name} does not implement read")


class FunctionError(Exception):
    """Raise from :meth:`Function.call`; ``argument`` is the 0-based index of the bad argument."""

    def __init__(self, text: str, argument: int | None = None) -> None:
        super().__init__(text)
        self.text = text
        self.argument = argument


class Function:
    """A provider-defined function, called as ``provider::<provider>::<name>(...)``."""

    name: ClassVar[str] = ""
    parameters: ClassVar[Sequence[Parameter]] = ()
    variadic: ClassVar[Parameter | None] = None
    summary: ClassVar[str] = ""
    description: ClassVar[str] = ""
    deprecation_message: ClassVar[str] = ""
    #: The cty type of the result.
    return_type: ClassVar[CtyType | None] = None

    def call(self, args: list[Any]) -> Any:
        """Compute the result; variadic arguments arrive as one trailing list."""
        raise NotImplementedError


class Provider:
    """The provider: its own schema and configuration, and the types it serves.

    ``type_name`` is the local name ("platformxe"), ``source`` the registry address
    ("calderax/platformxe") shown in the message printed when the plugin is run by hand.
    """

    type_name: ClassVar[str] = ""
    source: ClassVar[str] = ""

    def schema(self) -> Schema:
        """The provider block's schema (default: no attributes)."""
        return Schema()

    def validate_config(self, req: ValidateRequest) -> None:
        """Check the provider block beyond types."""

    def configure(self, req: ConfigureRequest) -> Any:
        """Prepare clients from the provider block; the return value reaches every request as ``provider_data``."""
        return None

    def resources(self) -> Sequence[Resource]:
        """Managed resource types served."""
        return ()

    def data_sources(self) -> Sequence[DataSource]:
        """Data source types served."""
        return ()

    def functions(self) -> Sequence[Function]:
        """Provider-defined functions served."""
        return ()

    def stop(self) -> None:
        """Terraform was interrupted (Ctrl-C): make long waits give up soon. Must return quickly."""
