"""The lifecycle log: one row per platform event, ids increasing in commit order per organisation.

Per-organisation order holds on PostgreSQL too because every write that appends here runs under
the organisation's row lock (see ``Store.write``), so ids are taken and committed in turn.
"""

from __future__ import annotations

import json
from typing import Any

from platformxe.registry.storage.engine import Tx


def append(tx: Tx, org_id: str, type_: str, subject: str, occurred_at: str, data: dict[str, Any]) -> None:
    """Add one lifecycle event."""
    tx.execute(
        """INSERT INTO lifecycle_events (organization_id, type, subject, occurred_at, data)
           VALUES (?, ?, ?, ?, ?)""",
        (org_id, type_, subject, occurred_at, json.dumps(data, separators=(",", ":"))),
    )


def append_many(
    tx: Tx, org_id: str, subject: str, occurred_at: str, events: list[tuple[str, dict[str, Any]]]
) -> None:
    """Add several events of one subject in one statement (ids follow the list order)."""
    if not events:
        return
    rows = ", ".join("(?, ?, ?, ?, ?)" for _ in events)
    params: list[Any] = []
    for type_, data in events:
        params += [org_id, type_, subject, occurred_at, json.dumps(data, separators=(",", ":"))]
    tx.execute(
        f"INSERT INTO lifecycle_events (organization_id, type, subject, occurred_at, data) VALUES {rows}",
        params,
    )


def page(tx: Tx, org_id: str, after_id: int, limit: int) -> list[dict[str, Any]]:
    """Up to ``limit`` events with an id above ``after_id``, oldest first."""
    return tx.all(
        "SELECT * FROM lifecycle_events WHERE organization_id = ? AND id > ? ORDER BY id LIMIT ?",
        (org_id, after_id, limit),
    )
