"""Deliveries (one per emitted event and matching subscription), their attempts, and emit status.

A deliverer *claims* due deliveries by setting ``lease_until``; a claim that lapses (the process
died) makes the delivery due again, so every delivery is attempted at least once after a crash.
On PostgreSQL the claim skips rows another worker is claiming at the same moment
(``FOR UPDATE SKIP LOCKED``); SQLite has a single writer, so a plain sub-select is enough.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from platformxe.registry.storage.engine import Tx

PENDING = "PENDING"
DELIVERED = "DELIVERED"
FAILED = "FAILED"


def queued_outbox(tx: Tx, limit: int) -> list[dict[str, Any]]:
    """Outbox rows not yet relayed, oldest first, with their emit's chain depth."""
    return tx.all(
        """SELECT o.event_id, o.organization_id, o.canonical_name, o.payload, e.namespace, e.name, e.version,
                  e.chain_depth
           FROM outbox o JOIN emits e ON e.event_id = o.event_id
           WHERE o.status = 'queued' ORDER BY o.created_at LIMIT ?""",
        (limit,),
    )


def mark_relayed(tx: Tx, event_id: str, now: str) -> bool:
    """Move one outbox row from queued (or published to NATS) to relayed; False when another relay
    already did."""
    changed = tx.execute(
        "UPDATE outbox SET status = 'relayed', updated_at = ? WHERE event_id = ? AND status IN ('queued', 'published')",
        (now, event_id),
    )
    return changed == 1


def insert_deliveries(tx: Tx, event_id: str, org_id: str, subscription_ids: Sequence[str], now: str) -> None:
    """One pending delivery per subscription, due at once."""
    for sub_id in subscription_ids:
        tx.execute(
            """INSERT INTO deliveries (event_id, organization_id, subscription_id, status, attempt_count,
                                       next_attempt_at, created_at, updated_at)
               VALUES (?, ?, ?, 'PENDING', 0, ?, ?, ?)
               ON CONFLICT (event_id, subscription_id) DO NOTHING""",
            (event_id, org_id, sub_id, now, now, now),
        )


def set_emit_status(
    tx: Tx, event_id: str, status: str, failed_at: str | None, last_error: str | None
) -> None:
    """The emit's ``deliveryStatus`` (and, when FAILED, when and why)."""
    tx.execute(
        "UPDATE emits SET delivery_status = ?, failed_at = ?, last_error = ? WHERE event_id = ?",
        (status, failed_at, last_error, event_id),
    )


def claim_due(tx: Tx, now: str, lease_until: str, limit: int) -> list[int]:
    """Claim up to ``limit`` due deliveries until ``lease_until``; returns their ids."""
    lock = " FOR UPDATE SKIP LOCKED" if tx.dialect.name == "postgresql" else ""
    rows = tx.all(
        f"""UPDATE deliveries SET lease_until = ?
            WHERE id IN (SELECT id FROM deliveries
                         WHERE status = 'PENDING' AND next_attempt_at <= ?
                               AND (lease_until IS NULL OR lease_until < ?)
                         ORDER BY next_attempt_at LIMIT ?{lock})
            RETURNING id""",
        (lease_until, now, now, limit),
    )
    return [int(r["id"]) for r in rows]


def claimed_details(tx: Tx, ids: Sequence[int]) -> list[dict[str, Any]]:
    """What a deliverer needs to send each claimed delivery: the event and its subscriber.

    A federated delivery's subscriber is a membership (``sub_kind`` "federation": the invitation's
    status, group and peer organisation) or an HTTPS peer (``sub_kind`` "https_peer": url and secret,
    sent like a webhook); ``push_live`` says whether the group still pushes the event's version and
    ``owner_plan`` is the emitting organisation's plan now.
    """
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    return tx.all(
        f"""SELECT d.id AS delivery_id, d.event_id, d.organization_id, d.subscription_id, d.attempt_count,
                   e.namespace, e.name, e.version, e.canonical_name, e.payload, e.created_at AS occurred_at,
                   e.chain_depth,
                   COALESCE(s.kind, CASE WHEN fi.id IS NOT NULL THEN 'federation'
                                         WHEN fh.id IS NOT NULL THEN 'https_peer' END) AS sub_kind,
                   COALESCE(s.url, fh.url) AS url, s.workflow,
                   COALESCE(s.enabled, CASE WHEN fh.id IS NOT NULL THEN 1
                                            WHEN fi.status = 'accepted' THEN 1 ELSE 0 END) AS enabled,
                   COALESCE(s.secret, fh.secret) AS secret, s.previous_secret, s.previous_secret_until,
                   fi.status AS membership_status, fi.organization_id AS peer_organization_id,
                   COALESCE(fi.group_id, fh.group_id) AS group_id, o.plan AS owner_plan,
                   EXISTS (SELECT 1 FROM federation_pushes p
                           WHERE p.group_id = COALESCE(fi.group_id, fh.group_id)
                             AND p.organization_id = d.organization_id AND p.namespace = e.namespace
                             AND p.name = e.name AND p.version = e.version) AS push_live
            FROM deliveries d JOIN emits e ON e.event_id = d.event_id
            JOIN organizations o ON o.id = d.organization_id
            LEFT JOIN subscriptions s ON s.id = d.subscription_id
            LEFT JOIN federation_invitations fi ON fi.id = d.subscription_id
            LEFT JOIN federation_https_peers fh ON fh.id = d.subscription_id
            WHERE d.id IN ({marks}) ORDER BY d.id""",
        tuple(ids),
    )


def set_federation_result(
    tx: Tx, delivery_id: int, outcome: str | None, relayed_event_id: str | None
) -> None:
    """What a federated delivery came to, and the peer's re-emitted event (docs/federation.md)."""
    tx.execute(
        "UPDATE deliveries SET federation_outcome = ?, relayed_event_id = COALESCE(?, relayed_event_id) WHERE id = ?",
        (outcome, relayed_event_id, delivery_id),
    )


