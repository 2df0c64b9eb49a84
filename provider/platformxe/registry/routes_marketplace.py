"""Routes of the marketplace (docs/marketplace.md)."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from platformxe.registry import service_marketplace as service
from platformxe.registry.http import RequestContext, endpoint
from platformxe.registry.parameters import BROWSE_PARAMS, LISTING_ID
from platformxe.registry.ratelimit import WRITE
from platformxe.registry.routes_registrations import BASE

LISTINGS = BASE + "/marketplace/listings"
LISTING = LISTINGS + "/{id}"


def publish(ctx: RequestContext) -> Any:
    """POST /marketplace/listings."""
    return service.publish(ctx.store, ctx.org, ctx.body)


def browse(ctx: RequestContext) -> Any:
    """GET /marketplace/listings."""
    return service.browse(ctx.store, ctx.org, ctx.query)


def get(ctx: RequestContext) -> Any:
    """GET /marketplace/listings/{id}."""
    return service.get(ctx.store, ctx.org, ctx.path["id"])


def unpublish(ctx: RequestContext) -> Any:
    """DELETE /marketplace/listings/{id}."""
    return service.unpublish(ctx.store, ctx.org, ctx.path["id"])


def fork(ctx: RequestContext) -> Any:
    """POST /marketplace/listings/{id}/fork."""
    return service.fork(ctx.store, ctx.org, ctx.path["id"], ctx.body, ctx.judge)


def routes() -> list[Route]:
    """The marketplace routes."""
    one = (LISTING_ID,)
    return [
        Route(LISTINGS, endpoint(publish, status=201, with_body=True, limit=WRITE), methods=["POST"]),
        Route(LISTINGS, endpoint(browse, params=BROWSE_PARAMS), methods=["GET"]),
        Route(LISTING, endpoint(get, params=one), methods=["GET"]),
        Route(LISTING, endpoint(unpublish, limit=WRITE, params=one), methods=["DELETE"]),
        Route(
            LISTING + "/fork",
            endpoint(fork, status=201, with_body=True, limit=WRITE, params=one),
            methods=["POST"],
        ),
    ]
