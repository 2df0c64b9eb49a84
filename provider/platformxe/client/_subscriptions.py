"""``client.events.custom.subscriptions``: webhooks and workflows that receive emitted events.

Same argument styles as the rest of the SDK (snake_case, camelCase or one dict). The ``secret`` is
in the answer of :meth:`Subscriptions.create` and :meth:`Subscriptions.rotate_secret` only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from platformxe.client._arguments import MISSING, Field, gather
from platformxe.client._objects import ApiObject, Page
from platformxe.client._transport import Requester

__all__ = ["Subscriptions"]

BASE = "/v1/events/custom/subscriptions"

_CREATE = (
    Field("url"),
    Field("events", required=True),
    Field("kinds"),
    Field("description"),
    Field("enabled"),
    Field("secret"),
    Field("kind"),
    Field("workflow"),
)
_UPDATE = (
    Field("url"),
    Field("events"),
    Field("kinds", none_is_absent=False),
    Field("description", none_is_absent=False),
    Field("enabled"),
    Field("workflow"),
)


def _path(subscription_id: str) -> str:
    if not isinstance(subscription_id, str) or not subscription_id:
        raise TypeError(f"subscription_id must be a non-empty string, not {subscription_id!r}")
    return f"{BASE}/{quote(subscription_id, safe='')}"


class Subscriptions:
    """Subscriptions of the organisation (docs/bus.md)."""

    def __init__(self, client: Requester) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<Subscriptions of {self._client!r}>"

    def create(
        self,
        spec: Mapping[str, Any] | None = None,
        /,
        *,
        url: str | None = None,
        events: Sequence[str] | None = None,
        kinds: Sequence[str] | None = None,
        description: str | None = None,
        enabled: bool | None = None,
        secret: str | None = None,
        kind: str | None = None,
        workflow: Mapping[str, Any] | None = None,
        **camel_case: Any,
    ) -> ApiObject:
        """Subscribe ``url`` (or a workflow) to exact ``events`` (``"<ns>.<name>@<version>"``); the answer
        carries the signing ``secret`` (generated when not given) — the only time it is shown."""
        body = gather(
            "create",
            _CREATE,
            spec,
            {
                "url": url,
                "events": events,
                "kinds": kinds,
                "description": description,
                "enabled": enabled,
                "secret": secret,
                "kind": kind,
                "workflow": workflow,
            },
            camel_case,
        )
        # Not retried after an uncertain failure: a second POST would make a second subscription.
        return ApiObject(self._client.request("POST", BASE, json=body, idempotent=False))

    def list(self, cursor: str | None = None, limit: int | None = None) -> Page:
        """One page of subscriptions, oldest first (never with secrets)."""
        query = gather(
            "list", (Field("cursor"), Field("limit")), None, {"cursor": cursor, "limit": limit}, {}
        )
        return Page(self._client.request("GET", BASE, params=query))

    def iter_all(self, page_size: int | None = None) -> Iterator[ApiObject]:
        """Every subscription, page after page."""
        cursor: str | None = None
        while True:
            page = self.list(cursor=cursor, limit=page_size)
            yield from page
            cursor = page.get("nextCursor")
            if not cursor or len(page) == 0:
                return

    def get(self, subscription_id: str) -> ApiObject:
        """One subscription; another organisation's id raises ``NotFound``."""
        return ApiObject(self._client.request("GET", _path(subscription_id)))

    def update(
        self,
        subscription_id: str,
        spec: Mapping[str, Any] | None = None,
        /,
        *,
        url: str | None = None,
        events: Sequence[str] | None = None,
        kinds: Any = MISSING,
        description: Any = MISSING,
        enabled: bool | None = None,
        workflow: Mapping[str, Any] | None = None,
        **camel_case: Any,
    ) -> ApiObject:
        """Change url, events, kinds, description and/or enabled (``description=None`` clears it)."""
        body = gather(
            "update",
            _UPDATE,
            spec,
            {
                "url": url,
                "events": events,
                "kinds": kinds,
                "description": description,
                "enabled": enabled,
                "workflow": workflow,
            },
            camel_case,
        )
        if not body:
            raise TypeError(
                "update() needs at least one of url, events, kinds, description, enabled, workflow"
            )
        return ApiObject(self._client.request("PATCH", _path(subscription_id), json=body))

    def delete(self, subscription_id: str) -> ApiObject:
        """Delete a subscription; its pending deliveries end as failed."""
        return ApiObject(self._client.request("DELETE", _path(subscription_id)))

    def rotate_secret(self, subscription_id: str) -> ApiObject:
        """A new signing secret (``.secret``); the old one keeps signing too for 24 hours."""
        return ApiObject(
            self._client.request("POST", _path(subscription_id) + "/rotate-secret", idempotent=False)
        )

    rotateSecret = rotate_secret  # the TypeScript SDK's spelling

    def replay(self, subscription_id: str, since: str) -> ApiObject:
        """Try every delivery to this subscription that failed since ``since`` (RFC 3339) again;
        returns ``{queued}``."""
        return ApiObject(
            self._client.request("POST", _path(subscription_id) + "/replay", json={"since": since})
        )
