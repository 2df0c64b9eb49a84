"""Routes of subscriptions, one emit's deliveries, and replays (docs/bus.md)."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from platformxe.registry import service_subscriptions as service
from platformxe.registry.bus.settings import BusSettings
from platformxe.registry.http import RequestContext, endpoint
from platformxe.registry.parameters import EVENT_ID, LIST_SUBSCRIPTIONS_PARAMS, SUBSCRIPTION_ID
from platformxe.registry.routes_registrations import BASE

SUBSCRIPTIONS = BASE + "/subscriptions"
SUBSCRIPTION = SUBSCRIPTIONS + "/{id}"
EMIT_PATH = BASE + "/emits/{eventId}"


def _settings(ctx: RequestContext) -> BusSettings:
    return ctx.bus.settings if ctx.bus is not None else BusSettings()


def _notify(ctx: RequestContext) -> None:
    if ctx.bus is not None:
        ctx.bus.notify()


def create(ctx: RequestContext) -> Any:
    """POST /subscriptions."""
    return service.create(ctx.store, ctx.org, ctx.body, _settings(ctx))


def list_(ctx: RequestContext) -> Any:
    """GET /subscriptions."""
    return service.list_subscriptions(ctx.store, ctx.org, ctx.query)


def get(ctx: RequestContext) -> Any:
    """GET /subscriptions/{id}."""
    return service.get(ctx.store, ctx.org, ctx.path["id"])


def patch(ctx: RequestContext) -> Any:
    """PATCH /subscriptions/{id}."""
    return service.update(ctx.store, ctx.org, ctx.path["id"], ctx.body, _settings(ctx))


def delete(ctx: RequestContext) -> Any:
    """DELETE /subscriptions/{id}."""
    return service.delete(ctx.store, ctx.org, ctx.path["id"])


def rotate_secret(ctx: RequestContext) -> Any:
    """POST /subscriptions/{id}/rotate-secret."""
    return service.rotate_secret(ctx.store, ctx.org, ctx.path["id"])


def replay_subscription(ctx: RequestContext) -> Any:
    """POST /subscriptions/{id}/replay."""
    answer = service.replay_subscription(ctx.store, ctx.org, ctx.path["id"], ctx.body)
    _notify(ctx)
    return answer


def get_emit(ctx: RequestContext) -> Any:
    """GET /emits/{eventId}."""
    return service.get_emit(ctx.store, ctx.org, ctx.path["eventId"])


def replay_emit(ctx: RequestContext) -> Any:
    """POST /emits/{eventId}/replay."""
    answer = service.replay_emit(ctx.store, ctx.org, ctx.path["eventId"])
    _notify(ctx)
    return answer


def routes() -> list[Route]:
    """The subscription and emit-delivery routes."""
    one = (SUBSCRIPTION_ID,)
    return [
        Route(SUBSCRIPTIONS, endpoint(create, status=201, with_body=True), methods=["POST"]),
        Route(SUBSCRIPTIONS, endpoint(list_, params=LIST_SUBSCRIPTIONS_PARAMS), methods=["GET"]),
        Route(SUBSCRIPTION, endpoint(get, params=one), methods=["GET"]),
        Route(SUBSCRIPTION, endpoint(patch, with_body=True, params=one), methods=["PATCH"]),
        Route(SUBSCRIPTION, endpoint(delete, params=one), methods=["DELETE"]),
        Route(SUBSCRIPTION + "/rotate-secret", endpoint(rotate_secret, params=one), methods=["POST"]),
        Route(
            SUBSCRIPTION + "/replay",
            endpoint(replay_subscription, status=202, with_body=True, params=one),
            methods=["POST"],
        ),
        Route(EMIT_PATH, endpoint(get_emit, params=(EVENT_ID,)), methods=["GET"]),
        Route(EMIT_PATH + "/replay", endpoint(replay_emit, status=202, params=(EVENT_ID,)), methods=["POST"]),
    ]
