"""Routes of dry-run and registrations (create, list, get, patch, delete)."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from platformxe.registry import service_registrations as service
from platformxe.registry.http import RequestContext, endpoint
from platformxe.registry.parameters import (
    EVENT_PATH_PARAMS,
    LIST_REGISTRATIONS_PARAMS,
    VERSION_PATH_PARAMS,
)
from platformxe.registry.ratelimit import WRITE

BASE = "/v1/events/custom"
VERSION_PATH = BASE + "/registrations/{namespace}/{name}/versions/{version}"
POLICY_PATH = BASE + "/registrations/{namespace}/{name}/policy"


def dry_run(ctx: RequestContext) -> Any:
    """POST /dry-run: the verdict, nothing stored."""
    return service.dry_run(ctx.store, ctx.org, ctx.body, ctx.judge)


def dry_run_batch(ctx: RequestContext) -> Any:
    """POST /dry-run/batch: many verdicts, each as POST /dry-run would give it; nothing stored."""
    return service.dry_run_batch(ctx.store, ctx.org, ctx.body, ctx.judge)


def create(ctx: RequestContext) -> Any:
    """POST /registrations: register a version."""
    return service.register(ctx.store, ctx.org, ctx.body, ctx.judge)


def list_(ctx: RequestContext) -> Any:
    """GET /registrations: a filtered page."""
    return service.list_registrations(ctx.store, ctx.org, ctx.query)


def get(ctx: RequestContext) -> Any:
    """GET one version (or latest)."""
    return service.get(ctx.store, ctx.org, ctx.path["namespace"], ctx.path["name"], ctx.path["version"])


def usage(ctx: RequestContext) -> Any:
    """GET one version's usage: emits in the last 7 days."""
    p = ctx.path
    return service.usage(ctx.store, ctx.org, p["namespace"], p["name"], p["version"])


def patch(ctx: RequestContext) -> Any:
    """PATCH one version: status and/or description."""
    p = ctx.path
    return service.update(ctx.store, ctx.org, p["namespace"], p["name"], p["version"], ctx.body)


def delete(ctx: RequestContext) -> Any:
    """DELETE one version: archive it."""
    p = ctx.path
    return service.archive(ctx.store, ctx.org, p["namespace"], p["name"], p["version"])


def get_policy(ctx: RequestContext) -> Any:
    """GET an event's compatibility policy."""
    return service.get_policy(ctx.store, ctx.org, ctx.path["namespace"], ctx.path["name"])


def put_policy(ctx: RequestContext) -> Any:
    """PUT an event's compatibility policy."""
    return service.set_policy(ctx.store, ctx.org, ctx.path["namespace"], ctx.path["name"], ctx.body)


def routes() -> list[Route]:
    """The registration routes."""
    return [
        Route(BASE + "/dry-run", endpoint(dry_run, with_body=True, limit=WRITE), methods=["POST"]),
        Route(
            BASE + "/dry-run/batch",
            # a batch of N candidates counts as N write requests: batching saves round trips, not quota
            endpoint(dry_run_batch, with_body=True, limit=WRITE, cost=service.dry_run_batch_cost),
            methods=["POST"],
        ),
        Route(
            BASE + "/registrations",
            endpoint(create, status=201, with_body=True, limit=WRITE),
            methods=["POST"],
        ),
        Route(BASE + "/registrations", endpoint(list_, params=LIST_REGISTRATIONS_PARAMS), methods=["GET"]),
        Route(VERSION_PATH, endpoint(get, params=VERSION_PATH_PARAMS), methods=["GET"]),
        Route(
            VERSION_PATH,
            endpoint(patch, with_body=True, limit=WRITE, params=VERSION_PATH_PARAMS),
            methods=["PATCH"],
        ),
        Route(VERSION_PATH, endpoint(delete, limit=WRITE, params=VERSION_PATH_PARAMS), methods=["DELETE"]),
        Route(VERSION_PATH + "/usage", endpoint(usage, params=VERSION_PATH_PARAMS), methods=["GET"]),
        Route(POLICY_PATH, endpoint(get_policy, params=EVENT_PATH_PARAMS), methods=["GET"]),
        Route(POLICY_PATH, endpoint(put_policy, with_body=True, params=EVENT_PATH_PARAMS), methods=["PUT"]),
    ]
