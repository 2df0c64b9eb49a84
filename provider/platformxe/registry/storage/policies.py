"""Compatibility policies per event (namespace + name): table ``event_policies`` (migration 3).

No row means the default policy, ``strict``.
"""

from __future__ import annotations

from typing import Any

from platformxe.registry.storage.engine import Tx

DEFAULT_POLICY = "strict"


def get_policy(tx: Tx, org_id: str, namespace: str, name: str) -> dict[str, Any] | None:
    """The stored row (``policy``, ``updated_at``), or None when the event has the default."""
    return tx.one(
        "SELECT policy, updated_at FROM event_policies WHERE organization_id = ? AND namespace = ? AND name = ?",
        (org_id, namespace, name),
    )


def policy_of(tx: Tx, org_id: str, namespace: str, name: str) -> str:
    """The event's policy (``strict`` when none was set)."""
    row = get_policy(tx, org_id, namespace, name)
    return DEFAULT_POLICY if row is None else str(row["policy"])


def set_policy(tx: Tx, org_id: str, namespace: str, name: str, policy: str, now: str) -> None:
    """Store the event's policy (insert or replace)."""
    tx.execute(
        """INSERT INTO event_policies (organization_id, namespace, name, policy, updated_at)
           VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (organization_id, namespace, name) DO UPDATE SET policy = ?, updated_at = ?""",
        (org_id, namespace, name, policy, now, policy, now),
    )
