"""What the plan checker found: one record per ``platformxe_custom_event`` change and per drift.

These are plain frozen values built by :mod:`platformxe.plancheck.reader` and read by the
policies and the formatters. Schema changes and rule problems reuse the rules engine's own
:class:`~platformxe.rules.types.SchemaChange` and :class:`~platformxe.rules.types.Problem`, so a
change reads the same in the plan checker as in the registry's dry-run answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from platformxe.model.custom_event import RESOURCE_TYPE as CUSTOM_EVENT_TYPE
from platformxe.model.custom_event import event_name
from platformxe.rules.types import Problem, SchemaChange

#: The resource type the checker looks at (every other resource in the plan is ignored), from the
#: model the provider uses too.
RESOURCE_TYPE = CUSTOM_EVENT_TYPE


class Action(StrEnum):
    """What Terraform will do to one resource instance (Terraform's ``actions`` list, folded)."""

    CREATE = "create"
    REPLACE = "replace"
    UPDATE = "update"
    DELETE = "delete"
    NO_OP = "no-op"
    #: ``removed { lifecycle { destroy = false } }``: dropped from state, the registry keeps it.
    FORGET = "forget"


class VerdictSource(StrEnum):
    """Where a semver verdict comes from."""

    #: Recorded in the plan by the provider (its registry dry-run, or its offline check when the
    #: provider runs with ``plan_checks = "offline"``).
    PLAN = "plan"
    #: Worked out by the plan checker from the plan's before/after values; registry not consulted.
    COMPUTED = "computed"


#: The verdict value used when nobody can know it before apply (an input unknown at plan time).
UNKNOWN_BUMP = "unknown"


@dataclass(frozen=True)
class AttributeDiff:
    """One attribute whose value differs between two snapshots of a resource.

    ``after_unknown`` is True when Terraform will only know the new value after apply
    (``after`` is then None).
    """

    attribute: str
    before: Any
    after: Any
    after_unknown: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The JSON report's ``{attribute, before, after, after_unknown}`` item."""
        return {
            "attribute": self.attribute,
            "before": self.before,
            "after": self.after,
            "after_unknown": self.after_unknown,
        }


@dataclass(frozen=True)
class EventVerdict:
    """The semver verdict of one create or replace.

    ``semver_bump`` is ``initial``/``patch``/``minor``/``major`` or ``unknown``. ``errors`` holds
    the rules a computed verdict found broken (a plan verdict never has any: the provider turns
    those into plan errors, so no plan file exists). ``note`` says what a reader must know about
    how far the verdict goes, e.g. that the registry was not consulted.
    """

    semver_bump: str
    source: VerdictSource
    previous_version: str | None = None
    changes: tuple[SchemaChange, ...] = ()
    errors: tuple[Problem, ...] = ()
    suggested_version: str | None = None
    note: str | None = None

    @property
    def breaking_changes(self) -> tuple[SchemaChange, ...]:
        """The schema changes that break some payload valid under the previous version."""
        return tuple(c for c in self.changes if c.breaking)

    @property
    def valid(self) -> bool:
        """True when no rule is broken."""
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        """The JSON report's ``verdict`` object."""
        return {
            "semver_bump": self.semver_bump,
            "source": str(self.source),
            "previous_version": self.previous_version,
            "valid": self.valid,
            "errors": [
                {"code": str(p.code), "message": p.message, "field": p.field, "path": p.path}
                for p in self.errors
            ],
            "suggested_version": self.suggested_version,
            "note": self.note,
        }


@dataclass(frozen=True)
class EventChange:
    """One planned change of a ``platformxe_custom_event`` instance."""

    address: str
    action: str
    actions: tuple[str, ...]
    action_reason: str | None = None
    namespace: str | None = None
    name: str | None = None
    version_before: str | None = None
    version_after: str | None = None
    #: True when the new version is only known after apply.
    version_after_unknown: bool = False
    verdict: EventVerdict | None = None
    attribute_changes: tuple[AttributeDiff, ...] = ()
    on_destroy: str | None = None
    importing_id: str | None = None
    deposed: str | None = None
    replace_paths: tuple[tuple[str | int, ...], ...] = field(default=())

    @property
    def event(self) -> str | None:
        """``namespace.name``, the name emitters use (None when either part is unknown)."""
        if self.namespace is None or self.name is None:
            return None
        return event_name(self.namespace, self.name)

    @property
    def breaking_changes(self) -> tuple[SchemaChange, ...]:
        """The breaking schema changes of this change's verdict (empty when it has none)."""
        return () if self.verdict is None else self.verdict.breaking_changes

    def version_label(self, arrow: str = "->") -> str:
        """The version as a person reads it: ``1.0.0``, or ``1.0.0 -> 2.0.0`` for a replace."""
        after = "(known after apply)" if self.version_after_unknown else self.version_after
        before = self.version_before
        if self.action == Action.REPLACE and before is not None and after is not None and before != after:
            return f"{before} {arrow} {after}"
        return after or before or "?"


@dataclass(frozen=True)
class Drift:
    """A change made outside Terraform, found by the refresh (the plan's ``resource_drift``).

    ``kind`` is ``changed`` (e.g. status published → archived through the API) or ``deleted``
    (the version is no longer in the registry).
    """

    address: str
    kind: str
    namespace: str | None = None
    name: str | None = None
    version: str | None = None
    attribute_changes: tuple[AttributeDiff, ...] = ()

    @property
    def event(self) -> str | None:
        """``namespace.name`` (None when unknown)."""
        if self.namespace is None or self.name is None:
            return None
        return event_name(self.namespace, self.name)

    def describe(self, arrow: str = "->") -> str:
        """One line: what changed out of band."""
        if self.kind == "deleted":
            return "deleted outside Terraform (no longer in the registry)"
        parts = [
            f"{d.attribute} {_short(d.before)} {arrow} {_short(d.after)}" for d in self.attribute_changes
        ]
        return "changed outside Terraform: " + ("; ".join(parts) if parts else "attributes differ")


@dataclass(frozen=True)
class PlanReport:
    """Everything the checker read from one plan."""

    source: str
    format_version: str
    terraform_version: str | None
    changes: tuple[EventChange, ...]
    drift: tuple[Drift, ...]
    #: The provider's ``plan_checks`` setting when the configuration states it as a constant.
    plan_checks: str | None = None
    errored: bool = False

    def count(self, action: str) -> int:
        """How many changes have ``action``."""
        return sum(1 for c in self.changes if c.action == action)


@dataclass(frozen=True)
class Violation:
    """One reason a policy failed, tied to the resource address it is about."""

    address: str
    message: str


@dataclass(frozen=True)
class PolicyResult:
    """The outcome of one policy over the whole plan."""

    policy: str
    description: str
    violations: tuple[Violation, ...]
    #: False for the rules check that always runs; True for the ``--fail-on`` policies.
    requested: bool = True

    @property
    def passed(self) -> bool:
        """True when nothing violates the policy."""
        return not self.violations


def _short(value: Any, limit: int = 40) -> str:
    """A value shortened for one line of text (JSON documents and long strings are elided)."""
    if value is None:
        return "null"
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def short_value(value: Any, limit: int = 40) -> str:
    """Public spelling of the one-line value shortener used by the formatters."""
    return _short(value, limit)
