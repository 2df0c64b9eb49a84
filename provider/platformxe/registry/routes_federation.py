"""Routes of federation (docs/federation.md)."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from platformxe.registry import parameters as table
from platformxe.registry import service_federation as service
from platformxe.registry.bus.settings import BusSettings
from platformxe.registry.http import RequestContext, endpoint
from platformxe.registry.ratelimit import WRITE
from platformxe.registry.routes_registrations import BASE

GROUPS = BASE + "/federation/groups"
GROUP = GROUPS + "/{id}"
INVITATIONS = BASE + "/federation/invitations"
INVITATION = INVITATIONS + "/{id}"


def _settings(ctx: RequestContext) -> BusSettings:
    return ctx.bus.settings if ctx.bus is not None else BusSettings()


def create_group(ctx: RequestContext) -> Any:
    """POST /federation/groups."""
    return service.create_group(ctx.store, ctx.org, ctx.body)


def list_groups(ctx: RequestContext) -> Any:
    """GET /federation/groups."""
    return service.list_groups(ctx.store, ctx.org, ctx.query)


def get_group(ctx: RequestContext) -> Any:
    """GET /federation/groups/{id}."""
    return service.get_group(ctx.store, ctx.org, ctx.path["id"])


def delete_group(ctx: RequestContext) -> Any:
    """DELETE /federation/groups/{id}."""
    return service.delete_group(ctx.store, ctx.org, ctx.path["id"])


def invite(ctx: RequestContext) -> Any:
    """POST /federation/groups/{id}/invitations."""
    return service.invite(ctx.store, ctx.org, ctx.path["id"], ctx.body)


def list_group_invitations(ctx: RequestContext) -> Any:
    """GET /federation/groups/{id}/invitations."""
    return service.list_group_invitations(ctx.store, ctx.org, ctx.path["id"], ctx.query)


def leave(ctx: RequestContext) -> Any:
    """POST /federation/groups/{id}/leave."""
    return service.leave(ctx.store, ctx.org, ctx.path["id"])


def declare_push(ctx: RequestContext) -> Any:
    """POST /federation/groups/{id}/pushes."""
    return service.declare_push(ctx.store, ctx.org, ctx.path["id"], ctx.body)


def list_pushes(ctx: RequestContext) -> Any:
    """GET /federation/groups/{id}/pushes."""
    return service.list_pushes(ctx.store, ctx.org, ctx.path["id"], ctx.query)


def remove_push(ctx: RequestContext) -> Any:
    """DELETE /federation/groups/{id}/pushes/{pushId}."""
    return service.remove_push(ctx.store, ctx.org, ctx.path["id"], ctx.path["pushId"])


def add_https_peer(ctx: RequestContext) -> Any:
    """POST /federation/groups/{id}/https-peers."""
    return service.add_https_peer(ctx.store, ctx.org, ctx.path["id"], ctx.body, _settings(ctx))


def list_https_peers(ctx: RequestContext) -> Any:
    """GET /federation/groups/{id}/https-peers."""
    return service.list_https_peers(ctx.store, ctx.org, ctx.path["id"], ctx.query)


def remove_https_peer(ctx: RequestContext) -> Any:
    """DELETE /federation/groups/{id}/https-peers/{peerId}."""
    return service.remove_https_peer(ctx.store, ctx.org, ctx.path["id"], ctx.path["peerId"])


def list_my_invitations(ctx: RequestContext) -> Any:
    """GET /federation/invitations."""
    return service.list_my_invitations(ctx.store, ctx.org, ctx.query)


def get_invitation(ctx: RequestContext) -> Any:
    """GET /federation/invitations/{id}."""
    return service.get_invitation(ctx.store, ctx.org, ctx.path["id"])


def revoke(ctx: RequestContext) -> Any:
    """DELETE /federation/invitations/{id}."""
    return service.revoke(ctx.store, ctx.org, ctx.path["id"])


def accept(ctx: RequestContext) -> Any:
    """POST /federation/invitations/{id}/accept."""
    return service.accept(ctx.store, ctx.org, ctx.path["id"])


def decline(ctx: RequestContext) -> Any:
    """POST /federation/invitations/{id}/decline."""
    return service.decline(ctx.store, ctx.org, ctx.path["id"])


def routes() -> list[Route]:
    """The federation routes (their parameters: registry/parameters.py)."""
    group, page = (table.GROUP_ID,), table.PAGE_PARAMS
    invitation = (table.INVITATION_ID,)
    return [
        Route(GROUPS, endpoint(create_group, status=201, with_body=True, limit=WRITE), methods=["POST"]),
        Route(GROUPS, endpoint(list_groups, params=page), methods=["GET"]),
        Route(GROUP, endpoint(get_group, params=group), methods=["GET"]),
        Route(GROUP, endpoint(delete_group, limit=WRITE, params=group), methods=["DELETE"]),
        Route(
            GROUP + "/invitations",
            endpoint(invite, status=201, with_body=True, limit=WRITE, params=group),
            methods=["POST"],
        ),
        Route(
            GROUP + "/invitations",
            endpoint(list_group_invitations, params=(*group, *page, table.INVITATION_STATUS)),
            methods=["GET"],
        ),
        Route(GROUP + "/leave", endpoint(leave, limit=WRITE, params=group), methods=["POST"]),
        Route(
            GROUP + "/pushes",
            endpoint(declare_push, status=201, with_body=True, limit=WRITE, params=group),
            methods=["POST"],
        ),
        Route(GROUP + "/pushes", endpoint(list_pushes, params=(*group, *page)), methods=["GET"]),
        Route(
            GROUP + "/pushes/{pushId}",
            endpoint(remove_push, limit=WRITE, params=(*group, table.PUSH_ID)),
            methods=["DELETE"],
        ),
        Route(
            GROUP + "/https-peers",
            endpoint(add_https_peer, status=201, with_body=True, limit=WRITE, params=group),
            methods=["POST"],
        ),
        Route(GROUP + "/https-peers", endpoint(list_https_peers, params=(*group, *page)), methods=["GET"]),
        Route(
            GROUP + "/https-peers/{peerId}",
            endpoint(remove_https_peer, limit=WRITE, params=(*group, table.HTTPS_PEER_ID)),
            methods=["DELETE"],
        ),
        Route(
            INVITATIONS,
            endpoint(list_my_invitations, params=(*page, table.INVITATION_STATUS)),
            methods=["GET"],
        ),
        Route(INVITATION, endpoint(get_invitation, params=invitation), methods=["GET"]),
        Route(INVITATION, endpoint(revoke, limit=WRITE, params=invitation), methods=["DELETE"]),
        Route(INVITATION + "/accept", endpoint(accept, limit=WRITE, params=invitation), methods=["POST"]),
        Route(INVITATION + "/decline", endpoint(decline, limit=WRITE, params=invitation), methods=["POST"]),
    ]
