"""The outbox relay of the embedded bus: accepted emits → one pending delivery per subscriber.

Each outbox row is taken in one transaction that matches the organisation's enabled
subscriptions, writes the deliveries, moves the row from ``queued`` to ``relayed`` and the emit to
``RELAYED`` (logging ``EMIT_RELAYED``) — all or nothing, so a crash never loses a row and never
relays one twice. An emit no subscription matches settles as ``DELIVERED`` at once. A version some federation group
pushes also gets one delivery per accepted peer organisation and per HTTPS peer of those groups
(docs/federation.md), matched here, at relay time: a membership that ended before is not pushed.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from platformxe.registry import lifecycle_types
from platformxe.registry.bus.matching import matches
from platformxe.registry.bus.settle import settle
from platformxe.registry.clock import now_text
from platformxe.registry.storage import Store, Tx
from platformxe.registry.storage import deliveries as delivery_rows
from platformxe.registry.storage import federation as federation_rows
from platformxe.registry.storage import lifecycle as lifecycle_log
from platformxe.registry.storage import subscriptions as subscription_rows

#: Outbox rows taken per pass.
BATCH = 500


def relay_event(tx: Tx, event: dict[str, Any], subscriptions: list[dict[str, Any]], now: str) -> int | None:
    """Relay one outbox row inside ``tx``; returns the deliveries made (None: already relayed)."""
    if not delivery_rows.mark_relayed(tx, event["event_id"], now):
        return None
    targets = [s["id"] for s in subscriptions if matches(s, event)]
    federated = federation_rows.fan_out_targets(
        tx, str(event["organization_id"]), str(event["namespace"]), str(event["name"]), str(event["version"])
    )
    delivery_rows.insert_deliveries(tx, event["event_id"], event["organization_id"], targets + federated, now)
    delivery_rows.set_emit_status(tx, event["event_id"], "RELAYED", None, None)
    lifecycle_log.append(
        tx,
        event["organization_id"],
        lifecycle_types.EMIT_RELAYED,
        event["canonical_name"],
        now,
        {
            "eventId": event["event_id"],
            "subscriptions": targets,
            "chainDepth": int(event["chain_depth"]),
            **({"federation": federated} if federated else {}),
        },
    )
    if not targets and not federated:
        settle(tx, event["event_id"], now)
    return len(targets) + len(federated)


def relay_once(store: Store, limit: int = BATCH) -> tuple[int, int]:
    """One pass over the outbox; returns (events relayed, deliveries made)."""
    with store.read() as tx:
        queued = delivery_rows.queued_outbox(tx, limit)
    if not queued:
        return 0, 0
    by_org: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in queued:
        by_org[row["organization_id"]].append(row)
    events = deliveries = 0
    for org_id, rows in by_org.items():
        with store.write(org_id) as tx:
            now = now_text()
            subscriptions = subscription_rows.enabled_of(tx, org_id)
            for row in rows:
                made = relay_event(tx, row, subscriptions, now)
                if made is not None:
                    events += 1
                    deliveries += made
    return events, deliveries
