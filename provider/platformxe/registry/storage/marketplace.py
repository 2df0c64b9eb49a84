"""Marketplace listings: one row per listed (organisation, namespace, name, version).

Browsing joins each listing to its registration, so a listing is visible only while its version is
published and the schema shown is the registration's own (versions are immutable).
"""

from __future__ import annotations

from typing import Any

from platformxe.registry.storage.engine import Tx

_SELECT = """SELECT l.*, r.payload_schema, r.schema_hash, r.schema_flavour, r.description,
                    r.status AS version_status
             FROM marketplace_listings l
             JOIN registrations r
               ON r.organization_id = l.organization_id AND r.namespace = l.namespace
              AND r.name = l.name AND r.version = l.version"""


def _like(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere (``\\`` escapes the wildcards)."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return "%" + escaped + "%"


def insert(tx: Tx, row: dict[str, Any]) -> None:
    """Add one listing; a second listing of one version raises the driver's integrity error."""
    columns = list(row)
    tx.execute(
        f"INSERT INTO marketplace_listings ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
        [row[c] for c in columns],
    )


def get(tx: Tx, listing_id: str) -> dict[str, Any] | None:
    """One listing with its registration's schema (whoever owns it), or None."""
    return tx.one(_SELECT + " WHERE l.id = ?", (listing_id,))


def get_own(tx: Tx, org_id: str, listing_id: str) -> dict[str, Any] | None:
    """One listing of ``org_id``, or None (another organisation's listing too)."""
    return tx.one(_SELECT + " WHERE l.id = ? AND l.organization_id = ?", (listing_id, org_id))


def of_version(tx: Tx, org_id: str, namespace: str, name: str, version: str) -> dict[str, Any] | None:
    """The listing of one version of ``org_id``'s event, or None."""
    return tx.one(
        _SELECT + " WHERE l.organization_id = ? AND l.namespace = ? AND l.name = ? AND l.version = ?",
        (org_id, namespace, name, version),
    )


def delete(tx: Tx, org_id: str, listing_id: str) -> None:
    """Remove one listing of ``org_id``."""
    tx.execute("DELETE FROM marketplace_listings WHERE id = ? AND organization_id = ?", (listing_id, org_id))


def browse(
    tx: Tx,
    *,
    q: str | None,
    namespace: str | None,
    tag: str | None,
    after: tuple[str, str] | None,
    limit: int,
) -> list[dict[str, Any]]:
    """Listings of published versions, oldest first, after the keyset ``after`` (created_at, id)."""
    where = ["r.status = 'published'"]
    params: list[Any] = []
    if q:
        where.append(
            "(LOWER(l.title) LIKE ? ESCAPE '\\' OR LOWER(COALESCE(l.summary, '')) LIKE ? ESCAPE '\\'"
            " OR LOWER(l.namespace || '.' || l.name) LIKE ? ESCAPE '\\')"
        )
        params += [_like(q)] * 3
    if namespace:
        where.append("l.namespace = ?")
        params.append(namespace)
    if tag:
        # Tags are stored as a JSON array of [a-z0-9-] strings, so the quoted tag is unambiguous.
        where.append("l.tags LIKE ?")
        params.append('%"' + tag + '"%')
    if after is not None:
        where.append("(l.created_at > ? OR (l.created_at = ? AND l.id > ?))")
        params += [after[0], after[0], after[1]]
    params.append(limit)
    return tx.all(_SELECT + " WHERE " + " AND ".join(where) + " ORDER BY l.created_at, l.id LIMIT ?", params)
