"""An emit's delivery status once its deliveries stop changing.

``RELAYED`` → ``DELIVERED`` when every delivery answered 2xx (vacuously when none matched), or
``FAILED`` when at least one failed for good; each settlement writes one lifecycle event
(``EMIT_DELIVERED`` / ``EMIT_DELIVERY_FAILED``) whose data is the per-subscription outcome.
A replay puts the emit back to ``RELAYED``, so it settles (and is logged) again.
"""

from __future__ import annotations

from platformxe.registry import lifecycle_types
from platformxe.registry.storage import Tx
from platformxe.registry.storage import deliveries as delivery_rows
from platformxe.registry.storage import lifecycle as lifecycle_log


def settle(tx: Tx, event_id: str, now: str) -> str | None:
    """Settle one emit if nothing is pending any more; returns the new status (None: unchanged).

    Run inside the emit's organisation's write transaction (the lifecycle log is appended).
    """
    emit = tx.one(
        "SELECT organization_id, canonical_name, delivery_status FROM emits WHERE event_id = ?", (event_id,)
    )
    if emit is None or emit["delivery_status"] != "RELAYED":
        return None
    outcome = delivery_rows.outcome_of_event(tx, event_id)
    if any(d["status"] == delivery_rows.PENDING for d in outcome):
        return None
    failed = [d for d in outcome if d["status"] == delivery_rows.FAILED]
    status = "FAILED" if failed else "DELIVERED"
    last_error = str(failed[-1]["last_error"] or "delivery failed") if failed else None
    delivery_rows.set_emit_status(tx, event_id, status, now if failed else None, last_error)
    lifecycle_log.append(
        tx,
        str(emit["organization_id"]),
        lifecycle_types.EMIT_DELIVERY_FAILED if failed else lifecycle_types.EMIT_DELIVERED,
        str(emit["canonical_name"]),
        now,
        {
            "eventId": event_id,
            "deliveryStatus": status,
            "deliveries": [
                {
                    "subscriptionId": d["subscription_id"],
                    "status": d["status"],
                    "attempts": int(d["attempt_count"]),
                    **({"error": d["last_error"]} if d["status"] == delivery_rows.FAILED else {}),
                }
                for d in outcome
            ],
        },
    )
    return status
