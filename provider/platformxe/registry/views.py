"""Database rows → the API's camelCase representations."""

from __future__ import annotations

import json
from typing import Any

from platformxe import rules


def registration(row: dict[str, Any]) -> dict[str, Any]:
    """The registration representation (http-api.md) of one ``registrations`` row."""
    example = row["payload_example"]
    return {
        "namespace": row["namespace"],
        "name": row["name"],
        "version": row["version"],
        "status": row["status"],
        "description": row["description"],
        "payloadSchema": json.loads(row["payload_schema"]),
        "payloadExample": None if example is None else json.loads(example),
        "schemaHash": row["schema_hash"],
        "schemaFlavour": row["schema_flavour"],
        "canonicalName": rules.canonical_name(
            row["organization_id"], row["namespace"], row["name"], row["version"]
        ),
        "organizationId": row["organization_id"],
        "forkedFrom": None if not row.get("forked_from") else json.loads(row["forked_from"]),
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
    }


def listing(row: dict[str, Any], caller_org_id: str) -> dict[str, Any]:
    """A marketplace listing (docs/marketplace.md): the listing text and the version's schema only."""
    return {
        "id": row["id"],
        "organizationId": row["organization_id"],
        "namespace": row["namespace"],
        "name": row["name"],
        "version": row["version"],
        "title": row["title"],
        "summary": row["summary"],
        "tags": json.loads(row["tags"]),
        "description": row["description"],
        "payloadSchema": json.loads(row["payload_schema"]),
        "schemaHash": row["schema_hash"],
        "schemaFlavour": row["schema_flavour"],
        "mine": row["organization_id"] == caller_org_id,
        "createdAt": row["created_at"],
    }


def emit_answer(row: dict[str, Any], duplicate: bool) -> dict[str, Any]:
    """The 202 body of an emit, from its audit row."""
    return {
        "eventId": row["event_id"],
        "canonicalName": row["canonical_name"],
        "status": "queued",
        "duplicate": duplicate,
        "version": row["version"],
    }


def failure(row: dict[str, Any]) -> dict[str, Any]:
    """One ``health.recentFailures`` item: an emit whose delivery failed for good.

    ``code``, ``message`` and ``occurredAt`` repeat ``lastError`` and ``failedAt`` for clients of
    the earlier shape (docs/bus.md).
    """
    return {
        "eventId": row["event_id"],
        "name": f"{row['namespace']}.{row['name']}",
        "version": row["version"],
        "canonicalName": row["canonical_name"],
        "deliveryStatus": "FAILED",
        "failedAt": row["failed_at"],
        "lastError": row["last_error"],
        "code": "delivery_failed",
        "message": row["last_error"],
        "occurredAt": row["failed_at"],
    }


def lifecycle_event(row: dict[str, Any]) -> dict[str, Any]:
    """One lifecycle log item."""
    return {
        "id": int(row["id"]),
        "type": row["type"],
        "organizationId": row["organization_id"],
        "subject": row["subject"],
        "occurredAt": row["occurred_at"],
        "data": json.loads(row["data"]),
    }
