"""Subscriptions: who receives an organisation's emits (webhooks and built-in workflows)."""

from __future__ import annotations

from typing import Any

from platformxe.registry.storage.engine import Tx

_COLUMNS = (
    "id",
    "organization_id",
    "kind",
    "url",
    "events",
    "canonical_names",
    "kinds",
    "workflow",
    "description",
    "enabled",
    "disabled_reason",
    "secret",
    "previous_secret",
    "previous_secret_until",
    "created_at",
    "updated_at",
)


def insert(tx: Tx, row: dict[str, Any]) -> None:
    """Store a new subscription."""
    tx.execute(
        f"INSERT INTO subscriptions ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' for _ in _COLUMNS)})",
        tuple(row[c] for c in _COLUMNS),
    )


def get(tx: Tx, org_id: str, sub_id: str) -> dict[str, Any] | None:
    """One subscription of one organisation (another organisation's id finds nothing)."""
    return tx.one("SELECT * FROM subscriptions WHERE organization_id = ? AND id = ?", (org_id, sub_id))


def get_any(tx: Tx, sub_id: str) -> dict[str, Any] | None:
    """One subscription by id, whatever its organisation (for the deliverer only)."""
    return tx.one("SELECT * FROM subscriptions WHERE id = ?", (sub_id,))


def page(tx: Tx, org_id: str, after: tuple[str, str] | None, limit: int) -> list[dict[str, Any]]:
    """Up to ``limit`` subscriptions after the keyset position (created_at, id), oldest first."""
    if after is None:
        return tx.all(
            "SELECT * FROM subscriptions WHERE organization_id = ? ORDER BY created_at, id LIMIT ?",
            (org_id, limit),
        )
    return tx.all(
        """SELECT * FROM subscriptions WHERE organization_id = ? AND (created_at, id) > (?, ?)
           ORDER BY created_at, id LIMIT ?""",
        (org_id, after[0], after[1], limit),
    )


def count(tx: Tx, org_id: str) -> int:
    """How many subscriptions an organisation has."""
    return int(tx.scalar("SELECT COUNT(*) FROM subscriptions WHERE organization_id = ?", (org_id,)) or 0)


def enabled_of(tx: Tx, org_id: str) -> list[dict[str, Any]]:
    """The organisation's enabled subscriptions (the relay matches each emit against them)."""
    return tx.all(
        "SELECT * FROM subscriptions WHERE organization_id = ? AND enabled = 1 ORDER BY created_at, id",
        (org_id,),
    )


def update(tx: Tx, org_id: str, sub_id: str, changes: dict[str, Any]) -> None:
    """Set some columns of one subscription."""
    if not changes:
        return
    assignments = ", ".join(f"{column} = ?" for column in changes)
    tx.execute(
        f"UPDATE subscriptions SET {assignments} WHERE organization_id = ? AND id = ?",
        (*changes.values(), org_id, sub_id),
    )


def delete(tx: Tx, org_id: str, sub_id: str) -> int:
    """Remove one subscription; returns how many rows went (0 or 1)."""
    return tx.execute("DELETE FROM subscriptions WHERE organization_id = ? AND id = ?", (org_id, sub_id))
