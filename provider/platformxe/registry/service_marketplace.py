"""The marketplace (docs/marketplace.md): publish a published version, browse, unpublish, fork.

Browsing is open to every plan and to every organisation's listings; it shows the listing text and
the listed version's schema, never an emit. Publishing, unpublishing and forking act in the
caller's own organisation; another organisation's listing id answers 404 to DELETE, exactly like an
unknown one. A fork is an ordinary registration (``service_registrations.register``) in the
forker's namespace, so every rule applies, with ``forkedFrom`` recorded on it.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from platformxe import rules
from platformxe.registry import bodies, cursors, lifecycle_types, parameters, service_registrations, views
from platformxe.registry.clock import now_text
from platformxe.registry.errors import ApiError, coded_error, invalid_request, problem_error
from platformxe.registry.judging import INLINE, Judge
from platformxe.registry.storage import Store, Tx
from platformxe.registry.storage import lifecycle as lifecycle_log
from platformxe.registry.storage import marketplace as listing_rows
from platformxe.registry.storage import orgs as org_rows
from platformxe.registry.storage import registrations as registration_rows
from platformxe.registry.tenancy import Org, org_from_row
from platformxe.rules import Code, PlanTier, Status
from platformxe.rules import marketplace as market_rules

PUBLISH_FIELDS = ("namespace", "name", "version", "title", "summary", "tags")
FORK_FIELDS = ("namespace", "name", "version")
#: The version a fork registers when the body names none.
DEFAULT_FORK_VERSION = "1.0.0"


def _not_found(listing_id: str) -> ApiError:
    return ApiError(404, "not_found", f"no marketplace listing {listing_id}", {"field": "id"})


def _plan(tx: Tx, org: Org) -> PlanTier:
    row = org_rows.get_org(tx, org.id)
    return org_from_row(row).plan if row is not None else org.plan


def _require_plan(tx: Tx, org: Org, action: str) -> None:
    problems = market_rules.check_marketplace_plan(_plan(tx, org), action)
    if problems:
        raise problem_error(problems)


def _check_names(namespace: str, name: str, version: str) -> None:
    problems = [
        *rules.validate_namespace(namespace),
        *rules.validate_name(name),
        *rules.validate_version(version),
    ]
    if problems:
        raise problem_error(problems)


# -- publish / unpublish ---------------------------------------------------------------------------


def publish(store: Store, org: Org, body: dict[str, Any]) -> dict[str, Any]:
    """POST /marketplace/listings: list one published version of the caller's own event (201)."""
    bodies.reject_unknown_fields(body, PUBLISH_FIELDS)
    namespace = bodies.require_str(body, "namespace")
    name = bodies.require_str(body, "name")
    version = bodies.require_str(body, "version")
    title, summary, tags = body.get("title"), body.get("summary"), body.get("tags")
    with store.read() as tx:
        _require_plan(tx, org, "publish")
    _check_names(namespace, name, version)
    problems = market_rules.check_listing_text(title, summary, tags)
    if problems:
        raise problem_error(problems)
    assert isinstance(title, str)
    if (namespace, name) == service_registrations.GENERIC:
        raise invalid_request(
            "name",
            "platformxe.generic is the platform's catch-all event of every organisation; list an event "
            "you registered yourself",
        )
    bodies.check_text("title", title)
    if summary is not None:
        bodies.check_text("summary", summary)
    ref = f"{namespace}.{name}@{version}"
    with store.write(org.id) as tx:
        _require_plan(tx, org, "publish")
        registration = registration_rows.get_version(tx, org.id, namespace, name, version)
        if registration is None:
            raise coded_error(
                Code.EVENT_NOT_REGISTERED,
                f"{ref} is not registered in this organisation; list a published version of your own event",
                "version",
                event=ref,
            )
        if registration["status"] != Status.PUBLISHED.value:
            raise coded_error(
                Code.EVENT_NOT_PUBLISHED,
                f"{ref} is {registration['status']}; only a published version can be listed",
                "version",
                event=ref,
                status=registration["status"],
            )
        existing = listing_rows.of_version(tx, org.id, namespace, name, version)
        if existing is not None:
            raise coded_error(
                Code.LISTING_ALREADY_EXISTS,
                f"{ref} is already listed as {existing['id']}; unpublish that listing first to list it anew",
                "version",
                existingListing=views.listing(existing, org.id),
            )
        now = now_text()
        listing_id = "lst_" + secrets.token_hex(12)
        listing_rows.insert(
            tx,
            {
                "id": listing_id,
                "organization_id": org.id,
                "namespace": namespace,
                "name": name,
                "version": version,
                "title": title,
                "summary": summary,
                "tags": json.dumps(list(tags or [])),
                "created_at": now,
            },
        )
        lifecycle_log.append(
            tx,
            org.id,
            lifecycle_types.LISTING_PUBLISHED,
            rules.canonical_name(org.id, namespace, name, version),
            now,
            {"listingId": listing_id, "namespace": namespace, "name": name, "version": version},
        )
        row = listing_rows.get(tx, listing_id)
    assert row is not None
    return views.listing(row, org.id)


