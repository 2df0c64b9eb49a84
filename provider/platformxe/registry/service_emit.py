"""Emits, health and the lifecycle log.

An emit is judged outside any lock (target lookup, plan rules, payload size and schema — the
slow part), then written in the organisation's write transaction, which re-checks the
idempotency key and the monthly ceiling so that neither can be raced past: concurrent emits
with one key produce one audit row and every caller gets its ``eventId``; the ceiling allows
exactly the tier's number. Accepted emits get an audit row, an outbox row (``queued``, for the
bus) and a ``CUSTOM_EVENT_EMIT_REQUESTED`` event; refused ones a failure row and
``CUSTOM_EVENT_EMIT_REJECTED`` / ``CUSTOM_EVENT_QUOTA_EXCEEDED`` / ``CUSTOM_EVENT_CHAIN_TRUNCATED``.
An emit with ``causationId`` continues a chain: its depth is its cause's + 1, capped at 50.
``health.recentFailures`` lists emits whose *delivery* failed (docs/bus.md).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from platformxe import rules
from platformxe.registry import bodies, cursors, lifecycle_types, views
from platformxe.registry.clock import month_of, now_text
from platformxe.registry.errors import ApiError, coded_error, problem_error
from platformxe.registry.judging import INLINE, Judge
from platformxe.registry.service_registrations import GENERIC
from platformxe.registry.storage import Store
from platformxe.registry.storage import deliveries as delivery_rows
from platformxe.registry.storage import emits as emit_rows
from platformxe.registry.storage import lifecycle as lifecycle_log
from platformxe.registry.storage import orgs as org_rows
from platformxe.registry.storage import registrations as registration_rows
from platformxe.registry.tenancy import Org, org_from_row
from platformxe.rules import Code, PlanTier, Status
from platformxe.rules.payload import payload_size

#: Longest idempotency key accepted.
MAX_IDEMPOTENCY_KEY = 255
#: Longest event name kept in a failure row (refused names are untrusted input).
_NAME_MAX = 200
#: Fields of an emit body (the OpenAPI EmitRequest schema, closed).
EMIT_FIELDS = ("name", "payload", "version", "idempotencyKey", "causationId")
#: Depth of the deepest event a chain may reach (the seed's cap); an emit past it is refused.
MAX_CHAIN_DEPTH = 50


@dataclass(frozen=True)
class EmitRequest:
    """A parsed emit body."""

    name: str
    payload: Any
    version: str | None
    idempotency_key: str | None
    causation_id: str | None = None


def parse_emit(body: dict[str, Any]) -> EmitRequest:
    """An :class:`EmitRequest`, or 400 ``invalid_request`` naming the field."""
    bodies.reject_unknown_fields(body, EMIT_FIELDS)
    return EmitRequest(
        name=bodies.require_str(body, "name"),
        payload=bodies.require_present(body, "payload", "the event's JSON payload"),
        version=bodies.optional_str(body, "version"),
        idempotency_key=bodies.optional_str(body, "idempotencyKey", max_length=MAX_IDEMPOTENCY_KEY),
        causation_id=bodies.optional_str(body, "causationId", max_length=MAX_IDEMPOTENCY_KEY),
    )


@dataclass(frozen=True)
class FederatedCause:
    """The owner's event a federated re-emit continues (docs/federation.md): in another organisation,
    so it is handed over by the bus instead of looked up by ``causationId``."""

    event_id: str
    chain_depth: int
    organization_id: str
    group_id: str


class _Refused(Exception):
    def __init__(self, error: ApiError, version: str | None) -> None:
        super().__init__(error.message)
        self.error = error
        self.version = version


def _plan_name(plan: PlanTier) -> str:
    return plan.value.title()


def _resolve_target(
    org: Org, plan: PlanTier, request: EmitRequest, rows: list[dict[str, Any]]
) -> dict[str, Any]:
    """The registration an emit goes to, or :class:`_Refused` with its error code."""
    label = request.name
    if not rows:
        raise _Refused(
            coded_error(
                Code.EVENT_NOT_REGISTERED,
                f"{label} is not registered in this organisation; register it first, or emit "
                "platformxe.generic",
                "name",
            ),
            request.version,
        )
    namespace, name = rows[0]["namespace"], rows[0]["name"]
    published = [r for r in rows if r["status"] == Status.PUBLISHED.value]
    latest = published[-1] if published else None  # rows come lowest version first
    if (namespace, name) != GENERIC and not rules.may_emit_registered(plan):
        raise _Refused(
            coded_error(
                Code.EVENT_NOT_PUBLISHED,
                f"the {_plan_name(plan)} plan may only emit platformxe.generic; {label} is not "
                "routed on this plan (upgrade to Basic or above to emit registered events)",
                "name",
                plan=plan.value,
            ),
            request.version,
        )
    if request.version is None:
        if latest is None:
            raise _Refused(
                coded_error(
                    Code.EVENT_NOT_PUBLISHED,
                    f"{label} has no published version (its versions are draft or archived); publish one "
                    "or pin a published version",
                    "name",
                ),
                None,
            )
        return latest
    version_problems = rules.validate_version(request.version)
    if version_problems:
        raise _Refused(problem_error(version_problems), request.version)
    match = next((r for r in rows if r["version"] == request.version), None)
    if match is None:
        raise _Refused(
            coded_error(
                Code.EVENT_NOT_REGISTERED,
                f"{label} has no version {request.version} in this organisation",
                "version",
            ),
            request.version,
        )
    if match["status"] != Status.PUBLISHED.value:
        raise _Refused(
            coded_error(
                Code.EVENT_NOT_PUBLISHED,
                f"{label} {request.version} is {match['status']}, not published; only published versions "
                "receive emits",
                "version",
                status=match["status"],
            ),
            request.version,
        )
    if not rules.may_pin_version(plan) and latest is not None and match["version"] != latest["version"]:
        raise _Refused(
            coded_error(
                Code.EVENT_NOT_PUBLISHED,
                f"the {_plan_name(plan)} plan routes emits to the latest published version; omit version "
                f"or pin {latest['version']}",
                "version",
                plan=plan.value,
                latestVersion=latest["version"],
            ),
            request.version,
        )
    return match


def _record_failure(
    store: Store, org: Org, request: EmitRequest, version: str | None, error: ApiError
) -> None:
    now = now_text()
    name = request.name[:_NAME_MAX]
    version = None if version is None else version[:_NAME_MAX]
    quota = error.code == str(Code.MONTHLY_EMIT_QUOTA_EXCEEDED)
    truncated = error.code == str(Code.CHAIN_DEPTH_EXCEEDED)
    with store.write(org.id) as tx:
        emit_rows.insert_failure(
            tx,
            {
                "organization_id": org.id,
                "name": name,
                "version": version,
                "code": error.code,
                # Messages may quote the payload; PostgreSQL text cannot hold NUL.
                "message": error.message.replace("\x00", "\\u0000"),
                "event_id": None,
                "occurred_at": now,
            },
        )
        subject = name if version is None else f"{name}@{version}"
        lifecycle_log.append(
            tx,
            org.id,
            lifecycle_types.QUOTA_EXCEEDED
            if quota
            else lifecycle_types.CHAIN_TRUNCATED
            if truncated
            else lifecycle_types.EMIT_REJECTED,
            subject,
            now,
            {
                "code": error.code,
                "message": error.message,
                **({"quota": "monthlyEmits"} if quota else {}),
                **({"causationId": request.causation_id} if truncated else {}),
            },
        )


def emit(
    store: Store,
    org: Org,
    body: dict[str, Any],
    judge: Judge = INLINE,
    federated: FederatedCause | None = None,
) -> dict[str, Any]:
    """Accept an emit (the 202 body) or raise the refusal (large payloads judged by ``judge``).

    ``federated``: a re-emit the bus makes for a federation peer; its cause is the owner's event
    (the body's ``causationId``), in another organisation, so it is not looked up here.
    """
    request = parse_emit(body)
    key = request.idempotency_key
    with store.read() as tx:
        if key is not None:
            earlier = emit_rows.find_by_idempotency_key(tx, org.id, key)
            if earlier is not None:  # a replay: the first answer, whatever changed since
                return views.emit_answer(earlier, duplicate=True)
        org_row = org_rows.get_org(tx, org.id)
        plan = org_from_row(org_row).plan if org_row is not None else org.plan
        try:
            namespace, name = rules.split_event_name(request.name)
        except ValueError:
            namespace, name = "", ""
        rows = registration_rows.versions_of(tx, org.id, namespace, name) if namespace else []
        if federated is not None:
            cause: dict[str, Any] | None = {"chain_depth": federated.chain_depth}
        elif request.causation_id is not None:
            cause = emit_rows.find_event(tx, org.id, request.causation_id)
        else:
            cause = None
    try:
        depth = _chain_depth(request, cause)
        target = _resolve_target(org, plan, request, rows)
        problems = rules.check_payload_size(request.payload)
        if not problems:
            schema = json.loads(target["payload_schema"])
            problems = judge.payload(org.id, schema, request.payload, payload_size(request.payload))
        if problems:
            raise _Refused(problem_error(problems), target["version"])
        return _accept(store, org, request, target, depth, federated)
    except _Refused as refused:
        _record_failure(store, org, request, refused.version, refused.error)
        raise refused.error from None


def _chain_depth(request: EmitRequest, cause: dict[str, Any] | None) -> int:
    """The depth of the event an emit makes: 0, or its cause's + 1 (refused past the cap)."""
    if request.causation_id is None:
        return 0
    if cause is None:
        # Another organisation's event id is answered exactly like an unknown one.
        raise _Refused(
            coded_error(
                Code.EVENT_NOT_REGISTERED,
                f"causationId {request.causation_id} is not an event of this organisation; pass the "
                "eventId of a delivery you received, or omit causationId",
                "causationId",
            ),
            request.version,
        )
    depth = int(cause["chain_depth"]) + 1
    if depth > MAX_CHAIN_DEPTH:
        raise _Refused(
            coded_error(
                Code.CHAIN_DEPTH_EXCEEDED,
                f"this emit would be {depth} deep in a chain (causationId {request.causation_id} is at depth "
                f"{depth - 1}); the platform caps chains at {MAX_CHAIN_DEPTH}, so nothing is emitted or "
                "delivered — end the chain or start a new one without causationId",
                "causationId",
                chainDepth=depth,
                maxChainDepth=MAX_CHAIN_DEPTH,
            ),
            request.version,
        )
    return depth


def _accept(
    store: Store,
    org: Org,
    request: EmitRequest,
    target: dict[str, Any],
    depth: int = 0,
    federated: FederatedCause | None = None,
) -> dict[str, Any]:
    now = now_text()
    month = month_of(now)
    canonical = rules.canonical_name(org.id, target["namespace"], target["name"], target["version"])
    row = {
        "event_id": "evt_" + uuid.uuid4().hex,
        "organization_id": org.id,
        "namespace": target["namespace"],
        "name": target["name"],
        "version": target["version"],
        "canonical_name": canonical,
        "payload": json.dumps(request.payload, separators=(",", ":"), ensure_ascii=False),
        "idempotency_key": request.idempotency_key,
        "created_at": now,
        "month": month,
        "chain_depth": depth,
        "causation_id": request.causation_id,
    }
    with store.write(org.id) as tx:
        if request.idempotency_key is not None:
            earlier = emit_rows.find_by_idempotency_key(tx, org.id, request.idempotency_key)
            if earlier is not None:
                return views.emit_answer(earlier, duplicate=True)
        org_row = org_rows.get_org(tx, org.id)
        plan = org_from_row(org_row).plan if org_row is not None else org.plan
        limit = rules.monthly_emit_limit(plan)
        if limit is not None:
            used = emit_rows.count_month(tx, org.id, month)
            if used >= limit:
                error = coded_error(
                    Code.MONTHLY_EMIT_QUOTA_EXCEEDED,
                    f"the {_plan_name(plan)} plan allows {limit:,} emits per calendar month (UTC) and "
                    f"{used:,} were accepted in {month}; upgrade the plan or wait for next month",
                    "name",
                    plan=plan.value,
                    used=used,
                    limit=limit,
                    month=month,
                )
                raise _Refused(error, target["version"])
        if not emit_rows.insert_emit(tx, row):
            # Lost a race on the idempotency index after all: answer with the winner's row.
            earlier = emit_rows.find_by_idempotency_key(tx, org.id, request.idempotency_key or "")
            assert earlier is not None
            return views.emit_answer(earlier, duplicate=True)
        lifecycle_log.append(
            tx,
            org.id,
            lifecycle_types.EMIT_REQUESTED,
            canonical,
            now,
            {
                "eventId": row["event_id"],
                "version": target["version"],
                "idempotencyKey": request.idempotency_key,
                **(
                    {"causationId": request.causation_id, "chainDepth": depth} if request.causation_id else {}
                ),
                **(
                    {
                        "federatedFrom": {
                            "eventId": federated.event_id,
                            "organizationId": federated.organization_id,
                            "groupId": federated.group_id,
                        }
                    }
                    if federated is not None
                    else {}
                ),
            },
        )
    return views.emit_answer(row, duplicate=False)


def health(store: Store, org: Org) -> dict[str, Any]:
    """Plan, usage against limits and the last 10 emits whose delivery failed."""
    with store.read() as tx:
        org_row = org_rows.get_org(tx, org.id)
        plan = org_from_row(org_row).plan if org_row is not None else org.plan
        used = registration_rows.count_registrations(tx, org.id, GENERIC)
        this_month = emit_rows.count_month(tx, org.id, month_of(now_text()))
        failures = delivery_rows.recent_failed_emits(tx, org.id, 10)
    return {
        "plan": plan.value.upper(),
        "registrations": {"used": used, "limit": rules.registration_limit(plan)},
        "emits": {"thisMonth": this_month, "monthlyLimit": rules.monthly_emit_limit(plan)},
        "recentFailures": [views.failure(f) for f in failures],
    }


def lifecycle_events(store: Store, org: Org, query: dict[str, str]) -> dict[str, Any]:
    """A page of the organisation's lifecycle log, oldest first."""
    limit = bodies.query_limit(query)
    # docs/registry.md calls it a "since cursor": ?since= is the same parameter as ?cursor=. Both
    # mean "after this id", so when both are sent the page starts after the later one.
    after = max(
        cursors.decode_lifecycle_cursor(query.get("cursor"), "cursor"),
        cursors.decode_lifecycle_cursor(query.get("since"), "since"),
    )
    with store.read() as tx:
        rows = lifecycle_log.page(tx, org.id, after, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": [views.lifecycle_event(r) for r in rows],
        "nextCursor": str(rows[-1]["id"]) if more else None,
    }
