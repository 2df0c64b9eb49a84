"""The built-in workflow subscriber: on event A, emit event B of the same organisation.

A workflow subscription names what to emit (``workflow.emit``: ``<namespace>.<name>@<version>``
or without ``@version`` for the latest published) and optionally ``workflow.payloadPointer``, a
JSON pointer whose value in A's payload becomes B's payload (default: the whole payload). The emit
carries ``causationId`` = A's event id, so B's chain depth is A's + 1 and the 50-deep cap applies;
its idempotency key is derived from the subscription and A, so a retried delivery never emits twice.
"""

from __future__ import annotations

import json
from typing import Any

from platformxe.registry import service_emit
from platformxe.registry.errors import ApiError
from platformxe.registry.storage import Store
from platformxe.registry.storage import orgs as org_rows
from platformxe.registry.tenancy import org_from_row

_MISSING = object()


def resolve_pointer(document: Any, pointer: str) -> Any:
    """The value at an RFC 6901 pointer, or ``_MISSING``."""
    if pointer == "":
        return document
    if not pointer.startswith("/"):
        return _MISSING
    current = document
    for raw in pointer[1:].split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(current, dict) and token in current:
            current = current[token]
        elif isinstance(current, list) and token.isdigit() and int(token) < len(current):
            current = current[int(token)]
        else:
            return _MISSING
    return current


class WorkflowRunner:
    """Runs workflow deliveries against ``store`` (called from the deliverer's threads)."""

    def __init__(self, store: Store, on_emitted: Any = None) -> None:
        self.store = store
        self.on_emitted = on_emitted

    def __call__(self, detail: dict[str, Any]) -> str | None:
        """Emit the workflow's event; None when done, an error text when refused for good."""
        spec = json.loads(detail["workflow"] or "{}")
        target = str(spec.get("emit", ""))
        name, _, version = target.partition("@")
        payload = resolve_pointer(json.loads(detail["payload"]), str(spec.get("payloadPointer") or ""))
        if payload is _MISSING:
            return f"workflow: payloadPointer {spec.get('payloadPointer')!r} is not in the payload"
        with self.store.read() as tx:
            org_row = org_rows.get_org(tx, str(detail["organization_id"]))
        if org_row is None:
            return "workflow: the organisation no longer exists"
        body: dict[str, Any] = {
            "name": name,
            "payload": payload,
            "causationId": detail["event_id"],
            "idempotencyKey": f"workflow:{detail['subscription_id']}:{detail['event_id']}",
        }
        if version:
            body["version"] = version
        try:
            service_emit.emit(self.store, org_from_row(org_row), body)
        except ApiError as error:
            return f"{error.code}: {error.message}"
        if self.on_emitted is not None:
            self.on_emitted()
        return None
