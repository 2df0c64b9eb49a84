"""The semver verdict of a create or replace: taken from the plan, or computed offline.

With ``plan_checks = "remote"`` the provider puts the registry's dry-run verdict into the planned
computed attributes (``semver_bump``, ``previous_version``, ``changes``). When those are unknown
or null (``plan_checks = "off"``, or an input only known after apply), the checker judges the
planned values itself with the rules engine, against the event versions the plan knows of: the
before values of every ``platformxe_custom_event`` and the prior state. The registry may hold
versions this plan does not manage, so such a verdict is relative to the plan only and says so.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from platformxe.model.custom_event import IDENTITY_ATTRIBUTES
from platformxe.plancheck.model import UNKNOWN_BUMP, Action, EventVerdict, VerdictSource
from platformxe.plancheck.values import is_unknown, json_equal
from platformxe.rules import Candidate, ExistingVersion, dry_run_verdict
from platformxe.rules.types import SchemaChange, SemverBump, Status

__all__ = ["OFFLINE_NOTE", "computed_verdict", "plan_verdict", "verdict_for"]

#: Said next to every verdict the checker computed itself.
OFFLINE_NOTE = "offline: registry not consulted"
_BUMPS = frozenset(b.value for b in SemverBump)


def verdict_for(
    action: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    after_unknown: Any,
    existing: Sequence[Mapping[str, Any]],
) -> EventVerdict:
    """The plan's verdict when it holds one, else one computed from the planned values."""
    return plan_verdict(after, after_unknown) or computed_verdict(
        action, before, after, after_unknown, existing
    )


def plan_verdict(after: Mapping[str, Any], after_unknown: Any) -> EventVerdict | None:
    """The verdict the provider recorded in the plan, or None when the plan holds none."""
    if is_unknown(after_unknown, "semver_bump") or is_unknown(after_unknown, "changes"):
        return None
    bump = after.get("semver_bump")
    if not isinstance(bump, str) or bump not in _BUMPS:
        return None
    previous = after.get("previous_version")
    return EventVerdict(
        semver_bump=bump,
        source=VerdictSource.PLAN,
        previous_version=previous if isinstance(previous, str) and previous else None,
        changes=_changes(after.get("changes")),
    )


def computed_verdict(
    action: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    after_unknown: Any,
    existing: Sequence[Mapping[str, Any]],
) -> EventVerdict:
    """Judge ``after`` offline with the rules engine against the versions the plan knows of.

    ``before`` (a replace's old values) is among ``existing`` already; it is only used to
    decide whether the schema changed when the new schema is unknown.
    """
    namespace, name = after.get("namespace"), after.get("name")
    unknown = [
        attribute
        for attribute in IDENTITY_ATTRIBUTES
        if is_unknown(after_unknown, attribute) or not isinstance(after.get(attribute), str)
    ]
    if unknown:
        return _unknown(f"{', '.join(unknown)} known only after apply")
    priors = [
        values
        for values in existing
        if values.get("namespace") == namespace
        and values.get("name") == name
        and isinstance(values.get("version"), str)
    ]
    if is_unknown(after_unknown, "payload_schema") or not isinstance(after.get("payload_schema"), str):
        if not priors:
            # With nothing to compare against, the bump is initial whatever the schema says.
            return EventVerdict(
                semver_bump=SemverBump.INITIAL,
                source=VerdictSource.COMPUTED,
                note=f"{OFFLINE_NOTE}; initial relative to this plan only; payload_schema known only after apply",
            )
        return _unknown("payload_schema known only after apply")

    adopted = _same_registration(after, priors)
    if adopted is not None:
        return adopted
    return _judge(after, priors, action)


def _judge(after: Mapping[str, Any], priors: Sequence[Mapping[str, Any]], action: str) -> EventVerdict:
    example = after.get("payload_example")
    candidate = Candidate(
        namespace=after["namespace"],
        name=after["name"],
        version=after["version"],
        payload_schema=after["payload_schema"],
        payload_example=example,
        has_example=isinstance(example, str),
        description=after.get("description") if isinstance(after.get("description"), str) else None,
        status=_status(after.get("status")),
    )
    seen: set[str] = set()
    versions = []
    for values in priors:
        if values["version"] in seen:
            continue
        seen.add(values["version"])
        versions.append(
            ExistingVersion(
                version=values["version"],
                payload_schema=values.get("payload_schema"),
                status=_status(values.get("status")),
                schema_hash=values.get("schema_hash") if isinstance(values.get("schema_hash"), str) else None,
            )
        )
    # judged under the planned compatibility policy, as the registry's dry-run would
    policy = after.get("compatibility_policy")
    verdict = dry_run_verdict(
        candidate, versions, None, policy=policy if isinstance(policy, str) else "strict"
    )
    note = OFFLINE_NOTE
    if not versions:
        note = f"{OFFLINE_NOTE}; initial relative to this plan only"
    elif action == Action.CREATE:
        note = f"{OFFLINE_NOTE}; compared with versions in this plan only"
    return EventVerdict(
        semver_bump=UNKNOWN_BUMP if verdict.semver_bump is None else str(verdict.semver_bump),
        source=VerdictSource.COMPUTED,
        previous_version=verdict.previous_version,
        changes=tuple(verdict.changes),
        errors=tuple(verdict.errors),
        suggested_version=verdict.suggested_version,
        note=note,
    )


def _same_registration(after: Mapping[str, Any], priors: Sequence[Mapping[str, Any]]) -> EventVerdict | None:
    """The stored verdict when ``after`` re-registers a known version with the same schema.

    The registry adopts such a registration (docs/provider.md, a retried create), so the version
    keeps the verdict it was registered with.
    """
    for values in priors:
        if values["version"] == after["version"] and json_equal(
            values.get("payload_schema"), after["payload_schema"]
        ):
            stored = plan_verdict(values, None)
            bump = stored.semver_bump if stored else UNKNOWN_BUMP
            return EventVerdict(
                semver_bump=bump,
                source=VerdictSource.COMPUTED,
                previous_version=stored.previous_version if stored else None,
                changes=stored.changes if stored else (),
                note=f"{OFFLINE_NOTE}; version {after['version']} already registered with this schema (kept)",
            )
    return None


def _unknown(reason: str) -> EventVerdict:
    return EventVerdict(
        semver_bump=UNKNOWN_BUMP, source=VerdictSource.COMPUTED, note=f"{OFFLINE_NOTE}; {reason}"
    )


def _status(value: Any) -> Status:
    try:
        return Status(value)
    except ValueError:
        return Status.PUBLISHED  # the attribute's default; a bad value is the validator's business


def _changes(value: Any) -> tuple[SchemaChange, ...]:
    """The plan's ``changes`` list of ``{kind, path, breaking, message, witness}`` objects.

    ``witness`` is JSON text (a payload the old schema accepts and the new one refuses) or null.
    """
    if not isinstance(value, list):
        return ()
    out = []
    for item in value:
        if not isinstance(item, dict):
            continue
        witness, has_witness = None, False
        if isinstance(item.get("witness"), str):
            # An unreadable witness is only an illustration lost; the change itself stands.
            with contextlib.suppress(ValueError):
                witness, has_witness = json.loads(item["witness"]), True
        out.append(
            SchemaChange(
                kind=str(item.get("kind") or "changed"),
                pointer=str(item.get("path") or ""),
                breaking=item.get("breaking") is True,
                message=str(item.get("message") or ""),
                witness=witness,
                has_witness=has_witness,
            )
        )
    return tuple(out)
