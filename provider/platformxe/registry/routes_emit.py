"""Routes of emit, health and the lifecycle log."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from platformxe.registry import service_emit as service
from platformxe.registry.http import RequestContext, endpoint
from platformxe.registry.ratelimit import EMIT
from platformxe.registry.routes_registrations import BASE


def emit(ctx: RequestContext) -> Any:
    """POST /emit: accept a payload (202 queued); the bus is told at once."""
    answer = service.emit(ctx.store, ctx.org, ctx.body, ctx.judge)
    if ctx.bus is not None and not answer.get("duplicate"):
        ctx.bus.notify()
    return answer


def health(ctx: RequestContext) -> Any:
    """GET /health: plan, usage, recent failures."""
    return service.health(ctx.store, ctx.org)


def lifecycle_events(ctx: RequestContext) -> Any:
    """GET /lifecycle-events: the log, oldest first."""
    return service.lifecycle_events(ctx.store, ctx.org, ctx.query)


def routes() -> list[Route]:
    """The emit, health and lifecycle routes."""
    return [
        Route(BASE + "/emit", endpoint(emit, status=202, with_body=True, limit=EMIT), methods=["POST"]),
        Route(BASE + "/health", endpoint(health), methods=["GET"]),
        Route(BASE + "/lifecycle-events", endpoint(lifecycle_events), methods=["GET"]),
    ]
