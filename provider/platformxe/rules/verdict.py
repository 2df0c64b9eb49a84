"""The dry-run verdict: every rule applied to a candidate registration at once.

Order of work: names and version shape, the payload schema and example, the version against the
existing versions (already exists / downgrade / single step), the content rule of the bump
(patch: equal once descriptions are stripped; minor: backwards-compatible), then org rules
(allowlist, quota) when an :class:`OrgContext` is given. The errors are returned sorted in the
seed table's order (stable, so problems of one code keep the order they were found in).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any

from platformxe.rules.budget import TOO_COSTLY, too_costly_report
from platformxe.rules.canonical import CanonicalJsonError, canonical_json, schema_hash, strip_descriptions
from platformxe.rules.codes import SEED_ORDER, Code
from platformxe.rules.names import (
    check_allowlist,
    check_generic,
    is_generic,
    validate_name,
    validate_namespace,
)
from platformxe.rules.plans import registration_limit
from platformxe.rules.schema import check_schema, detect_flavour, parse_json_field, validate_payload
from platformxe.rules.semver import bump_kind, legal_next_versions, parse_version, validate_version
from platformxe.rules.types import (
    COMPAT_POLICIES,
    Candidate,
    ExistingVersion,
    OrgContext,
    PlanTier,
    Problem,
    SchemaChange,
    SchemaFlavour,
    SemverBump,
    Status,
    Verdict,
)
from platformxe.rules.walk import iter_schemas

__all__ = ["dry_run_verdict"]


def _well_formed(version: str) -> bool:
    try:
        parse_version(version)
    except ValueError:
        return False
    return True


def _stripped_equal(old: Any, new: Any) -> bool:
    """Patch rule: canonical forms equal once every ``description`` keyword is removed."""
    old_stripped, new_stripped = strip_descriptions(old), strip_descriptions(new)
    if old_stripped != new_stripped:
        # Equal canonical forms imply equal Python values, so unequal values settle it without the
        # (slow, pure-Python) RFC 8785 encoder. The converse does not hold (True == 1 in Python),
        # hence the canonical comparison below.
        return False
    try:
        return canonical_json(old_stripped) == canonical_json(new_stripped)
    except CanonicalJsonError:
        return False


def _hash_or_none(schema: Any) -> str | None:
    try:
        return schema_hash(schema)
    except CanonicalJsonError:
        return None


def _name_problems(candidate: Candidate, org: OrgContext | None) -> list[Problem]:
    problems = validate_namespace(candidate.namespace)
    generic = check_generic(candidate.namespace, candidate.name)
    if generic:
        # docs/rules.md: registering platformxe.generic is this code, not reserved_namespace.
        problems = [p for p in problems if p.code is not Code.RESERVED_NAMESPACE] + generic
    problems += validate_name(candidate.name)
    problems += validate_version(candidate.version)
    namespace_ok = not problems_with(problems, Code.INVALID_NAMESPACE, Code.RESERVED_NAMESPACE)
    if org is not None and namespace_ok and not is_generic(candidate.namespace, candidate.name):
        # An ill-formed or reserved namespace is never on an allowlist: saying so again is noise.
        problems += check_allowlist(candidate.namespace, org.allowlist)
    try:
        Status(candidate.status)
    except ValueError:
        accepted = ", ".join(s.value for s in Status)
        problems.append(
            Problem(Code.INVALID_REQUEST, f"status {candidate.status!r} must be one of {accepted}", "status")
        )
    return problems


def problems_with(problems: Sequence[Problem], *codes: Code) -> bool:
    """True when any of ``problems`` carries one of ``codes``."""
    return any(p.code in codes for p in problems)


def _quota_problems(
    candidate: Candidate, existing: Sequence[ExistingVersion], org: OrgContext
) -> list[Problem]:
    limit = registration_limit(org.plan)
    if limit is None:
        return []
    adds_new_event = not any(Status(e.status) is not Status.ARCHIVED for e in existing)
    if org.plan is not PlanTier.FREE and (not adds_new_event or org.registrations_used < limit):
        return []
    if org.plan is PlanTier.FREE:
        message = (
            "the Free plan cannot register events (it may emit platformxe.generic); upgrade to Basic "
            "(up to 5 events), Pro (25) or Enterprise (unlimited)"
        )
    else:
        message = (
            f"registering {candidate.namespace}.{candidate.name} would add a new event, but the "
            f"{org.plan.value.title()} plan allows {limit} and {org.registrations_used} are in use; "
            "archive an event or upgrade the plan (new versions of existing events do not count)"
        )
    return [
        Problem(
            Code.REGISTRATION_QUOTA_EXCEEDED,
            message,
            "name",
            details={"plan": org.plan.value, "used": org.registrations_used, "limit": limit},
        )
    ]


def _first_breaking(changes: Sequence[SchemaChange]) -> str:
    for change in changes:
        if change.breaking:
            return change.message
    return "the checker could not prove the change compatible"


SchemaFacts = tuple[Any, tuple[Problem, ...], tuple[Problem, ...], SchemaFlavour | None, str | None]


def _schema_facts(value: Any) -> SchemaFacts:
    """``(parsed, parse problems, schema problems, flavour, hash)``: what depends on the schema alone."""
    schema, parse_problems = parse_json_field(value, "payloadSchema")
    if parse_problems:
        return None, tuple(parse_problems), (), None, None
    if not isinstance(schema, dict | bool):
        return schema, (), tuple(check_schema(schema)), None, _hash_or_none(schema)
    nodes = tuple(iter_schemas(schema))  # one walk read by every check below
    digest = _hash_or_none(schema)  # a canonical form means that no number lacks one
    problems = tuple(check_schema(schema, nodes, hashed=digest is not None))
    return schema, (), problems, detect_flavour(schema, nodes), digest


@lru_cache(maxsize=256)
def _schema_facts_of_text(text: str) -> SchemaFacts:
    """:func:`_schema_facts` of JSON text, cached: a configuration repeats one schema text across
    many resources and Terraform asks about each several times per run (validate, plan, apply).
    The parsed document is shared between callers, which only read it."""
    return _schema_facts(text)


def dry_run_verdict(
    candidate: Candidate,
    existing: Sequence[ExistingVersion],
    org: OrgContext | None = None,
    *,
    policy: str = "strict",
    deadline: float | None = None,
) -> Verdict:
    """Judge ``candidate`` against the ``existing`` versions of its (namespace, name).

    Every problem is reported at once. ``org=None`` skips the organisation rules (allowlist and
    quota) for offline checks. ``policy`` is the event's compatibility policy (``strict`` or
    ``lenient``, rules/compat/policy.py) the minor rule is judged under. ``deadline`` (a
    ``time.monotonic()`` value) bounds the compatibility checker: once it has passed, the change
    is "not proven: the schemas are too costly to compare" (docs/limits.md). Never raises on bad
    input: bad input is a problem in the verdict.
    """
    if policy not in COMPAT_POLICIES:
        policy = "strict"
    errors = _name_problems(candidate, org)

    text = candidate.payload_schema
    facts = _schema_facts_of_text(text) if isinstance(text, str) else _schema_facts(text)
    schema, parse_problems, schema_problems, flavour, digest = facts
    errors += parse_problems
    errors += schema_problems
    schema_ok = not parse_problems and not schema_problems

    if candidate.has_example:
        example, example_problems = parse_json_field(candidate.payload_example, "payloadExample")
        errors += example_problems
        if schema_ok and not example_problems:
            errors += validate_payload(
                schema, example, "payloadExample", Code.PAYLOAD_EXAMPLE_DOES_NOT_MATCH_SCHEMA
            )

    by_version = {e.version: e for e in existing if _well_formed(e.version)}
    version_ok = _well_formed(candidate.version)
    previous = None
    if by_version:
        previous = max(by_version, key=parse_version)
    bump: SemverBump | None = None
    changes: tuple[SchemaChange, ...] = ()
    suggested: str | None = None

    if previous is None:
        bump = SemverBump.INITIAL if version_ok else None
        suggested = candidate.version if version_ok else "1.0.0"
    else:
        prev_schema, prev_problems = parse_json_field(by_version[previous].payload_schema, "payloadSchema")
        patch_next, minor_next, major_next = legal_next_versions(previous)
        equal = compatible = False
        if schema_ok and not prev_problems:
            # Imported here: an initial registration (every provider process's validate step)
            # never pays for loading the compatibility checker.
            from platformxe.rules.compat import compare

            if deadline is not None and time.monotonic() >= deadline:
                report = replace(too_costly_report(), policy=policy)
            else:
                report = compare(prev_schema, schema, policy, deadline)
                if report.changes and report.changes[0].message == TOO_COSTLY:  # ran out inside
                    report = replace(too_costly_report(), policy=policy)
            changes = tuple(report.changes)
            equal = _stripped_equal(prev_schema, schema)
            compatible = report.compatible or equal
            suggested = patch_next if equal else minor_next if compatible else major_next
        if version_ok:
            same = by_version.get(candidate.version)
            if same is not None:
                errors.append(_exists_problem(candidate, same, schema, digest, suggested))
            elif parse_version(candidate.version) < parse_version(previous):
                errors.append(
                    Problem(
                        Code.VERSION_DOWNGRADE,
                        f"version {candidate.version} is lower than the highest existing version "
                        f"{previous}; the next legal versions are {patch_next}, {minor_next} and {major_next}",
                        "version",
                        details={"previousVersion": previous},
                    )
                )
            else:
                bump = bump_kind(previous, candidate.version)
                if candidate.version not in (patch_next, minor_next, major_next):
                    errors.append(
                        Problem(
                            Code.VERSION_INVALID_JUMP,
                            f"version {candidate.version} skips versions after {previous}: bumps are single "
                            f"steps, so only {patch_next} (patch), {minor_next} (minor) or {major_next} "
                            "(major) are accepted",
                            "version",
                            details={
                                "previousVersion": previous,
                                "legal": [patch_next, minor_next, major_next],
                            },
                        )
                    )
                elif schema_ok and not prev_problems:
                    # A refused minor says when the lenient policy would take it (the most common
                    # case: an optional property added to an open object); only a refusal pays for
                    # this second judgement.
                    lenient_accepts = (
                        bump is SemverBump.MINOR
                        and not compatible
                        and policy == "strict"
                        and (deadline is None or time.monotonic() < deadline)
                        and compare(prev_schema, schema, "lenient", deadline).compatible
                    )
                    errors += _content_problems(
                        candidate,
                        bump,
                        previous,
                        equal,
                        compatible,
                        changes,
                        suggested,
                        policy,
                        lenient_accepts,
                    )

    if org is not None:
        errors += _quota_problems(candidate, existing, org)

    ordered = tuple(sorted(errors, key=lambda p: SEED_ORDER.get(p.code, len(SEED_ORDER))))
    return Verdict(
        valid=not ordered,
        semver_bump=bump,
        schema_hash=digest,
        schema_flavour=flavour,
        previous_version=previous,
        changes=changes,
        errors=ordered,
        suggested_version=suggested,
        compatibility_policy=policy,
    )


def _exists_problem(
    candidate: Candidate, same: ExistingVersion, schema: Any, digest: str | None, suggested: str | None
) -> Problem:
    existing_hash = same.schema_hash
    if existing_hash is None:
        parsed, problems = parse_json_field(same.payload_schema, "payloadSchema")
        existing_hash = None if problems else _hash_or_none(parsed)
    same_schema = digest is not None and digest == existing_hash
    if same_schema:
        tail = "with the same schema (schemas are immutable per version; nothing to register)"
    elif suggested:
        tail = f"with another schema (schemas are immutable per version); register the change as {suggested}"
    else:
        tail = "with another schema (schemas are immutable per version); register the change as a new version"
    return Problem(
        Code.VERSION_ALREADY_EXISTS,
        f"version {candidate.version} of {candidate.namespace}.{candidate.name} already exists {tail}",
        "version",
        details={"schemaHash": existing_hash, "sameSchema": same_schema, "status": Status(same.status).value},
    )


def _content_problems(
    candidate: Candidate,
    bump: SemverBump | None,
    previous: str,
    equal: bool,
    compatible: bool,
    changes: Sequence[SchemaChange],
    suggested: str | None,
    policy: str = "strict",
    lenient_accepts: bool = False,
) -> list[Problem]:
    """The bump's content rule: patch must be equal bar descriptions, minor must be compatible.
    ``lenient_accepts``: the refused minor would be compatible under the lenient policy."""
    if bump is SemverBump.PATCH and not equal:
        reason = changes[0].message if changes else "the schemas differ beyond description keywords"
        return [
            Problem(
                Code.PATCH_MUST_BE_BYTE_EQUAL,
                f"patch bump {candidate.version} over {previous} changes the schema beyond descriptions "
                f"({reason}); a patch may only change description keywords; register it as {suggested}",
                "payloadSchema",
                details={"suggestedVersion": suggested},
            )
        ]
    if bump is SemverBump.MINOR and not compatible:
        details: dict[str, Any] = {"suggestedVersion": suggested, "compatibilityPolicy": policy}
        hint = ""
        if lenient_accepts:
            details["compatibleUnderLenient"] = True
            hint = (
                f", or keep {candidate.version} by setting the event's compatibility policy to lenient "
                "(old payloads are then assumed to carry only the properties the schema declares), "
                "under which this change is compatible"
            )
        return [
            Problem(
                Code.MINOR_MUST_BE_BACKWARDS_COMPATIBLE,
                f"minor bump {candidate.version} over {previous} is not backwards-compatible under the "
                f"{policy} compatibility policy: {_first_breaking(changes)}; register it as {suggested}{hint}",
                "payloadSchema",
                details=details,
            )
        ]
    return []
