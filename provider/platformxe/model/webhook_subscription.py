"""``platformxe_webhook_subscription``: attribute names, defaults and the SDK request bodies.

One place for what a subscription instance is in Terraform and how it maps to the API's
camelCase fields (docs/bus.md). What forces a replacement is the schema's business.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "COMPUTED_ATTRIBUTES",
    "CONFIG_ATTRIBUTES",
    "DATA_SOURCE_TYPE",
    "RESOURCE_TYPE",
    "UPDATABLE",
    "create_body",
    "state_from_subscription",
    "update_body",
]

RESOURCE_TYPE = "platformxe_webhook_subscription"
DATA_SOURCE_TYPE = "platformxe_webhook_subscriptions"

#: Attributes a person configures, in schema order.
CONFIG_ATTRIBUTES = ("url", "events", "kinds", "description", "enabled", "secret", "rotate_secret_trigger")
#: Attributes the registry decides.
COMPUTED_ATTRIBUTES = ("id", "canonical_names", "disabled_reason")
#: Terraform attribute → API field of the fields a PATCH can change.
UPDATABLE = {
    "url": "url",
    "events": "events",
    "kinds": "kinds",
    "description": "description",
    "enabled": "enabled",
}


def _list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list | tuple) else []


def create_body(planned: Mapping[str, Any]) -> dict[str, Any]:
    """The ``POST /subscriptions`` body of a planned instance."""
    body: dict[str, Any] = {"url": planned.get("url"), "events": _list(planned.get("events"))}
    if planned.get("kinds"):
        body["kinds"] = _list(planned.get("kinds"))
    if planned.get("description") is not None:
        body["description"] = planned.get("description")
    if planned.get("enabled") is not None:
        body["enabled"] = bool(planned.get("enabled"))
    if isinstance(planned.get("secret"), str) and planned.get("secret"):
        body["secret"] = planned.get("secret")
    return body


def update_body(prior: Mapping[str, Any], planned: Mapping[str, Any]) -> dict[str, Any]:
    """The ``PATCH`` body bringing ``prior`` to ``planned`` (only what changed)."""
    body: dict[str, Any] = {}
    for attribute, field in UPDATABLE.items():
        before, after = prior.get(attribute), planned.get(attribute)
        if attribute in ("events", "kinds"):
            before, after = _list(before), _list(after)
        if before != after:
            body[field] = after
    return body


def state_from_subscription(answer: Mapping[str, Any], prior: Mapping[str, Any]) -> dict[str, Any]:
    """State from an API subscription; ``secret`` and ``rotate_secret_trigger`` come from ``prior``
    unless the answer carries a (new) secret."""
    kinds = _list(answer.get("kinds"))
    return {
        "id": answer.get("id"),
        "url": answer.get("url"),
        "events": _list(answer.get("events")),
        # An empty list in the API is "no kinds": keep the configuration's spelling (null or []).
        "kinds": kinds if kinds else (prior.get("kinds") if prior.get("kinds") == [] else None),
        "description": answer.get("description"),
        "enabled": bool(answer.get("enabled")),
        "secret": answer.get("secret") or prior.get("secret"),
        "rotate_secret_trigger": prior.get("rotate_secret_trigger"),
        "canonical_names": _list(answer.get("canonicalNames")),
        "disabled_reason": answer.get("disabledReason"),
    }
