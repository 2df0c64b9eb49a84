"""Routes of emit, health and the lifecycle log."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from platformxe.registry import service_emit as service
from platformxe.registry.errors import coded_error
from platformxe.registry.http import RequestContext, endpoint
from platformxe.registry.parameters import LIFECYCLE_PARAMS
from platformxe.registry.ratelimit import EMIT
from platformxe.registry.routes_registrations import BASE
from platformxe.rules.codes import Code


def emit(ctx: RequestContext) -> Any:
    """POST /emit: accept a payload (202 queued); the bus is told at once."""
    answer = service.emit(ctx.store, ctx.org, ctx.body, ctx.judge)
    if ctx.bus is not None and not answer.get("duplicate"):
        if ctx.bus.push is not None:
            try:
                ctx.bus.push(answer["eventId"], answer["canonicalName"], ctx.org.id)
            except Exception as exc:
                # The audit row is written: the outbox relays it when the bus is back, and the
                # same idempotencyKey answers with this event, never a second one.
                raise coded_error(
                    Code.BUS_RELAY_FAILED,
                    f"the emit was recorded as {answer['eventId']} but the bus did not take it "
                    f"({type(exc).__name__}); it is relayed once the bus answers again — retry with the same "
                    "idempotencyKey to read the same event",
                    "bus",
                    eventId=answer["eventId"],
                    canonicalName=answer["canonicalName"],
                ) from None
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
        Route(
            BASE + "/lifecycle-events", endpoint(lifecycle_events, params=LIFECYCLE_PARAMS), methods=["GET"]
        ),
    ]
