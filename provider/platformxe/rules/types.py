"""Plain value types shared by every rule: problems, schema changes, verdicts and inputs.

They carry no behaviour beyond conversion to the camelCase dictionaries of the HTTP API, so the
registry, the SDK, the CLI and the Terraform provider all speak about a verdict the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from enum import StrEnum
from typing import Any

from platformxe.rules.codes import Code

_CONTROL = "\\x00-\\x1f\\x7f"
_BLANK = " \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
#: Text shown to people (a listing's title, a federation group's name): no control characters
#: (U+0000-U+001F, U+007F) and at least one character that is not a space (ASCII or Unicode).
#: Unanchored; the registry publishes it anchored and checks with ``re.fullmatch``.
VISIBLE_TEXT_CORE = f"[^{_CONTROL}]*[^{_CONTROL}{_BLANK}][^{_CONTROL}]*"


class SemverBump(StrEnum):
    """How a candidate version relates to the highest existing version of its event."""

    INITIAL = "initial"
    PATCH = "patch"
    MINOR = "minor"
    MAJOR = "major"


class SchemaFlavour(StrEnum):
    """The dialect a payload schema is written in."""

    JSON_SCHEMA_2020_12 = "json-schema-2020-12"
    OPENAPI_3_1 = "openapi-3.1"


class PlanTier(StrEnum):
    """An organisation's plan tier (seed table "Plan tiers")."""

    FREE = "free"
    BASIC = "basic"
    PRO = "pro"
    ENTERPRISE = "enterprise"


class Status(StrEnum):
    """Lifecycle status of one registered version."""

    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


@dataclass(frozen=True)
class Problem:
    """One broken rule.

    ``field`` is the request field at fault in the API's camelCase spelling (``namespace``,
    ``name``, ``version``, ``status``, ``description``, ``payloadSchema``, ``payloadExample``,
    ``payload``); ``pointer`` is a JSON pointer inside that field's JSON document ("" = the
    whole value). ``message`` says what is wrong *and what would be accepted*.
    """

    code: Code
    message: str
    field: str
    pointer: str = ""
    details: Mapping[str, Any] = dataclass_field(default_factory=dict)

    @property
    def path(self) -> str:
        """``field`` followed by the pointer, e.g. ``payloadSchema/properties/age``."""
        return self.field + self.pointer

    def to_dict(self) -> dict[str, Any]:
        """The API's ``errors[]`` item: ``{code, message, path, field, pointer, details?}``."""
        out: dict[str, Any] = {
            "code": str(self.code),
            "message": self.message,
            "path": self.path,
            "field": self.field,
            "pointer": self.pointer,
        }
        if self.details:
            out["details"] = dict(self.details)
        return out


@dataclass(frozen=True)
class SchemaChange:
    """One difference between an old and a new payload schema.

    ``kind`` is a stable snake_case identifier (``property_added``, ``type_narrowed`` …),
    ``pointer`` the JSON pointer of the place in the *new* schema (or the old one for removals),
    ``breaking`` whether some payload valid under the old schema is refused by the new one (or
    the checker could not prove otherwise), ``message`` one sentence for a person. ``witness``,
    when present, is a payload valid under the old schema and invalid under the new one.
    """

    kind: str
    pointer: str
    breaking: bool
    message: str
    witness: Any = None
    has_witness: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The API's ``changes[]`` item: ``{kind, path, breaking, message, witness?}``."""
        out: dict[str, Any] = {
            "kind": self.kind,
            "path": self.pointer,
            "breaking": self.breaking,
            "message": self.message,
        }
        if self.has_witness:
            out["witness"] = self.witness
        return out


#: Compatibility policies an event may have (rules/compat/policy.py); the first is the default.
COMPAT_POLICIES: tuple[str, ...] = ("strict", "lenient")


@dataclass(frozen=True)
class CompatReport:
    """Result of comparing two schemas: ``compatible`` is True only when proven, under the
    compatibility ``policy`` named (``strict`` or ``lenient``, see rules/compat/policy.py)."""

    compatible: bool
    changes: tuple[SchemaChange, ...] = ()
    policy: str = "strict"

    @property
    def breaking_changes(self) -> tuple[SchemaChange, ...]:
        """The changes that break some payload valid under the old schema."""
        return tuple(c for c in self.changes if c.breaking)


@dataclass(frozen=True)
class Candidate:
    """A registration to judge. ``payload_schema`` / ``payload_example`` may be JSON text (from
    Terraform or a file) or already-parsed values (from the HTTP API)."""

    namespace: str
    name: str
    version: str
    payload_schema: Any
    payload_example: Any = None
    has_example: bool = False
    description: str | None = None
    status: Status = Status.PUBLISHED
    #: the compatibility policy a caller wants the candidate judged under (the provider's planned
    #: ``compatibility_policy``); ``dry_run_verdict``'s ``policy`` argument is what judges
    compatibility_policy: str = "strict"


@dataclass(frozen=True)
class ExistingVersion:
    """A version of the same (namespace, name) already in the registry."""

    version: str
    payload_schema: Any
    status: Status = Status.PUBLISHED
    schema_hash: str | None = None


@dataclass(frozen=True)
class OrgContext:
    """What the registry knows of the calling organisation, for org-level rules.

    ``registrations_used`` counts (namespace, name) pairs with a non-archived version, never
    ``platformxe.generic`` (docs/rules.md).
    """

    organization_id: str
    plan: PlanTier
    allowlist: frozenset[str]
    registrations_used: int = 0


@dataclass(frozen=True)
class Verdict:
    """The dry-run answer: every problem at once, nothing stored."""

    valid: bool
    semver_bump: SemverBump | None
    schema_hash: str | None
    schema_flavour: SchemaFlavour | None
    previous_version: str | None
    changes: tuple[SchemaChange, ...]
    errors: tuple[Problem, ...]
    suggested_version: str | None
    #: the compatibility policy that judged ``changes`` (``strict`` or ``lenient``)
    compatibility_policy: str = "strict"

    def to_dict(self) -> dict[str, Any]:
        """The API's camelCase dry-run body."""
        return {
            "compatibilityPolicy": self.compatibility_policy,
            "valid": self.valid,
            "semverBump": None if self.semver_bump is None else str(self.semver_bump),
            "schemaHash": self.schema_hash,
            "schemaFlavour": None if self.schema_flavour is None else str(self.schema_flavour),
            "previousVersion": self.previous_version,
            "changes": [c.to_dict() for c in self.changes],
            "errors": [p.to_dict() for p in self.errors],
            "suggestedVersion": self.suggested_version,
        }
