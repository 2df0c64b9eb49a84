"""The glue between Starlette and the service layer.

Each route's handler is a plain synchronous function ``handler(ctx) -> body``. :func:`endpoint`
wraps it into an ASGI endpoint that reads the body (bounded), then runs authentication and the
handler together in Starlette's thread pool — so the service layer uses ordinary blocking
database drivers and never holds up the event loop. Any :class:`ApiError` becomes the API's
error body; anything else is logged (never with the request body or headers) and becomes a
500 ``internal_error`` without internals.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from platformxe.registry import bodies, parameters
from platformxe.registry.errors import (
    INTERNAL_ERROR,
    METHOD_NOT_ALLOWED,
    NOT_FOUND,
    UNAVAILABLE,
    ApiError,
    unauthenticated,
)
from platformxe.registry.judging import INLINE, Judge, JudgingFailed
from platformxe.registry.ratelimit import UNLIMITED, RateLimiter, rate_limit_kind
from platformxe.registry.storage import Store
from platformxe.registry.tenancy import Org, authenticate

log = logging.getLogger("platformxe.registry")


@dataclass
class RequestContext:
    """What a handler sees: the store, the caller's organisation, the inputs."""

    store: Store
    org: Org
    body: dict[str, Any] = field(default_factory=dict)
    path: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    #: Where CPU-heavy judging runs (the server's worker pool; inline when not served).
    judge: Judge = INLINE
    #: The app's bus handle (``registry.bus.BusHandle``): its settings and ``notify()``; None in
    #: apps built without one.
    bus: Any = None


Handler = Callable[[RequestContext], Any]


async def _read_body(request: Request) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > bodies.MAX_BODY_BYTES:
            raise bodies.body_too_large()
        chunks.append(chunk)
    return b"".join(chunks)


def _bearer_key(header: str | None) -> str:
    if not header:
        raise unauthenticated(
            "the Authorization header is missing; send 'Authorization: Bearer <api key>' with an "
            "organisation's API key"
        )
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise unauthenticated("the Authorization header must be 'Bearer <api key>'")
    return key.strip()


def error_response(error: ApiError) -> JSONResponse:
    """The JSON response of an :class:`ApiError`."""
    return JSONResponse(error.body(), status_code=error.status, headers=error.headers or None)


def endpoint(
    handler: Handler,
    *,
    status: int = 200,
    with_body: bool = False,
    limit: str | None = None,
    cost: Callable[[dict[str, Any]], int] | None = None,
    params: tuple[parameters.Param, ...] = (),
) -> Callable[[Request], Any]:
    """An authenticated JSON endpoint running ``handler`` in the thread pool.

    ``limit`` names the request class whose per-organisation rate limit applies (``"emit"``,
    ``"write"``; registry/ratelimit.py). Without it, every method other than GET/HEAD is a
    ``"write"`` and reads are not rate limited. Every request also counts against the
    organisation's in-flight cap. ``params`` are the route's path and query parameters
    (``registry/parameters.py``): each is checked before the handler runs, and the OpenAPI
    document publishes exactly these.
    """
    path_params = tuple(p for p in params if p.location == "path")
    query_params = tuple(p for p in params if p.location == "query")

    async def asgi_endpoint(request: Request) -> Response:
        try:
            key = _bearer_key(request.headers.get("authorization"))
            body = bodies.parse_body(await _read_body(request)) if with_body else {}
            store: Store = request.app.state.store
            judge: Judge = getattr(request.app.state, "judge", INLINE)
            limiter: RateLimiter = getattr(request.app.state, "limiter", UNLIMITED)

            def run() -> Any:
                org = authenticate(store, key)
                if org is None:
                    raise unauthenticated("the API key is not valid (unknown or revoked)")
                # After authentication: a caller without a valid key learns nothing about the route.
                parameters.check_all(path_params, request.path_params)
                parameters.check_all(query_params, dict(request.query_params))
                bodies.check_params(request.path_params)
                bodies.check_params(request.query_params)
                ctx = RequestContext(
                    store=store,
                    org=org,
                    body=body,
                    path=dict(request.path_params),
                    query=dict(request.query_params),
                    judge=judge,
                    bus=getattr(request.app.state, "bus", None),
                )
                with limiter.in_flight(org.id):
                    kind = limit if limit is not None else rate_limit_kind(request.method, request.url.path)
                    if kind is not None:
                        limiter.hit(org.id, org.plan, kind, cost(body) if cost else 1)
                    return handler(ctx)

            result = await run_in_threadpool(run)
        except ApiError as error:
            return error_response(error)
        except JudgingFailed:
            log.warning("a judging worker stopped during %s %s", request.method, request.url.path)
            unavailable = ApiError(
                503, UNAVAILABLE, "the registry could not judge this request now (a worker stopped); retry"
            )
            unavailable.headers["Retry-After"] = "1"
            return error_response(unavailable)
        except Exception:
            # The route and method are enough to find the bug; bodies and headers may hold secrets.
            log.exception("unhandled error in %s %s", request.method, request.url.path)
            return error_response(ApiError(500, INTERNAL_ERROR, "the registry failed to answer; retry later"))
        return JSONResponse(result, status_code=status)

    asgi_endpoint.__name__ = getattr(handler, "__name__", "endpoint")
    asgi_endpoint.__doc__ = handler.__doc__
    asgi_endpoint.params = params  # type: ignore[attr-defined]  # read by openapi.document
    return asgi_endpoint


#: The order methods are listed in an ``Allow`` header.
_METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at the request's path (a resource may have several routes).

    Starlette's own 405 names only the methods of the first route matching the path, so
    ``/registrations`` (POST and GET routes) would advertise ``Allow: POST`` alone.
    """
    methods: set[str] = set()
    for route in request.app.routes:
        if isinstance(route, Route) and route.methods and route.path_regex.match(request.scope["path"]):
            methods |= set(route.methods)
    rank = {m: i for i, m in enumerate(_METHOD_ORDER)}
    return sorted(methods, key=lambda m: (rank.get(m, len(rank)), m))


async def http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405 (unknown route, wrong method) in the API's error shape."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        error = ApiError(
            405, METHOD_NOT_ALLOWED, f"{request.method} is not allowed on {request.url.path}", {}
        )
        response = error_response(error)
        response.headers["Allow"] = ", ".join(allowed_methods(request))
        return response
    if exc.status_code == 404:
        return error_response(
            ApiError(
                404, NOT_FOUND, f"no such route: {request.method} {request.url.path}; see /v1/openapi.json"
            )
        )
    return error_response(ApiError(exc.status_code, "http_error", str(exc.detail)))


async def server_error(request: Request, exc: Exception) -> Response:
    """Last resort for errors outside any endpoint."""
    log.error("unhandled error in %s %s: %s", request.method, request.url.path, type(exc).__name__)
    return error_response(ApiError(500, INTERNAL_ERROR, "the registry failed to answer; retry later"))
