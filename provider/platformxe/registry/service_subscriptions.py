"""Subscriptions (webhooks and built-in workflows), one emit's deliveries, and replays.

Every read and write is scoped to the caller's organisation: another organisation's
subscription or event id is answered exactly like an unknown one (404), never with data.
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import UTC, datetime
from typing import Any

from platformxe import rules
from platformxe.registry import bodies, cursors
from platformxe.registry.bus import signing
from platformxe.registry.bus.settings import BusSettings
from platformxe.registry.bus.settle import settle
from platformxe.registry.bus.urls import WebhookUrlRefused, check_url
from platformxe.registry.clock import now_text, parse_timestamp
from platformxe.registry.errors import ApiError, coded_error, invalid_request
from platformxe.registry.parameters import (
    EVENT_REF_CORE,
    JSON_POINTER_CORE,
    NAME_CORE,
    NAMESPACE_CORE,
    WORKFLOW_EMIT_CORE,
)
from platformxe.registry.storage import Store, Tx
from platformxe.registry.storage import deliveries as delivery_rows
from platformxe.registry.storage import emits as emit_rows
from platformxe.registry.storage import federation as federation_rows
from platformxe.registry.storage import orgs as org_rows
from platformxe.registry.storage import registrations as registration_rows
from platformxe.registry.storage import subscriptions as subscription_rows
from platformxe.registry.tenancy import Org, org_from_row
from platformxe.rules import Code, PlanTier
from platformxe.rules.semver import MAX_VERSION_PART

CREATE_FIELDS = ("url", "events", "kinds", "description", "enabled", "secret", "kind", "workflow")
UPDATE_FIELDS = ("url", "events", "kinds", "description", "enabled", "workflow")
KINDS = ("webhook", "workflow")
MAX_EVENTS = 100
MAX_KINDS = 100
MAX_DESCRIPTION = 1000
#: Subscriptions per organisation on each plan (docs/bus.md).
SUBSCRIPTION_CAPS: dict[PlanTier, int] = {
    PlanTier.FREE: 5,
    PlanTier.BASIC: 25,
    PlanTier.PRO: 100,
    PlanTier.ENTERPRISE: 1000,
}
#: Hours the previous secret keeps signing after a rotation.
ROTATION_OVERLAP_HOURS = 24
_GENERIC_REF = f"{rules.GENERIC_NAMESPACE}.{rules.GENERIC_NAME}@{rules.GENERIC_VERSION}"
_EVENT_REF = re.compile(EVENT_REF_CORE)
_WORKFLOW_EMIT = re.compile(WORKFLOW_EMIT_CORE)
_POINTER = re.compile(JSON_POINTER_CORE)


def _not_found(sub_id: str) -> ApiError:
    return ApiError(404, "not_found", f"no subscription {sub_id} in this organisation", {"field": "id"})


def _emit_not_found(event_id: str) -> ApiError:
    return ApiError(
        404, "not_found", f"no emitted event {event_id} in this organisation", {"field": "eventId"}
    )


def view(row: dict[str, Any], secret: str | None = None) -> dict[str, Any]:
    """The subscription representation (the secret only when just made or rotated)."""
    out: dict[str, Any] = {
        "id": row["id"],
        "kind": row["kind"],
        "url": row["url"],
        "events": json.loads(row["events"]),
        "canonicalNames": json.loads(row["canonical_names"]),
        "kinds": json.loads(row["kinds"]),
        "workflow": None if row["workflow"] is None else json.loads(row["workflow"]),
        "description": row["description"],
        "enabled": bool(row["enabled"]),
        "disabledReason": row["disabled_reason"],
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
    }
    if secret is not None:
        out["secret"] = secret
    return out


# -- parsing ---------------------------------------------------------------------------------------


def _string_list(body: dict[str, Any], field: str, limit: int) -> list[str]:
    value = body.get(field)
    if not isinstance(value, list):
        raise invalid_request(field, f"{field} must be an array of strings")
    if len(value) > limit:
        raise invalid_request(field, f"{field} may list at most {limit} entries")
    out: list[str] = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item:
            raise invalid_request(field, f"{field}[{i}] must be a non-empty string")
        bodies.check_text(field, item)
        if item not in out:
            out.append(item)
    return out


def _split_ref(field: str, ref: str, version_required: bool = True) -> tuple[str, str, str | None]:
    name, at, version = ref.partition("@")
    try:
        namespace, short = rules.split_event_name(name)
    except ValueError:
        raise invalid_request(
            field,
            f'{field}: {ref!r} is not "<namespace>.<name>@<version>", e.g. lettings.property.favorited@1.0.0',
        ) from None
    if not at and version_required:
        raise invalid_request(field, f"{field}: {ref!r} needs its exact version: {ref}@<MAJOR.MINOR.PATCH>")
    if at:
        problems = rules.validate_version(version)
        if problems:
            raise invalid_request(field, f"{field}: {ref!r}: {problems[0].message}")
    return namespace, short, version or None


def _check_refs(refs: list[str]) -> list[str]:
    """``refs`` when each is an exact ``<namespace>.<name>@<version>`` (the published pattern)."""
    for i, ref in enumerate(refs):
        if _EVENT_REF.fullmatch(ref) is None:
            shown = ref if len(ref) <= 120 else ref[:117] + "..."
            raise invalid_request(
                "events",
                f"events[{i}] {shown!r} is not <namespace>.<name>@<MAJOR.MINOR.PATCH>, e.g. "
                f"lettings.property.favorited@1.0.0 (namespace ^{NAMESPACE_CORE}$, name ^{NAME_CORE}$, "
                f"each version number at most {MAX_VERSION_PART})",
            )
    return refs


def _resolve_events(tx: Tx, org: Org, plan: PlanTier, refs: list[str]) -> list[str]:
    canonical: list[str] = []
    for ref in refs:
        namespace, name, version = _split_ref("events", ref)
        assert version is not None
        if (namespace, name) != (
            rules.GENERIC_NAMESPACE,
            rules.GENERIC_NAME,
        ) and not rules.may_emit_registered(plan):
            raise invalid_request(
                "events",
                f"the {plan.value.title()} plan may subscribe to {_GENERIC_REF} only; {ref} needs Basic or above",
            )
        if registration_rows.get_version(tx, org.id, namespace, name, version) is None:
            raise coded_error(
                Code.EVENT_NOT_REGISTERED,
                f"events: {ref} is not registered in this organisation; subscribe to registered versions only",
                "events",
                event=ref,
            )
        canonical.append(rules.canonical_name(org.id, namespace, name, version))
    return canonical


def _check_kinds(events: list[str], kinds: list[str]) -> None:
    if kinds and _GENERIC_REF not in events:
        raise invalid_request(
            "kinds",
            f"kinds route {_GENERIC_REF} by its payload's kind; add {_GENERIC_REF} to events or drop kinds",
        )


def _check_url(url: str, settings: BusSettings) -> str:
    try:
        check_url(url, settings.allow_private_webhooks)
    except WebhookUrlRefused as refused:
        raise coded_error(Code.INVALID_WEBHOOK_URL, f"url: {refused}", "url", url=url[:200]) from None
    return url


def _workflow(tx: Tx, org: Org, value: Any) -> str:
    if not isinstance(value, dict):
        raise invalid_request(
            "workflow", 'workflow must be an object: {"emit": "<namespace>.<name>@<version>"}'
        )
    unknown = sorted(set(value) - {"emit", "payloadPointer"})
    if unknown:
        raise invalid_request(
            "workflow", f"workflow has unknown fields {unknown}; accepted: emit, payloadPointer"
        )
    emit = value.get("emit")
    if not isinstance(emit, str) or _WORKFLOW_EMIT.fullmatch(emit) is None:
        raise invalid_request(
            "workflow",
            "workflow.emit is required: the event to emit, <namespace>.<name>[@<MAJOR.MINOR.PATCH>] "
            "(e.g. lettings.order.confirmed or lettings.order.confirmed@1.0.0)",
        )
    namespace, name, version = _split_ref("workflow", emit, version_required=False)
    found = (
        registration_rows.get_version(tx, org.id, namespace, name, version)
        if version
        else (registration_rows.versions_of(tx, org.id, namespace, name) or None)
    )
    if not found:
        raise coded_error(
            Code.EVENT_NOT_REGISTERED,
            f"workflow.emit: {emit} is not registered in this organisation",
            "workflow",
        )
    pointer = value.get("payloadPointer")
    if pointer is not None and (not isinstance(pointer, str) or _POINTER.fullmatch(pointer) is None):
        raise invalid_request(
            "workflow",
            'workflow.payloadPointer must be an RFC 6901 JSON pointer such as "/order" ("" or null: the '
            'whole payload; "~" only as ~0 or ~1; no NUL)',
        )
    spec: dict[str, Any] = {"emit": emit}
    if pointer:
        spec["payloadPointer"] = pointer
    return json.dumps(spec, separators=(",", ":"))


def _description(body: dict[str, Any]) -> str | None:
    value = body.get("description")
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_DESCRIPTION:
        raise invalid_request(
            "description", f"description must be a string of at most {MAX_DESCRIPTION} characters"
        )
    return bodies.check_text("description", value)


def _enabled(body: dict[str, Any]) -> bool:
    value = body.get("enabled", True)
    if not isinstance(value, bool):
        raise invalid_request("enabled", "enabled must be true or false")
    return value


def _plan(tx: Tx, org: Org) -> PlanTier:
    row = org_rows.get_org(tx, org.id)
    return org_from_row(row).plan if row is not None else org.plan


# -- subscriptions -------------------------------------------------------------------------------


def create(store: Store, org: Org, body: dict[str, Any], settings: BusSettings) -> dict[str, Any]:
    """POST /subscriptions: 201 with the secret (generated when absent)."""
    bodies.reject_unknown_fields(body, CREATE_FIELDS)
    kind = body.get("kind", "webhook")
    if kind not in KINDS:
        raise invalid_request("kind", f'kind must be "webhook" or "workflow", not {kind!r}')
    events = _check_refs(_string_list(body, "events", MAX_EVENTS))
    if not events:
        raise invalid_request("events", 'events must name at least one "<namespace>.<name>@<version>"')
    kinds = _string_list(body, "kinds", MAX_KINDS) if body.get("kinds") is not None else []
    _check_kinds(events, kinds)
    url: str | None = None
    if kind == "webhook":
        url = _check_url(bodies.require_str(body, "url"), settings)
        if body.get("workflow") is not None:
            raise invalid_request("workflow", 'workflow belongs to kind "workflow" subscriptions')
    elif body.get("url") is not None:
        raise invalid_request("url", 'a kind "workflow" subscription emits an event; it has no url')
    secret = bodies.optional_str(body, "secret")
    if secret is not None and signing.secret_key(secret) is None:
        raise invalid_request(
            "secret", "secret must be whsec_ followed by the base64 of 24 to 64 random bytes"
        )
    secret = secret or signing.new_secret()
    now = now_text()
    with store.write(org.id) as tx:
        plan = _plan(tx, org)
        canonical = _resolve_events(tx, org, plan, events)
        workflow = _workflow(tx, org, body.get("workflow")) if kind == "workflow" else None
        cap = SUBSCRIPTION_CAPS[plan]
        used = subscription_rows.count(tx, org.id)
        if used >= cap:
            raise coded_error(
                Code.SUBSCRIPTION_QUOTA_EXCEEDED,
                f"the {plan.value.title()} plan allows {cap} subscriptions and this organisation has {used}; "
                "delete one or upgrade the plan",
                "events",
                limit=cap,
                used=used,
            )
        row = {
            "id": "sub_" + secrets.token_hex(12),
            "organization_id": org.id,
            "kind": kind,
            "url": url,
            "events": json.dumps(events),
            "canonical_names": json.dumps(canonical),
            "kinds": json.dumps(kinds),
            "workflow": workflow,
            "description": _description(body),
            "enabled": 1 if _enabled(body) else 0,
            "disabled_reason": None,
            "secret": secret,
            "previous_secret": None,
            "previous_secret_until": None,
            "created_at": now,
            "updated_at": now,
        }
        subscription_rows.insert(tx, row)
    return view(row, secret=secret)


def _next(row: dict[str, Any]) -> str:
    return cursors.encode_opaque_cursor(row["created_at"], row["id"])


def list_subscriptions(store: Store, org: Org, query: dict[str, str]) -> dict[str, Any]:
    """GET /subscriptions: a page, oldest first; never a secret."""
    limit = bodies.query_limit(query)
    after = cursors.decode_opaque_cursor(query.get("cursor"), "sub_")
    with store.read() as tx:
        rows = subscription_rows.page(tx, org.id, after, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [view(r) for r in rows], "nextCursor": _next(rows[-1]) if more else None}


def get(store: Store, org: Org, sub_id: str) -> dict[str, Any]:
    """GET /subscriptions/{id}."""
    with store.read() as tx:
        row = subscription_rows.get(tx, org.id, sub_id)
    if row is None:
        raise _not_found(sub_id)
    return view(row)


def update(
    store: Store, org: Org, sub_id: str, body: dict[str, Any], settings: BusSettings
) -> dict[str, Any]:
    """PATCH /subscriptions/{id}: url, events, kinds, description, enabled (and a workflow's target)."""
    bodies.reject_unknown_fields(body, UPDATE_FIELDS)
    if not body:
        raise invalid_request("body", f"send at least one of {', '.join(UPDATE_FIELDS)}")
    with store.write(org.id) as tx:
        row = subscription_rows.get(tx, org.id, sub_id)
        if row is None:
            raise _not_found(sub_id)
        now = now_text()
        changes: dict[str, Any] = {"updated_at": now}
        events = json.loads(row["events"])
        if "events" in body:
            events = _check_refs(_string_list(body, "events", MAX_EVENTS))
            if not events:
                raise invalid_request(
                    "events", 'events must name at least one "<namespace>.<name>@<version>"'
                )
            changes["events"] = json.dumps(events)
            changes["canonical_names"] = json.dumps(_resolve_events(tx, org, _plan(tx, org), events))
        kinds = json.loads(row["kinds"])
        if "kinds" in body:
            kinds = _string_list(body, "kinds", MAX_KINDS) if body["kinds"] is not None else []
            changes["kinds"] = json.dumps(kinds)
        _check_kinds(events, kinds)
        if "url" in body:
            if row["kind"] != "webhook":
                raise invalid_request("url", 'a kind "workflow" subscription has no url')
            changes["url"] = _check_url(bodies.require_str(body, "url"), settings)
        if "workflow" in body:
            if row["kind"] != "workflow":
                raise invalid_request("workflow", 'workflow belongs to kind "workflow" subscriptions')
            changes["workflow"] = _workflow(tx, org, body["workflow"])
        if "description" in body:
            changes["description"] = _description(body)
        if "enabled" in body:
            enabled = _enabled(body)
            changes["enabled"] = 1 if enabled else 0
            if enabled:
                changes["disabled_reason"] = None
        subscription_rows.update(tx, org.id, sub_id, changes)
        updated = subscription_rows.get(tx, org.id, sub_id)
    assert updated is not None
    return view(updated)


def delete(store: Store, org: Org, sub_id: str) -> dict[str, Any]:
    """DELETE /subscriptions/{id}: gone; its pending deliveries end as failed."""
    with store.write(org.id) as tx:
        row = subscription_rows.get(tx, org.id, sub_id)
        if row is None:
            raise _not_found(sub_id)
        now = now_text()
        subscription_rows.delete(tx, org.id, sub_id)
        for event_id in delivery_rows.fail_pending_of_subscription(
            tx, sub_id, "the subscription was deleted", now
        ):
            settle(tx, event_id, now)
    return {"id": sub_id, "deleted": True}


def rotate_secret(store: Store, org: Org, sub_id: str) -> dict[str, Any]:
    """POST /subscriptions/{id}/rotate-secret: a new secret; the old one signs too for 24 h."""
    with store.write(org.id) as tx:
        row = subscription_rows.get(tx, org.id, sub_id)
        if row is None:
            raise _not_found(sub_id)
        now = now_text()
        until = datetime.now(UTC).timestamp() + ROTATION_OVERLAP_HOURS * 3600
        secret = signing.new_secret()
        subscription_rows.update(
            tx,
            org.id,
            sub_id,
            {
                "secret": secret,
                "previous_secret": row["secret"],
                "previous_secret_until": datetime.fromtimestamp(until, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "updated_at": now,
            },
        )
    return {"id": sub_id, "secret": secret}


def _since(body: dict[str, Any]) -> str:
    text = bodies.require_str(body, "since")
    since = parse_timestamp(text)
    if since is None:
        shown = text if len(text) <= 80 else text[:77] + "..."
        raise invalid_request(
            "since",
            f"since must be an RFC 3339 time with an offset, e.g. 2026-05-04T10:00:00Z or "
            f"2026-05-04T12:00:00.5+02:00 (upper-case T and Z, a real date, years 0001-9999); got {shown!r}",
        )
    return since


def replay_subscription(store: Store, org: Org, sub_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST /subscriptions/{id}/replay ``{since}``: try every failed delivery since then again."""
    bodies.reject_unknown_fields(body, ("since",))
    since = _since(body)
    with store.write(org.id) as tx:
        row = subscription_rows.get(tx, org.id, sub_id)
        if row is None:
            raise _not_found(sub_id)
        if not row["enabled"]:
            raise invalid_request(
                "enabled", "the subscription is disabled; PATCH enabled: true before replaying"
            )
        now = now_text()
        events = delivery_rows.failed_events_of_subscription(tx, sub_id, since)
        queued = delivery_rows.requeue_failed_of_subscription(tx, sub_id, since, now)
        for event_id in dict.fromkeys(events):
            _reopen(tx, event_id)
    return {"queued": queued}


def _reopen(tx: Tx, event_id: str) -> None:
    tx.execute(
        "UPDATE emits SET delivery_status = 'RELAYED', failed_at = NULL, last_error = NULL "
        "WHERE event_id = ? AND delivery_status IN ('FAILED', 'DELIVERED')",
        (event_id,),
    )


# -- one emit ----------------------------------------------------------------------------------------


def get_emit(store: Store, org: Org, event_id: str) -> dict[str, Any]:
    """GET /emits/{eventId}: the emit's status and every delivery with every attempt."""
    with store.read() as tx:
        emit = emit_rows.find_event(tx, org.id, event_id)
        if emit is None:
            raise _emit_not_found(event_id)
        deliveries = delivery_rows.of_event(tx, event_id)
        attempts = delivery_rows.attempts_of(tx, [int(d["id"]) for d in deliveries])
        federated = {
            str(d["subscription_id"]): _federation_target(tx, str(d["subscription_id"]))
            for d in deliveries
            if str(d["subscription_id"]).startswith(("fin_", "fhp_"))
        }
    by_delivery: dict[int, list[dict[str, Any]]] = {}
    for a in attempts:
        item: dict[str, Any] = {"at": a["at"], "durationMs": int(a["duration_ms"])}
        if a["status_code"] is not None:
            item["statusCode"] = int(a["status_code"])
        if a["error"] is not None:
            item["error"] = a["error"]
        by_delivery.setdefault(int(a["delivery_id"]), []).append(item)
    return {
        "eventId": emit["event_id"],
        "canonicalName": emit["canonical_name"],
        "name": f"{emit['namespace']}.{emit['name']}",
        "version": emit["version"],
        "deliveryStatus": emit["delivery_status"],
        "chainDepth": int(emit["chain_depth"]),
        "causationId": emit["causation_id"],
        "createdAt": emit["created_at"],
        "deliveries": [
            {
                "subscriptionId": d["subscription_id"],
                "status": d["status"],
                "attempts": by_delivery.get(int(d["id"]), []),
                "nextAttemptAt": d["next_attempt_at"] if d["status"] == delivery_rows.PENDING else None,
                **(
                    {"federation": _federation_view(d, federated[str(d["subscription_id"])])}
                    if str(d["subscription_id"]) in federated
                    else {}
                ),
            }
            for d in deliveries
        ],
    }


def _federation_target(tx: Tx, target_id: str) -> dict[str, Any]:
    """Who a federated delivery goes to (docs/federation.md): a peer organisation or an HTTPS peer."""
    if target_id.startswith("fin_"):
        row = federation_rows.get_invitation_any(tx, target_id)
        return {
            "kind": "organization",
            "groupId": None if row is None else row["group_id"],
            "organizationId": None if row is None else row["organization_id"],
        }
    return {"kind": "https", "httpsPeerId": target_id}


def _federation_view(delivery: dict[str, Any], target: dict[str, Any]) -> dict[str, Any]:
    outcome = delivery["federation_outcome"]
    if outcome is None:
        outcome = {"PENDING": "pending", "DELIVERED": "delivered"}.get(str(delivery["status"]), "failed")
    return {**target, "outcome": outcome, "relayedEventId": delivery["relayed_event_id"]}


def replay_emit(store: Store, org: Org, event_id: str) -> dict[str, Any]:
    """POST /emits/{eventId}/replay: try its failed deliveries again."""
    with store.write(org.id) as tx:
        emit = emit_rows.find_event(tx, org.id, event_id)
        if emit is None:
            raise _emit_not_found(event_id)
        queued = delivery_rows.requeue_failed_of_event(tx, event_id, now_text())
        if queued:
            _reopen(tx, event_id)
    return {"eventId": event_id, "queued": queued}