def record_attempt(
    tx: Tx, delivery_id: int, at: str, status_code: int | None, error: str | None, duration_ms: int
) -> None:
    """One attempt, as the delivery's history shows it."""
    tx.execute(
        "INSERT INTO delivery_attempts (delivery_id, at, status_code, error, duration_ms) VALUES (?, ?, ?, ?, ?)",
        (delivery_id, at, status_code, error, duration_ms),
    )


def finish_attempt(
    tx: Tx, delivery_id: int, status: str, next_attempt_at: str | None, last_error: str | None, now: str
) -> None:
    """Count an attempt, release the claim and set the outcome (or the next try)."""
    tx.execute(
        """UPDATE deliveries SET status = ?, attempt_count = attempt_count + 1, next_attempt_at = ?,
                                 lease_until = NULL, last_error = ?, updated_at = ?
           WHERE id = ?""",
        (status, next_attempt_at, last_error, now, delivery_id),
    )


def fail_pending_of_subscription(tx: Tx, sub_id: str, reason: str, now: str) -> list[str]:
    """End every pending delivery to one subscription as FAILED; returns the event ids touched."""
    rows = tx.all(
        "SELECT DISTINCT event_id FROM deliveries WHERE subscription_id = ? AND status = 'PENDING'",
        (sub_id,),
    )
    tx.execute(
        """UPDATE deliveries SET status = 'FAILED', next_attempt_at = NULL, lease_until = NULL,
                                 last_error = ?, updated_at = ?
           WHERE subscription_id = ? AND status = 'PENDING'""",
        (reason, now, sub_id),
    )
    return [str(r["event_id"]) for r in rows]


def name_failed_outcome(tx: Tx, sub_id: str, outcome: str) -> None:
    """Name the outcome of a federated subscriber's failed deliveries that have none yet."""
    tx.execute(
        """UPDATE deliveries SET federation_outcome = ?
           WHERE subscription_id = ? AND status = 'FAILED' AND federation_outcome IS NULL""",
        (outcome, sub_id),
    )


def counts_of_event(tx: Tx, event_id: str) -> dict[str, int]:
    """Deliveries of one event by status."""
    rows = tx.all(
        "SELECT status, COUNT(*) AS n FROM deliveries WHERE event_id = ? GROUP BY status", (event_id,)
    )
    return {str(r["status"]): int(r["n"]) for r in rows}


def of_event(tx: Tx, event_id: str) -> list[dict[str, Any]]:
    """Every delivery of one event, in creation order."""
    return tx.all("SELECT * FROM deliveries WHERE event_id = ? ORDER BY id", (event_id,))


def attempts_of(tx: Tx, delivery_ids: Sequence[int]) -> list[dict[str, Any]]:
    """The attempts of some deliveries, oldest first."""
    if not delivery_ids:
        return []
    marks = ", ".join("?" for _ in delivery_ids)
    return tx.all(
        f"SELECT * FROM delivery_attempts WHERE delivery_id IN ({marks}) ORDER BY id", tuple(delivery_ids)
    )


def outcome_of_event(tx: Tx, event_id: str) -> list[dict[str, Any]]:
    """(subscription, status, last error, attempts) of each delivery: the settled lifecycle data."""
    return tx.all(
        """SELECT subscription_id, status, last_error, attempt_count FROM deliveries
           WHERE event_id = ? ORDER BY id""",
        (event_id,),
    )


def requeue_failed_of_event(tx: Tx, event_id: str, now: str) -> int:
    """Make an event's FAILED deliveries (to still existing, enabled subscriptions, accepted
    memberships and existing HTTPS peers) due again."""
    return tx.execute(
        """UPDATE deliveries SET status = 'PENDING', next_attempt_at = ?, lease_until = NULL, attempt_count = 0,
                                 federation_outcome = NULL, updated_at = ?
           WHERE event_id = ? AND status = 'FAILED'
                 AND (subscription_id IN (SELECT id FROM subscriptions WHERE enabled = 1)
                      OR subscription_id IN (SELECT id FROM federation_invitations WHERE status = 'accepted')
                      OR subscription_id IN (SELECT id FROM federation_https_peers))""",
        (now, now, event_id),
    )


def failed_events_of_subscription(tx: Tx, sub_id: str, since: str) -> list[str]:
    """Events whose delivery to one subscription failed for good at or after ``since``."""
    rows = tx.all(
        """SELECT event_id FROM deliveries WHERE subscription_id = ? AND status = 'FAILED' AND updated_at >= ?
           ORDER BY id""",
        (sub_id, since),
    )
    return [str(r["event_id"]) for r in rows]


def requeue_failed_of_subscription(tx: Tx, sub_id: str, since: str, now: str) -> int:
    """Make one subscription's FAILED deliveries since ``since`` due again; returns how many."""
    return tx.execute(
        """UPDATE deliveries SET status = 'PENDING', next_attempt_at = ?, lease_until = NULL, attempt_count = 0,
                                 updated_at = ?
           WHERE subscription_id = ? AND status = 'FAILED' AND updated_at >= ?""",
        (now, now, sub_id, since),
    )


def recent_failed_emits(tx: Tx, org_id: str, limit: int) -> list[dict[str, Any]]:
    """The organisation's newest emits whose delivery failed for good (health.recentFailures)."""
    return tx.all(
        """SELECT event_id, namespace, name, version, canonical_name, failed_at, last_error FROM emits
           WHERE organization_id = ? AND delivery_status = 'FAILED' ORDER BY failed_at DESC LIMIT ?""",
        (org_id, limit),
    )
