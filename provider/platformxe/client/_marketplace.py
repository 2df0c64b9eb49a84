"""``client.events.custom.marketplace``: publish a version for other organisations to fork (docs/marketplace.md).

Same argument styles as the rest of the SDK (snake_case, camelCase or one dict). Browsing is open to
every plan; publishing and forking need Pro or Enterprise (``PlanUpgradeRequired`` otherwise).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from platformxe.client._arguments import Field, gather
from platformxe.client._objects import ApiObject, Page
from platformxe.client._transport import Requester

__all__ = ["Marketplace"]

BASE = "/v1/events/custom/marketplace/listings"

_PUBLISH = (
    Field("namespace", required=True),
    Field("name", required=True),
    Field("version", required=True),
    Field("title", required=True),
    Field("summary"),
    Field("tags"),
)
_FORK = (Field("namespace", required=True), Field("name"), Field("version"))
_BROWSE = (Field("q"), Field("namespace"), Field("tag"), Field("limit"), Field("cursor"))


def _path(listing_id: str) -> str:
    if not isinstance(listing_id, str) or not listing_id:
        raise TypeError(f"listing_id must be a non-empty string, not {listing_id!r}")
    return f"{BASE}/{quote(listing_id, safe='')}"


class Marketplace:
    """Marketplace listings (docs/marketplace.md)."""

    def __init__(self, client: Requester) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<Marketplace of {self._client!r}>"

    def publish(
        self,
        spec: Mapping[str, Any] | None = None,
        /,
        *,
        namespace: str | None = None,
        name: str | None = None,
        version: str | None = None,
        title: str | None = None,
        summary: str | None = None,
        tags: Sequence[str] | None = None,
        **camel_case: Any,
    ) -> ApiObject:
        """List one published version of your own event; the answer is the listing (``.id``)."""
        body = gather(
            "publish",
            _PUBLISH,
            spec,
            {
                "namespace": namespace,
                "name": name,
                "version": version,
                "title": title,
                "summary": summary,
                "tags": tags,
            },
            camel_case,
        )
        # Not retried after an uncertain failure; a repeat answers ListingAlreadyExists (details.existingListing).
        return ApiObject(self._client.request("POST", BASE, json=body, idempotent=False))

    def list(
        self,
        spec: Mapping[str, Any] | None = None,
        /,
        *,
        q: str | None = None,
        namespace: str | None = None,
        tag: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Page:
        """One page of every organisation's listings, oldest first; ``page.next_cursor`` is None on the
        last page. Use :meth:`iter_all` to walk every page."""
        query = gather(
            "list",
            _BROWSE,
            spec,
            {"q": q, "namespace": namespace, "tag": tag, "limit": limit, "cursor": cursor},
            {},
        )
        return Page(self._client.request("GET", BASE, params=query))

    browse = list

    def iter_all(
        self,
        *,
        q: str | None = None,
        namespace: str | None = None,
        tag: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[ApiObject]:
        """Every listing matching the filters, page after page (lazily)."""
        cursor: str | None = None
        while True:
            page = self.list(q=q, namespace=namespace, tag=tag, limit=page_size, cursor=cursor)
            yield from page
            cursor = page.get("nextCursor")
            if not cursor or len(page) == 0:
                return

    def get(self, listing_id: str) -> ApiObject:
        """One listing (any organisation's) while its version is published; else ``NotFound``."""
        return ApiObject(self._client.request("GET", _path(listing_id)))

    def unpublish(self, listing_id: str) -> ApiObject:
        """Remove your own listing; another organisation's id raises ``NotFound``."""
        return ApiObject(self._client.request("DELETE", _path(listing_id)))

    def fork(
        self,
        listing_id: str,
        spec: Mapping[str, Any] | None = None,
        /,
        *,
        namespace: str | None = None,
        name: str | None = None,
        version: str | None = None,
        **camel_case: Any,
    ) -> ApiObject:
        """Register the listed schema in ``namespace`` (name defaults to the listed one, version to
        1.0.0); the answer is the new registration, with ``forkedFrom``."""
        body = gather(
            "fork", _FORK, spec, {"namespace": namespace, "name": name, "version": version}, camel_case
        )
        return ApiObject(
            self._client.request("POST", _path(listing_id) + "/fork", json=body, idempotent=False)
        )
