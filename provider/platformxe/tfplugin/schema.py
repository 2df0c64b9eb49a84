"""Schema builders: what a provider, resource or data source accepts and stores.

    Schema(
        attributes={
            "name": Attribute(STRING, required=True, requires_replace=True,
                              description="Unique name."),
            "body": Attribute(STRING, required=True, semantic_equal=json_equal),
            "id": Attribute(STRING, computed=True, use_state_for_unknown=True),
        },
        blocks={"rule": NestedBlock(attributes={...}, nesting=Nesting.LIST)},
        version=1,
    )

Beyond the protocol's flags an :class:`Attribute` carries three conveniences the plan pipeline
applies to top-level attributes: ``requires_replace`` (a change replaces the resource),
``use_state_for_unknown`` (a computed value does not change on update) and ``semantic_equal``
(``f(prior, planned) -> bool``: when true the prior value is kept, so Terraform shows no change).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from typing import Any

from platformxe.tfplugin.cty import CtyType, List, Map, Object, Set

SemanticEqual = Callable[[Any, Any], bool]


class SchemaError(ValueError):
    """A schema definition breaks a protocol rule (raised when the schema is built)."""


class Nesting(Enum):
    """How a nested block repeats; values are the protocol's enum numbers."""

    SINGLE = 1  # at most one block; null when absent
    LIST = 2
    SET = 3
    MAP = 4  # blocks labelled by a key: rule "a" { ... }
    GROUP = 5  # exactly one block; never null (absent means all attributes null)


def _check_kind(kind: str) -> str:
    if kind not in ("plain", "markdown"):
        raise SchemaError(f"description_kind {kind!r}: expected 'plain' or 'markdown'")
    return kind


@dataclass(frozen=True)
class Attribute:
    """One attribute: its type, who sets it (required/optional/computed) and how it plans."""

    type: CtyType
    required: bool = False
    optional: bool = False
    computed: bool = False
    sensitive: bool = False
    write_only: bool = False
    description: str = ""
    description_kind: str = "markdown"
    deprecation_message: str = ""
    requires_replace: bool = False
    use_state_for_unknown: bool = False
    semantic_equal: SemanticEqual | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.type, CtyType):
            raise SchemaError(
                f"attribute type must be a cty type (STRING, List(...), ...), got {self.type!r}"
            )
        if self.required and (self.optional or self.computed):
            raise SchemaError("a required attribute cannot also be optional or computed")
        if not (self.required or self.optional or self.computed):
            raise SchemaError("an attribute must be required, optional or computed")
        if self.write_only and self.computed:
            raise SchemaError("a write-only attribute cannot be computed")
        _check_kind(self.description_kind)


@dataclass(frozen=True)
class Block:
    """Attributes plus nested blocks; the body of a schema or of a nested block."""

    attributes: Mapping[str, Attribute] = field(default_factory=dict)
    blocks: Mapping[str, NestedBlock] = field(default_factory=dict)
    description: str = ""
    description_kind: str = "markdown"
    deprecation_message: str = ""

    def __post_init__(self) -> None:
        _check_kind(self.description_kind)
        clash = set(self.attributes) & set(self.blocks)
        if clash:
            raise SchemaError(f"{sorted(clash)[0]!r} is both an attribute and a block")
        for name in (*self.attributes, *self.blocks):
            if not name or not (name[0].isalpha() or name[0] == "_") or not name.replace("_", "a").isalnum():
                raise SchemaError(f"{name!r} is not a valid attribute name (letters, digits, underscores)")
        for name, attr in self.attributes.items():
            if not isinstance(attr, Attribute):
                raise SchemaError(f"attribute {name!r}: expected Attribute(...), got {attr!r}")
        for name, block in self.blocks.items():
            if not isinstance(block, NestedBlock):
                raise SchemaError(f"block {name!r}: expected NestedBlock(...), got {block!r}")

    @cached_property
    def cty_type(self) -> Object:
        """The object type of a value of this block (attributes and nested blocks)."""
        attrs: dict[str, CtyType] = {name: a.type for name, a in self.attributes.items()}
        attrs.update({name: b.collection_type for name, b in self.blocks.items()})
        return Object(attrs)


@dataclass(frozen=True)
class NestedBlock(Block):
    """A block inside a block, repeated according to ``nesting``."""

    nesting: Nesting = Nesting.LIST
    min_items: int = 0
    max_items: int = 0

    @cached_property
    def collection_type(self) -> CtyType:
        """Type of the attribute-like value the block contributes to its parent object."""
        element = self.cty_type
        if self.nesting is Nesting.LIST:
            return List(element)
        if self.nesting is Nesting.SET:
            return Set(element)
        if self.nesting is Nesting.MAP:
            return Map(element)
        return element


@dataclass(frozen=True)
class Schema(Block):
    """A top-level schema; ``version`` is recorded with state so upgrades can be detected."""

    version: int = 0


@dataclass(frozen=True)
class IdentityAttribute:
    """One attribute of a resource identity (Terraform >= 1.12)."""

    type: CtyType
    required_for_import: bool = False
    optional_for_import: bool = False
    description: str = ""


@dataclass(frozen=True)
class IdentitySchema:
    """The identity of a managed resource: a small object that never changes for one instance."""

    attributes: Mapping[str, IdentityAttribute]
    version: int = 0

    @cached_property
    def cty_type(self) -> Object:
        """The object type of identity data."""
        return Object({name: a.type for name, a in self.attributes.items()})


@dataclass(frozen=True)
class Parameter:
    """One parameter of a provider function."""

    name: str
    type: CtyType
    allow_null: bool = False
    allow_unknown: bool = False
    description: str = ""
    description_kind: str = "markdown"
