"""Which subscriptions an emitted event goes to: exact canonical name, then ``kinds`` for generic."""

from __future__ import annotations

import json
from typing import Any

from platformxe import rules

_GENERIC = (rules.GENERIC_NAMESPACE, rules.GENERIC_NAME)


def payload_kind(payload_text: str) -> str | None:
    """The ``kind`` of a generic payload (its routing key), if it has a string one."""
    try:
        payload = json.loads(payload_text)
    except ValueError:
        return None
    kind = payload.get("kind") if isinstance(payload, dict) else None
    return kind if isinstance(kind, str) else None


def matches(subscription: dict[str, Any], event: dict[str, Any]) -> bool:
    """True when ``subscription`` (a row) receives ``event`` (an outbox row with namespace/name)."""
    if event["canonical_name"] not in json.loads(subscription["canonical_names"]):
        return False
    kinds = json.loads(subscription["kinds"])
    if not kinds or (event["namespace"], event["name"]) != _GENERIC:
        return True
    return payload_kind(event["payload"]) in kinds
