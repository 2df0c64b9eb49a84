"""The registry's ASGI application: routes, error shapes, the store on ``app.state``."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from platformxe.registry import (
    routes_emit,
    routes_federation,
    routes_marketplace,
    routes_registrations,
    routes_subscriptions,
)
from platformxe.registry.http import http_exception, server_error
from platformxe.registry.judging import INLINE, Judge
from platformxe.registry.openapi import document
from platformxe.registry.ratelimit import UNLIMITED, RateLimiter
from platformxe.registry.storage import Store


async def healthz(request: Request) -> JSONResponse:
    """GET /healthz: the process is up (no auth, no database)."""
    return JSONResponse({"status": "ok"})


async def openapi_document(request: Request) -> JSONResponse:
    """GET /v1/openapi.json: the API description (no auth)."""
    return JSONResponse(document(api_routes()))


def api_routes() -> list[Route]:
    """Every route the application serves (the OpenAPI contract test compares them)."""
    return [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/v1/openapi.json", openapi_document, methods=["GET"]),
        *routes_registrations.routes(),
        *routes_emit.routes(),
        *routes_subscriptions.routes(),
        *routes_marketplace.routes(),
        *routes_federation.routes(),
    ]


def build_app(
    store: Store, judge: Judge | None = None, limiter: RateLimiter | None = None, bus: Any = None
) -> Starlette:
    """The application serving ``store``; CPU-heavy judging runs on ``judge`` (inline when None),
    per-organisation rate limits are ``limiter``'s (none when None); ``bus`` (a
    ``registry.bus.BusHandle``) carries the bus's settings and is told about accepted emits."""
    app = Starlette(
        routes=api_routes(),
        exception_handlers={HTTPException: http_exception, 500: server_error},
    )
    app.state.store = store
    app.state.judge = judge if judge is not None else INLINE
    app.state.limiter = limiter if limiter is not None else UNLIMITED
    app.state.bus = bus
    return app
