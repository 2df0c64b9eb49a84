"""Registrations: dry-run, register, read, list, change status/description, archive.

Every rule is the rules engine's (``platformxe.rules.dry_run_verdict``): this module only
gathers what the engine needs from the database (the organisation's plan, allowlist, registration
count and the existing versions of the event), stores the outcome and keeps the lifecycle log.

Registering is check-then-insert. The verdict is first computed outside any lock (the compat
checker can take a while); inside the organisation's write transaction the inputs are read
again and the verdict is recomputed only if they changed, so concurrent registrations of one
organisation can never both pass a quota or a version check. The unique index on
(organisation, namespace, name, version) is the last line of defence.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from platformxe import rules
from platformxe.registry import bodies, cursors, lifecycle_types, views
from platformxe.registry.clock import days_ago_text, now_text
from platformxe.registry.errors import ApiError, coded_error, invalid_request, problem_error
from platformxe.registry.judging import INLINE, Judge
from platformxe.registry.storage import Store, Tx
from platformxe.registry.storage import emits as emit_rows
from platformxe.registry.storage import lifecycle as lifecycle_log
from platformxe.registry.storage import orgs as org_rows
from platformxe.registry.storage import policies as policy_rows
from platformxe.registry.storage import registrations as registration_rows
from platformxe.registry.tenancy import Org, org_from_row
from platformxe.rules import Candidate, Code, ExistingVersion, OrgContext, PlanTier, Status, Verdict

GENERIC = (rules.GENERIC_NAMESPACE, rules.GENERIC_NAME)
#: Longest subject text kept in the lifecycle log for a refused request (inputs are untrusted).
_SUBJECT_MAX = 200
#: Fields of a dry-run / registration body (the OpenAPI Candidate schema, closed).
CANDIDATE_FIELDS = (
    "namespace",
    "name",
    "version",
    "status",
    "description",
    "payloadSchema",
    "payloadExample",
    "compatibilityPolicy",
)
#: Fields of a PUT …/policy body.
POLICY_FIELDS = ("compatibilityPolicy",)
#: Fields of a PATCH body: a version's schema never changes once registered.
PATCH_FIELDS = ("status", "description")


@dataclass(frozen=True)
class Snapshot:
    """What the verdict depends on, read in one transaction."""

    org: OrgContext
    existing: tuple[ExistingVersion, ...]
    #: the event's stored compatibility policy (``strict`` when none was set)
    policy: str = policy_rows.DEFAULT_POLICY

    def fingerprint(self) -> tuple[Any, ...]:
        """Equal fingerprints give equal verdicts for one candidate."""
        versions = tuple(sorted((e.version, str(e.status), e.schema_hash or "") for e in self.existing))
        return (self.org.plan, self.org.allowlist, self.org.registrations_used, versions, self.policy)


def candidate_from_body(body: dict[str, Any]) -> Candidate:
    """A :class:`Candidate` from a dry-run/registration body, or 400 naming the bad field."""
    bodies.reject_unknown_fields(body, CANDIDATE_FIELDS)
    bodies.check_json_text(body, "payloadSchema")
    bodies.check_json_text(body, "payloadExample")
    namespace = bodies.require_str(body, "namespace")
    name = bodies.require_str(body, "name")
    version = bodies.require_str(body, "version")
    schema = bodies.require_schema_value(body, "payloadSchema")
    description = bodies.optional_str(body, "description")
    status = bodies.optional_status(body) or Status.PUBLISHED
    example = body.get("payloadExample")
    return Candidate(
        namespace=namespace,
        name=name,
        version=version,
        payload_schema=schema,
        # A null example is the representation of "no example" (registration.payloadExample).
        payload_example=example,
        has_example=example is not None,
        description=description,
        status=status,
    )


def read_snapshot(tx: Tx, org_id: str, namespace: str, name: str) -> Snapshot:
    """The organisation context and the existing versions of (namespace, name)."""
    org_row = org_rows.get_org(tx, org_id)
    if org_row is None:  # deleted between authentication and now: treat as a bad key
        raise ApiError(401, str(Code.UNAUTHENTICATED), "the API key's organisation no longer exists")
    org = org_from_row(org_row)
    context = OrgContext(
        organization_id=org.id,
        plan=org.plan,
        allowlist=org_rows.allowlist(tx, org.id),
        registrations_used=registration_rows.count_registrations(tx, org.id, GENERIC),
    )
    existing = tuple(
        ExistingVersion(
            version=row["version"],
            payload_schema=json.loads(row["payload_schema"]),
            status=Status(row["status"]),
            schema_hash=row["schema_hash"],
        )
        for row in registration_rows.versions_of(tx, org.id, namespace, name)
    )
    return Snapshot(context, existing, policy_rows.policy_of(tx, org.id, namespace, name))


def dry_run(store: Store, org: Org, body: dict[str, Any], judge: Judge = INLINE) -> dict[str, Any]:
    """The verdict for a candidate, nothing stored (judged by ``judge``, see registry/judging.py).

    ``compatibilityPolicy`` in the body judges under that policy instead of the event's stored
    one (what a plan that also changes the policy needs); nothing is stored either way."""
    candidate, override = _dry_run_candidate(body)
    with store.read() as tx:
        snapshot = read_snapshot(tx, org.id, candidate.namespace, candidate.name)
    return judge.verdict(candidate, snapshot.existing, snapshot.org, override or snapshot.policy).to_dict()


def _dry_run_candidate(body: dict[str, Any]) -> tuple[Candidate, str | None]:
    """The candidate of a dry-run body and its ``compatibilityPolicy`` override (400 when malformed)."""
    return candidate_from_body(body), bodies.optional_policy(body)


#: Most candidates one ``POST /dry-run/batch`` judges (the 2 MiB body limit applies as well).
MAX_BATCH = 100


def dry_run_batch_cost(body: dict[str, Any]) -> int:
    """How many write requests a batch counts for in the rate limit: one per candidate."""
    candidates = body.get("candidates")
    return min(len(candidates), MAX_BATCH) if isinstance(candidates, list) and candidates else 1


def dry_run_batch(store: Store, org: Org, body: dict[str, Any], judge: Judge = INLINE) -> dict[str, Any]:
    """Verdicts for many candidates, each exactly as ``POST /dry-run`` would answer it.

    ``{"candidates": [...]}`` → ``{"results": [...]}`` in the same order: ``{"verdict": ...}``
    where ``/dry-run`` answers 200, ``{"status": 400, "error": {...}}`` where it would refuse the
    request (that candidate's error body). Nothing is stored. Each candidate reads its own
    snapshot of the event's versions, as separate ``/dry-run`` calls would.
    """
    bodies.reject_unknown_fields(body, ("candidates",))
    candidates = body.get("candidates")
    if not isinstance(candidates, list) or not 1 <= len(candidates) <= MAX_BATCH:
        raise invalid_request(
            "candidates",
            f"candidates must be a list of 1 to {MAX_BATCH} dry-run bodies (each as POST /dry-run takes)",
        )
    results: list[dict[str, Any] | None] = []
    judged: list[int] = []  # positions of the candidates that reached judging
    items: list[tuple[Candidate, tuple[ExistingVersion, ...], OrgContext, str]] = []
    for item in candidates:
        try:
            candidate, override = _dry_run_candidate(bodies.require_object(item))
            with store.read() as tx:
                snapshot = read_snapshot(tx, org.id, candidate.namespace, candidate.name)
        except ApiError as error:
            results.append({"status": error.status, **error.body()})
            continue
        judged.append(len(results))
        results.append(None)
        items.append((candidate, snapshot.existing, snapshot.org, override or snapshot.policy))
    # One judging task for the whole batch (registry/judging.py); each verdict as /dry-run's.
    for position, outcome in zip(judged, judge.verdicts(org.id, items), strict=True):
        if isinstance(outcome, ApiError):
            results[position] = {"status": outcome.status, **outcome.body()}
        else:
            results[position] = {"verdict": outcome.to_dict()}
    return {"results": results}


def _subject(candidate: Candidate) -> str:
    return f"{candidate.namespace}.{candidate.name}@{candidate.version}"[:_SUBJECT_MAX]


def _record_refusal(store: Store, org: Org, candidate: Candidate, verdict: Verdict) -> None:
    codes = [str(p.code) for p in verdict.errors]
    now = now_text()
    with store.write(org.id) as tx:
        subject = _subject(candidate)
        lifecycle_log.append(tx, org.id, lifecycle_types.REQUESTED, subject, now, {"status": "refused"})
        lifecycle_log.append(
            tx, org.id, lifecycle_types.VALIDATION_FAILED, subject, now, {"code": codes[0], "codes": codes}
        )
        if str(Code.REGISTRATION_QUOTA_EXCEEDED) in codes:
            lifecycle_log.append(
                tx, org.id, lifecycle_types.QUOTA_EXCEEDED, subject, now, {"quota": "registrations"}
            )


def _refusal(tx_store: Store, org: Org, candidate: Candidate, verdict: Verdict) -> ApiError:
    """Log a refused registration and build its error (with the existing version if it exists)."""
    _record_refusal(tx_store, org, candidate, verdict)
    extra: dict[str, Any] = {}
    if verdict.errors[0].code is Code.VERSION_ALREADY_EXISTS:
        with tx_store.read() as tx:
            row = registration_rows.get_version(
                tx, org.id, candidate.namespace, candidate.name, candidate.version
            )
        if row is not None:
            extra["existing"] = views.registration(row)
    return problem_error(verdict.errors, extra)


def _row_for(org_id: str, candidate: Candidate, verdict: Verdict, now: str) -> dict[str, Any]:
    schema, _ = rules.parse_json_field(candidate.payload_schema, "payloadSchema")
    example_text = None
    if candidate.has_example:
        example, _ = rules.parse_json_field(candidate.payload_example, "payloadExample")
        example_text = json.dumps(example)
    major, minor, patch = rules.parse_version(candidate.version)
    return {
        "organization_id": org_id,
        "namespace": candidate.namespace,
        "name": candidate.name,
        "version": candidate.version,
        "version_major": major,
        "version_minor": minor,
        "version_patch": patch,
        "status": Status(candidate.status).value,
        "description": candidate.description,
        "payload_schema": json.dumps(schema),
        "payload_example": example_text,
        "schema_hash": verdict.schema_hash,
        "schema_flavour": str(verdict.schema_flavour),
        "created_at": now,
        "updated_at": now,
    }


def register(
    store: Store,
    org: Org,
    body: dict[str, Any],
    judge: Judge = INLINE,
    forked_from: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Register a version (201 body), or raise the error of the first broken rule.

    ``compatibilityPolicy`` in the body sets the event's policy with the registration (judged
    under it, stored and logged only when the version is registered). ``forked_from`` (a
    marketplace fork, docs/marketplace.md) is stored on the new version and logged as
    ``CUSTOM_EVENT_FORKED`` in the same transaction."""
    candidate = candidate_from_body(body)
    override = bodies.optional_policy(body)
    with store.read() as tx:
        first = read_snapshot(tx, org.id, candidate.namespace, candidate.name)
    verdict = judge.verdict(candidate, first.existing, first.org, override or first.policy)
    if not verdict.valid:
        raise _refusal(store, org, candidate, verdict)
    refused: Verdict | None = None
    stored: dict[str, Any] | None = None
    try:
        with store.write(org.id) as tx:
            now_snapshot = read_snapshot(tx, org.id, candidate.namespace, candidate.name)
            if now_snapshot.fingerprint() != first.fingerprint():
                verdict = judge.verdict(
                    candidate, now_snapshot.existing, now_snapshot.org, override or now_snapshot.policy
                )
            if not verdict.valid:
                refused = verdict
            else:
                now = now_text()
                row = _row_for(org.id, candidate, verdict, now)
                if forked_from is not None:
                    row["forked_from"] = json.dumps(forked_from, separators=(",", ":"))
                registration_rows.insert_registration(tx, row)
                _log_registered(tx, org.id, row, verdict)
                if override is not None and override != now_snapshot.policy:
                    _store_policy(
                        tx, org.id, candidate.namespace, candidate.name, now_snapshot.policy, override, now
                    )
                if forked_from is not None:
                    lifecycle_log.append(
                        tx,
                        org.id,
                        lifecycle_types.FORKED,
                        rules.canonical_name(org.id, row["namespace"], row["name"], row["version"]),
                        now,
                        {"forkedFrom": forked_from},
                    )
                stored = registration_rows.get_version(
                    tx, org.id, candidate.namespace, candidate.name, candidate.version
                )
    except Exception as exc:
        if not store.is_integrity_error(exc):
            raise
        # Only reachable if the serialisation above were bypassed: answer as the rules would.
        with store.read() as tx:
            snapshot = read_snapshot(tx, org.id, candidate.namespace, candidate.name)
        refused = judge.verdict(candidate, snapshot.existing, snapshot.org, override or snapshot.policy)
        if refused.valid:
            raise
    if refused is not None:
        raise _refusal(store, org, candidate, refused)
    assert stored is not None  # inserted in the transaction above
    return views.registration(stored)


def _log_registered(tx: Tx, org_id: str, row: dict[str, Any], verdict: Verdict) -> None:
    canonical = rules.canonical_name(org_id, row["namespace"], row["name"], row["version"])
    now = row["created_at"]
    base = {"namespace": row["namespace"], "name": row["name"], "version": row["version"]}
    steps: list[tuple[str, dict[str, Any]]] = [
        (lifecycle_types.REQUESTED, {**base, "status": row["status"]}),
        (
            lifecycle_types.VALIDATED,
            {
                "semverBump": None if verdict.semver_bump is None else str(verdict.semver_bump),
                "previousVersion": verdict.previous_version,
            },
        ),
        (lifecycle_types.PERSISTED, {"schemaHash": row["schema_hash"]}),
        (lifecycle_types.MATERIALISED, {"canonicalName": canonical}),
        (lifecycle_types.REGISTERED, {**base, "status": row["status"], "schemaHash": row["schema_hash"]}),
    ]
    lifecycle_log.append_many(tx, org_id, canonical, now, steps)


def _store_policy(tx: Tx, org_id: str, namespace: str, name: str, old: str, new: str, now: str) -> None:
    """Store a changed policy and log it: ``CUSTOM_EVENT_INVALIDATED`` with reason
    ``compatibility_policy_changed`` (verdicts judged under the old policy no longer hold)."""
    policy_rows.set_policy(tx, org_id, namespace, name, new, now)
    lifecycle_log.append(
        tx,
        org_id,
        lifecycle_types.INVALIDATED,
        f"{namespace}.{name}"[:_SUBJECT_MAX],
        now,
        {
            "reason": "compatibility_policy_changed",
            "namespace": namespace,
            "name": name,
            "compatibilityPolicy": new,
            "previousPolicy": old,
        },
    )


def _policy_view(tx: Tx, org_id: str, namespace: str, name: str) -> dict[str, Any]:
    row = policy_rows.get_policy(tx, org_id, namespace, name)
    return {
        "namespace": namespace,
        "name": name,
        "compatibilityPolicy": policy_rows.DEFAULT_POLICY if row is None else row["policy"],
        "updatedAt": None if row is None else row["updated_at"],
    }


def _require_event(tx: Tx, org_id: str, namespace: str, name: str) -> None:
    """404 unless the organisation has a version of (namespace, name) (another org's is a 404)."""
    if not registration_rows.versions_of(tx, org_id, namespace, name):
        raise coded_error(
            Code.EVENT_NOT_REGISTERED,
            f"{namespace}.{name} is not registered in this organisation; register a version first "
            "(or pass compatibilityPolicy with the registration)",
            "name",
        )


def get_policy(store: Store, org: Org, namespace: str, name: str) -> dict[str, Any]:
    """The event's compatibility policy."""
    with store.read() as tx:
        _require_event(tx, org.id, namespace, name)
        return _policy_view(tx, org.id, namespace, name)


def set_policy(store: Store, org: Org, namespace: str, name: str, body: dict[str, Any]) -> dict[str, Any]:
    """Set the event's compatibility policy (logged when it changes)."""
    bodies.reject_unknown_fields(body, POLICY_FIELDS)
    policy = bodies.optional_policy(body)
    if policy is None:
        raise invalid_request("compatibilityPolicy", 'compatibilityPolicy is required: "strict" or "lenient"')
    with store.write(org.id) as tx:
        _require_event(tx, org.id, namespace, name)
        old = policy_rows.policy_of(tx, org.id, namespace, name)
        if old != policy:
            _store_policy(tx, org.id, namespace, name, old, policy, now_text())
        return _policy_view(tx, org.id, namespace, name)


def _find(tx: Tx, org_id: str, namespace: str, name: str, version: str) -> dict[str, Any]:
    """One version (or ``latest`` = highest published), else 404 / 400."""
    if version == "latest":
        row = registration_rows.latest_published(tx, org_id, namespace, name)
        if row is None:
            raise coded_error(
                Code.EVENT_NOT_REGISTERED,
                f"{namespace}.{name} has no published version",
                "version",
            )
        return row
    if rules.validate_version(version):
        raise problem_error(rules.validate_version(version))
    row = registration_rows.get_version(tx, org_id, namespace, name, version)
    if row is None:
        raise coded_error(
            Code.EVENT_NOT_REGISTERED,
            f"{namespace}.{name} version {version} is not registered in this organisation",
            "version",
        )
    return row


def get(store: Store, org: Org, namespace: str, name: str, version: str) -> dict[str, Any]:
    """One registration (``version`` may be ``latest``)."""
    with store.read() as tx:
        return views.registration(_find(tx, org.id, namespace, name, version))


def usage(store: Store, org: Org, namespace: str, name: str, version: str) -> dict[str, Any]:
    """How much one version is used: accepted emits in the last 7 days and the newest one's time.

    Read-only; a Terraform plan reads it before archiving the version (docs/registry.md).
    """
    since = days_ago_text(7)
    with store.read() as tx:
        row = _find(tx, org.id, namespace, name, version)
        count, last = emit_rows.recent_for_version(
            tx, org.id, row["namespace"], row["name"], row["version"], since
        )
    return {
        "namespace": row["namespace"],
        "name": row["name"],
        "version": row["version"],
        "canonicalName": rules.canonical_name(org.id, row["namespace"], row["name"], row["version"]),
        "status": row["status"],
        "recentEmits7d": count,
        "lastEmittedAt": last,
        "since": since,
    }


def _legal_targets(old: Status) -> list[str]:
    return [s.value for s in Status if s is not old and rules.legal_status_transition(old, s)]


def update(
    store: Store, org: Org, namespace: str, name: str, version: str, body: dict[str, Any]
) -> dict[str, Any]:
    """Change the status and/or description of one version (PATCH)."""
    bodies.reject_unknown_fields(
        body,
        PATCH_FIELDS,
        "; a version's payloadSchema and payloadExample are immutable, so register a new version to "
        "change them, and only status and description of an existing version can change",
    )
    status = bodies.optional_status(body)
    has_description = "description" in body
    description = bodies.optional_str(body, "description")
    if status is None and not has_description:
        raise ApiError(
            400,
            str(Code.INVALID_REQUEST),
            "send at least one of status (draft, published, archived) or description",
            {"field": "status"},
        )
    return _change(store, org, namespace, name, version, status, has_description, description)


def archive(store: Store, org: Org, namespace: str, name: str, version: str) -> dict[str, Any]:
    """Archive one version (DELETE); archiving an archived version changes nothing."""
    return _change(store, org, namespace, name, version, Status.ARCHIVED, False, None)


def _change(
    store: Store,
    org: Org,
    namespace: str,
    name: str,
    version: str,
    status: Status | None,
    has_description: bool,
    description: str | None,
) -> dict[str, Any]:
    with store.write(org.id) as tx:
        row = _find(tx, org.id, namespace, name, version)
        old = Status(row["status"])
        changes: dict[str, Any] = {}
        if status is not None and status is not old:
            _check_status_change(tx, org, row, old, status)
            changes["status"] = status.value
        if has_description and description != row["description"]:
            changes["description"] = description
        if changes:
            now = now_text()
            changes["updated_at"] = now
            registration_rows.update_version(tx, org.id, namespace, name, row["version"], changes)
            if changes.get("status") == Status.ARCHIVED.value:
                canonical = rules.canonical_name(org.id, namespace, name, row["version"])
                lifecycle_log.append(
                    tx,
                    org.id,
                    lifecycle_types.INVALIDATED,
                    canonical,
                    now,
                    {
                        "namespace": namespace,
                        "name": name,
                        "version": row["version"],
                        "previousStatus": old.value,
                    },
                )
        updated = registration_rows.get_version(tx, org.id, namespace, name, row["version"])
    assert updated is not None
    return views.registration(updated)


def _check_status_change(tx: Tx, org: Org, row: dict[str, Any], old: Status, new: Status) -> None:
    if (row["namespace"], row["name"]) == GENERIC and new is Status.ARCHIVED:
        raise coded_error(
            Code.CANNOT_ARCHIVE_GENERIC_EVENT,
            "platformxe.generic is the system-managed catch-all event of every organisation and cannot be archived",
            "status",
        )
    if not rules.legal_status_transition(old, new):
        targets = _legal_targets(old)
        raise coded_error(
            Code.INVALID_STATUS_TRANSITION,
            f"status cannot change from {old.value} to {new.value}; from {old.value} the legal targets "
            f"are: {', '.join(targets) or 'none'}",
            "status",
            legal=targets,
        )
    if old is Status.ARCHIVED:
        _check_republish_quota(tx, org, row)


def _check_republish_quota(tx: Tx, org: Org, row: dict[str, Any]) -> None:
    """Re-publishing the only live version of an event adds a registration: the cap applies."""
    siblings = registration_rows.versions_of(tx, org.id, row["namespace"], row["name"])
    if any(s["status"] != Status.ARCHIVED.value for s in siblings):
        return
    org_row = org_rows.get_org(tx, org.id)
    plan = PlanTier(org_row["plan"]) if org_row is not None else org.plan
    limit = rules.registration_limit(plan)
    used = registration_rows.count_registrations(tx, org.id, GENERIC)
    if limit is not None and used >= limit:
        raise coded_error(
            Code.REGISTRATION_QUOTA_EXCEEDED,
            f"re-publishing {row['namespace']}.{row['name']} would make it count again, but the "
            f"{plan.value.title()} plan allows {limit} events and {used} are in use; archive another "
            "event or upgrade the plan",
            "status",
            plan=plan.value,
            used=used,
            limit=limit,
        )


def list_registrations(store: Store, org: Org, query: dict[str, str]) -> dict[str, Any]:
    """A page of registrations, ordered by (namespace, name, version numerically)."""
    limit = bodies.query_limit(query)
    status = query.get("status") or None
    if status is not None:
        bodies.optional_status({"status": status})
    after = cursors.decode_registration_cursor(query.get("cursor"))
    with store.read() as tx:
        rows = registration_rows.list_page(
            tx,
            org.id,
            namespace=query.get("namespace") or None,
            name=query.get("name") or None,
            status=status,
            after=after,
            limit=limit + 1,
        )
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = cursors.encode_registration_cursor(rows[-1]) if more else None
    return {"items": [views.registration(r) for r in rows], "nextCursor": next_cursor}
