"""Accepted emits (the audit rows), the outbox for the bus, and refused emits."""

from __future__ import annotations

from typing import Any

from platformxe.registry.storage.engine import Tx


def find_by_idempotency_key(tx: Tx, org_id: str, key: str) -> dict[str, Any] | None:
    """The audit row an earlier emit with this idempotency key wrote."""
    return tx.one(
        "SELECT * FROM emits WHERE organization_id = ? AND idempotency_key = ?",
        (org_id, key),
    )


def insert_emit(tx: Tx, row: dict[str, Any]) -> bool:
    """Insert an audit row and its outbox row; False when the idempotency key was taken.

    ``ON CONFLICT DO NOTHING`` on the partial unique index makes the insert-or-fetch safe even
    if two transactions raced past the lookup.
    """
    inserted = tx.one(
        """INSERT INTO emits (event_id, organization_id, namespace, name, version, canonical_name,
                              payload, idempotency_key, created_at, month, chain_depth, causation_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (organization_id, idempotency_key) WHERE idempotency_key IS NOT NULL
           DO NOTHING RETURNING event_id""",
        (
            row["event_id"],
            row["organization_id"],
            row["namespace"],
            row["name"],
            row["version"],
            row["canonical_name"],
            row["payload"],
            row["idempotency_key"],
            row["created_at"],
            row["month"],
            row.get("chain_depth", 0),
            row.get("causation_id"),
        ),
    )
    if inserted is None:
        return False
    tx.execute(
        """INSERT INTO outbox (event_id, organization_id, canonical_name, payload, status,
                               created_at, updated_at)
           VALUES (?, ?, ?, ?, 'queued', ?, ?)""",
        (
            row["event_id"],
            row["organization_id"],
            row["canonical_name"],
            row["payload"],
            row["created_at"],
            row["created_at"],
        ),
    )
    return True


def find_event(tx: Tx, org_id: str, event_id: str) -> dict[str, Any] | None:
    """One accepted emit of one organisation (another organisation's id finds nothing)."""
    return tx.one("SELECT * FROM emits WHERE organization_id = ? AND event_id = ?", (org_id, event_id))


def count_month(tx: Tx, org_id: str, month: str) -> int:
    """Accepted emits of one calendar month (replays and refusals never have a row)."""
    return int(
        tx.scalar("SELECT COUNT(*) FROM emits WHERE organization_id = ? AND month = ?", (org_id, month)) or 0
    )


def outbox_status(tx: Tx, event_id: str) -> str | None:
    """The outbox status of one event (``queued`` until the bus takes it)."""
    value = tx.scalar("SELECT status FROM outbox WHERE event_id = ?", (event_id,))
    return None if value is None else str(value)


def insert_failure(tx: Tx, row: dict[str, Any]) -> None:
    """Record a refused emit for the health endpoint."""
    tx.execute(
        """INSERT INTO emit_failures (organization_id, name, version, code, message, event_id, occurred_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        (
            row["organization_id"],
            row["name"],
            row["version"],
            row["code"],
            row["message"],
            row["event_id"],
            row["occurred_at"],
        ),
    )


def recent_failures(tx: Tx, org_id: str, limit: int = 10) -> list[dict[str, Any]]:
    """The newest refused emits first."""
    return tx.all(
        "SELECT * FROM emit_failures WHERE organization_id = ? ORDER BY id DESC LIMIT ?",
        (org_id, limit),
    )


def recent_for_version(
    tx: Tx, org_id: str, namespace: str, name: str, version: str, since: str
) -> tuple[int, str | None]:
    """(accepted emits of one version since ``since``, the newest one's time) — for the
    version's usage read, which a plan consults before archiving the version."""
    row = tx.one(
        """SELECT COUNT(*) AS n, MAX(created_at) AS last FROM emits
           WHERE organization_id = ? AND namespace = ? AND name = ? AND version = ? AND created_at >= ?""",
        (org_id, namespace, name, version, since),
    )
    if row is None:
        return 0, None
    return int(row["n"] or 0), (None if row["last"] is None else str(row["last"]))