def unpublish(store: Store, org: Org, listing_id: str) -> dict[str, Any]:
    """DELETE /marketplace/listings/{id}: the owner removes its listing (forks already made stay)."""
    with store.write(org.id) as tx:
        row = listing_rows.get_own(tx, org.id, listing_id)
        if row is None:
            raise _not_found(listing_id)
        listing_rows.delete(tx, org.id, listing_id)
        lifecycle_log.append(
            tx,
            org.id,
            lifecycle_types.LISTING_UNPUBLISHED,
            rules.canonical_name(org.id, row["namespace"], row["name"], row["version"]),
            now_text(),
            {
                "listingId": listing_id,
                "namespace": row["namespace"],
                "name": row["name"],
                "version": row["version"],
            },
        )
    return {"id": listing_id, "deleted": True}


# -- browse ----------------------------------------------------------------------------------------


def browse(store: Store, org: Org, query: dict[str, str]) -> dict[str, Any]:
    """GET /marketplace/listings?q=&namespace=&tag=: every organisation's listings, oldest first."""
    # The route checks these too (the same table); direct callers get the same answers.
    parameters.check_all(parameters.BROWSE_PARAMS, query)
    limit = bodies.query_limit(query)
    q = query.get("q") or None
    namespace = query.get("namespace")
    tag = query.get("tag")
    after = cursors.decode_opaque_cursor(query.get("cursor"), "lst_")
    with store.read() as tx:
        rows = listing_rows.browse(tx, q=q, namespace=namespace, tag=tag, after=after, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": [views.listing(r, org.id) for r in rows],
        "nextCursor": cursors.encode_opaque_cursor(rows[-1]["created_at"], rows[-1]["id"]) if more else None,
    }


def get(store: Store, org: Org, listing_id: str) -> dict[str, Any]:
    """GET /marketplace/listings/{id}: one listing (any organisation's) while its version is published."""
    with store.read() as tx:
        row = listing_rows.get(tx, listing_id)
    if row is None or (row["version_status"] != Status.PUBLISHED.value and row["organization_id"] != org.id):
        raise _not_found(listing_id)
    return views.listing(row, org.id)


# -- fork ------------------------------------------------------------------------------------------


def fork(
    store: Store, org: Org, listing_id: str, body: dict[str, Any], judge: Judge = INLINE
) -> dict[str, Any]:
    """POST /marketplace/listings/{id}/fork: register the listed schema in the caller's namespace (201)."""
    bodies.reject_unknown_fields(body, FORK_FIELDS)
    namespace = bodies.require_str(body, "namespace")
    with store.read() as tx:
        _require_plan(tx, org, "fork")
        row = listing_rows.get(tx, listing_id)
    if row is None or row["version_status"] != Status.PUBLISHED.value:
        raise _not_found(listing_id)
    # Absent or null: the defaults; any string (even empty) is the caller's choice, judged as such.
    name = bodies.optional_str(body, "name")
    version = bodies.optional_str(body, "version")
    name = row["name"] if name is None else name
    version = DEFAULT_FORK_VERSION if version is None else version
    forked_from = {
        "listingId": row["id"],
        "organizationId": row["organization_id"],
        "namespace": row["namespace"],
        "name": row["name"],
        "version": row["version"],
        "schemaHash": row["schema_hash"],
    }
    candidate = {
        "namespace": namespace,
        "name": name,
        "version": version,
        "status": Status.PUBLISHED.value,
        "description": row["description"],
        "payloadSchema": json.loads(row["payload_schema"]),
    }
    return service_registrations.register(store, org, candidate, judge, forked_from=forked_from)
