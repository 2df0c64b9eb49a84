"""The federation relay: an owner's pushed event re-emitted on a peer organisation's canonical name.

Called by the deliverer (in a worker thread) for each delivery whose subscriber is a membership,
after the deliverer checked that the membership is still accepted, the group still pushes the
version and the owner is still Enterprise. The re-emit is an ordinary emit of the peer
(``service_emit.emit``): the peer's registration, plan, monthly ceiling and payload schema apply,
it is counted in the peer's usage and relayed to the peer's own subscriptions and workflows. Its
``causationId`` is the owner's event id, its chain depth the owner's + 1 (capped at 50 like every
chain), and its idempotency key ``federation:<owner's event id>``, so a retried delivery never
emits twice. A refusal is final for that peer (never retried on its own) and named by an outcome:
``peer_not_registered``, ``peer_not_published``, ``peer_quota_exceeded``, ``chain_depth_exceeded``
or ``peer_refused`` (docs/federation.md); the peer's log gets a ``FEDERATION_RELAY_FAILED`` row,
and a successful re-emit a ``FEDERATION_RELAYED`` row, next to the owner's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from platformxe.registry import lifecycle_types, service_emit
from platformxe.registry.clock import now_text
from platformxe.registry.errors import ApiError
from platformxe.registry.storage import Store
from platformxe.registry.storage import lifecycle as lifecycle_log
from platformxe.registry.storage import orgs as org_rows
from platformxe.registry.tenancy import org_from_row
from platformxe.rules import Code

#: The outcome naming a peer's refusal, by the refusal's error code.
OUTCOME_OF_CODE: dict[str, str] = {
    str(Code.EVENT_NOT_REGISTERED): "peer_not_registered",
    str(Code.EVENT_NOT_PUBLISHED): "peer_not_published",
    str(Code.MONTHLY_EMIT_QUOTA_EXCEEDED): "peer_quota_exceeded",
    str(Code.CHAIN_DEPTH_EXCEEDED): "chain_depth_exceeded",
}

#: ``(outcome, the peer's event id or None, error text or None)``.
Result = tuple[str, "str | None", "str | None"]


class FederationRelay:
    """Re-emits federated deliveries into peer organisations of ``store``."""

    def __init__(self, store: Store, on_emitted: Callable[[], None] | None = None) -> None:
        self.store = store
        self.on_emitted = on_emitted

    def __call__(self, detail: dict[str, Any]) -> Result:
        """Re-emit one delivery's event for its peer."""
        peer_id = str(detail["peer_organization_id"])
        ref = f"{detail['namespace']}.{detail['name']}@{detail['version']}"
        with self.store.read() as tx:
            peer_row = org_rows.get_org(tx, peer_id)
        if peer_row is None:
            return "peer_refused", None, f"peer_refused: organisation {peer_id} no longer exists"
        cause = service_emit.FederatedCause(
            event_id=str(detail["event_id"]),
            chain_depth=int(detail["chain_depth"]),
            organization_id=str(detail["organization_id"]),
            group_id=str(detail["group_id"]),
        )
        body = {
            "name": f"{detail['namespace']}.{detail['name']}",
            "version": str(detail["version"]),
            "payload": json.loads(detail["payload"]),
            "causationId": cause.event_id,
            "idempotencyKey": f"federation:{cause.event_id}",
        }
        data: dict[str, Any] = {
            "eventId": cause.event_id,
            "ownerOrganizationId": cause.organization_id,
            "groupId": cause.group_id,
            "organizationId": peer_id,
            "event": ref,
        }
        peer_canonical = f"TENANT_CUSTOM:{peer_id}:{ref}"
        try:
            answer = service_emit.emit(self.store, org_from_row(peer_row), body, federated=cause)
        except ApiError as error:
            outcome = OUTCOME_OF_CODE.get(error.code, "peer_refused")
            if outcome == "peer_not_registered":
                text = (
                    f"{outcome}: organisation {peer_id} has no registration of {ref} ({error.code}); it receives "
                    "this push once it registers and publishes that version (nothing is registered for it)"
                )
            else:
                text = (
                    f"{outcome}: organisation {peer_id} refused the re-emit ({error.code}: {error.message})"
                )
            self._log(
                peer_id,
                lifecycle_types.FEDERATION_RELAY_FAILED,
                peer_canonical,
                {**data, "outcome": outcome, "code": error.code},
            )
            return outcome, None, text
        self._log(
            peer_id,
            lifecycle_types.FEDERATION_RELAYED,
            peer_canonical,
            {**data, "outcome": "relayed", "relayedEventId": answer["eventId"]},
        )
        if self.on_emitted is not None and not answer.get("duplicate"):
            self.on_emitted()
        return "relayed", str(answer["eventId"]), None

    def _log(self, org_id: str, type_: str, subject: str, data: dict[str, Any]) -> None:
        with self.store.write(org_id) as tx:
            lifecycle_log.append(tx, org_id, type_, subject, now_text(), data)
