"""Federation's part of the OpenAPI document (docs/federation.md).

Written like ``openapi_marketplace.py``; ``openapi.document()`` merges ``federation_schemas()`` and
``federation_paths()`` in.
"""

from __future__ import annotations

from typing import Any

from platformxe.registry import parameters
from platformxe.registry.bus import signing, urls
from platformxe.registry.openapi_parts import UNAUTHENTICATED as _UNAUTHENTICATED
from platformxe.registry.openapi_parts import body as _body
from platformxe.registry.openapi_parts import error as _error
from platformxe.registry.openapi_parts import obj as _obj
from platformxe.registry.openapi_parts import ok as _ok
from platformxe.registry.openapi_parts import ref as _ref
from platformxe.registry.storage.federation import INVITATION_STATUSES
from platformxe.rules import federation as fed_rules
from platformxe.rules.names import RESERVED_NAMESPACES

BASE = "/v1/events/custom"
GROUPS = BASE + "/federation/groups"
INVITATIONS = BASE + "/federation/invitations"
_TIMESTAMP = {"type": "string", "format": "date-time", "description": "RFC 3339, UTC, with a Z suffix"}
_TEXT_PATTERN = "^[^\\u0000]*$"
_URL = {
    "type": "string",
    "maxLength": urls.MAX_URL_LENGTH,
    "pattern": f"^{urls.WEBHOOK_URL_CORE}$",
    "description": "like a webhook's url (docs/bus.md): https://host[:port][/path][?query]; http:// and "
    "private hosts only with --allow-private-webhooks (else 400 invalid_webhook_url)",
}
_SECRET = {
    "type": "string",
    "pattern": f"^{signing.SECRET_CORE}$",
    "description": "whsec_ + the padded base64 of 24-64 random bytes",
}
_PUSH_EVENT = {
    "type": "string",
    "pattern": f"^{parameters.EVENT_REF_CORE}$",
    "not": {"pattern": "^(?:" + "|".join(sorted(RESERVED_NAMESPACES)) + ")\\."},
    "description": "one of the owner's published versions, <namespace>.<name>@<version> (a reserved "
    "namespace, platformxe.generic's included: 400 reserved_namespace)",
}


_PLAN = _error(
    ["plan_upgrade_required"], "the caller's plan is not Enterprise (details.plan, details.requiredPlans)"
)
_GROUP_404 = _error(["not_found"], "no such group visible to the caller (another organisation's is the same)")
_OWNER_404 = _error(["not_found"], "no such group owned by the caller (a member's or stranger's call too)")
_INVITATION_404 = _error(["not_found"], "no such invitation for the caller")
_CONFLICT = _error(["federation_conflict"], "a duplicate, a cap reached, or an invitation no longer pending")
_BAD = _error(["invalid_request"], "a malformed field, id, limit, cursor or status")
_BAD_ID = _error(["invalid_request"], "an id in the path is not of its published shape")
_TOO_LARGE = _error(["payload_too_large"], "the request body exceeds 2 MiB")


def _page_of(name: str) -> dict[str, Any]:
    return _obj(
        ["items", "nextCursor"],
        {
            "items": {"type": "array", "items": _ref(name)},
            "nextCursor": {"type": ["string", "null"], "pattern": f"^{parameters.OPAQUE_CURSOR_CORE}$"},
        },
    )


def federation_schemas() -> dict[str, Any]:
    """Component schemas of federation."""
    group = {
        "id": {"type": "string", "pattern": "^fgr_[0-9a-f]+$"},
        "name": {"type": "string"},
        "ownerOrganizationId": {"type": "string"},
        "role": {"type": "string", "enum": ["owner", "member"], "description": "the caller's role"},
        "memberCount": {
            "type": "integer",
            "minimum": 0,
            "description": "accepted members (the owner not counted)",
        },
        "pushCount": {"type": "integer", "minimum": 0},
        "httpsPeerCount": {"type": "integer", "minimum": 0},
        "createdAt": _TIMESTAMP,
    }
    invitation = {
        "id": {"type": "string", "pattern": "^fin_[0-9a-f]+$"},
        "groupId": {"type": "string"},
        "groupName": {"type": "string"},
        "ownerOrganizationId": {"type": "string"},
        "organizationId": {"type": "string", "description": "the invited organisation"},
        "status": {
            "type": "string",
            "enum": list(INVITATION_STATUSES),
            "description": "accepted = a member; left, declined and revoked end it",
        },
        "createdAt": _TIMESTAMP,
        "updatedAt": _TIMESTAMP,
    }
    push = {
        "id": {"type": "string", "pattern": "^fpu_[0-9a-f]+$"},
        "groupId": {"type": "string"},
        "event": {"type": "string", "description": "<namespace>.<name>@<version>"},
        "namespace": {"type": "string"},
        "name": {"type": "string"},
        "version": {"type": "string"},
        "createdAt": _TIMESTAMP,
    }
    peer = {
        "id": {"type": "string", "pattern": "^fhp_[0-9a-f]+$"},
        "groupId": {"type": "string"},
        "url": {"type": "string"},
        "description": {"type": ["string", "null"]},
        "createdAt": _TIMESTAMP,
    }
    deleted = _obj(["id", "deleted"], {"id": {"type": "string"}, "deleted": {"const": True}})
    return {
        "FederationGroupCreate": _obj(
            ["name"],
            {
                "name": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": fed_rules.MAX_GROUP_NAME,
                    "pattern": f"^{fed_rules.GROUP_NAME_CORE}$",
                    "description": "not blank, no control characters; unique among the owner's groups",
                }
            },
        ),
        "FederationGroup": _obj(list(group), group),
        "FederationGroupList": _page_of("FederationGroup"),
        "FederationDeleted": deleted,
        "FederationInvitationCreate": _obj(
            ["organizationId"],
            {
                "organizationId": {
                    "type": "string",
                    "pattern": f"^{parameters.ORGANIZATION_ID_CORE}$",
                    "description": "the invited organisation's id (org_…); an unknown one is 404",
                }
            },
        ),
        "FederationInvitation": _obj(list(invitation), invitation),
        "FederationInvitationList": _page_of("FederationInvitation"),
        "FederationPushCreate": _obj(
            ["event"],
            {"event": _PUSH_EVENT},
        ),
        "FederationPush": _obj(list(push), push),
        "FederationPushList": _page_of("FederationPush"),
        "FederationHttpsPeerCreate": _obj(
            ["url"],
            {
                "url": _URL,
                "secret": {"anyOf": [_SECRET, {"type": "null"}], "description": "absent or null: generated"},
                "description": {"type": ["string", "null"], "maxLength": 1000, "pattern": _TEXT_PATTERN},
            },
        ),
        "FederationHttpsPeer": _obj(list(peer), peer),
        "FederationHttpsPeerWithSecret": _obj([*peer, "secret"], {**peer, "secret": _SECRET}),
        "FederationHttpsPeerList": _page_of("FederationHttpsPeer"),
        "FederatedDelivery": {
            "type": "object",
            "required": ["kind", "outcome", "relayedEventId"],
            "properties": {
                "kind": {"type": "string", "enum": ["organization", "https"]},
                "groupId": {"type": ["string", "null"]},
                "organizationId": {"type": ["string", "null"], "description": "the peer organisation"},
                "httpsPeerId": {"type": "string"},
                "outcome": {
                    "type": "string",
                    "enum": [
                        "pending",
                        "relayed",
                        "delivered",
                        "failed",
                        "peer_not_registered",
                        "peer_not_published",
                        "peer_quota_exceeded",
                        "chain_depth_exceeded",
                        "peer_refused",
                        "membership_ended",
                        "push_removed",
                        "group_deleted",
                        "https_peer_removed",
                        "plan_upgrade_required",
                    ],
                },
                "relayedEventId": {"type": ["string", "null"], "description": "the peer's re-emitted event"},
            },
            "additionalProperties": False,
        },
    }


def _op(operation_id: str, summary: str, responses: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "operationId": operation_id,
        "summary": summary,
        **extra,
        "responses": {**responses, "401": _UNAUTHENTICATED},
    }


def federation_paths() -> dict[str, Any]:
    """Paths of federation (their parameters come from the routes: registry/parameters.py); every
    operation on an id may answer 400 for a malformed one, every body 413 past 2 MiB."""
    paths = _paths()
    for path, item in paths.items():
        for operation in item.values():
            if "{" in path:
                operation["responses"].setdefault("400", _BAD_ID)
            if "requestBody" in operation:
                operation["responses"].setdefault("413", _TOO_LARGE)
    return paths


def _paths() -> dict[str, Any]:
    return {
        GROUPS: {
            "post": _op(
                "createFederationGroup",
                "Create a federation group the caller owns (Enterprise)",
                {
                    "201": _ok("the group", _ref("FederationGroup")),
                    "400": _BAD,
                    "402": _PLAN,
                    "409": _CONFLICT,
                },
                requestBody=_body("FederationGroupCreate"),
            ),
            "get": _op(
                "listFederationGroups",
                "Groups the caller owns or is an accepted member of, oldest first",
                {"200": _ok("a page", _ref("FederationGroupList")), "400": _BAD},
            ),
        },
        GROUPS + "/{id}": {
            "get": _op(
                "getFederationGroup",
                "One group (owner or member)",
                {"200": _ok("the group", _ref("FederationGroup")), "404": _GROUP_404},
            ),
            "delete": _op(
                "deleteFederationGroup",
                "Delete a group with its invitations, pushes and HTTPS peers (owner)",
                {"200": _ok("deleted", _ref("FederationDeleted")), "404": _OWNER_404},
            ),
        },
        GROUPS + "/{id}/invitations": {
            "post": _op(
                "inviteToFederationGroup",
                "Invite an organisation by id (owner, Enterprise); only an Enterprise invitee can accept",
                {
                    "201": _ok("the invitation", _ref("FederationInvitation")),
                    "400": _BAD,
                    "402": _PLAN,
                    "404": _error(
                        ["not_found"], "no such group owned by the caller, or no such organisation"
                    ),
                    "409": _CONFLICT,
                },
                requestBody=_body("FederationInvitationCreate"),
            ),
            "get": _op(
                "listFederationGroupInvitations",
                "Every invitation of a group (owner), oldest first",
                {"200": _ok("a page", _ref("FederationInvitationList")), "400": _BAD, "404": _OWNER_404},
            ),
        },
        GROUPS + "/{id}/leave": {
            "post": _op(
                "leaveFederationGroup",
                "End the caller's membership; nothing more is pushed to it from the next emit on",
                {
                    "200": _ok("the invitation, now left", _ref("FederationInvitation")),
                    "400": _error(["invalid_request"], "the owner cannot leave its own group"),
                    "404": _error(["not_found"], "the caller is not a member of such a group"),
                },
            ),
        },
        GROUPS + "/{id}/pushes": {
            "post": _op(
                "declareFederationPush",
                "Push one of the owner's published versions to the group (owner, Enterprise)",
                {
                    "201": _ok("the push", _ref("FederationPush")),
                    "400": _error(
                        [
                            "invalid_request",
                            "invalid_namespace",
                            "invalid_name",
                            "invalid_version_format",
                            "reserved_namespace",
                        ],
                        "a malformed id, event is not <namespace>.<name>@<version>, or its namespace is "
                        "reserved (platformxe.generic's too)",
                    ),
                    "402": _PLAN,
                    "404": _error(
                        ["not_found", "event_not_registered"],
                        "no such group owned, or the version is not registered",
                    ),
                    "409": _error(
                        ["event_not_published", "federation_conflict"],
                        "the version is draft or archived, already pushed, or the cap is reached",
                    ),
                },
                requestBody=_body("FederationPushCreate"),
            ),
            "get": _op(
                "listFederationPushes",
                "A group's pushes (owner or member), oldest first",
                {"200": _ok("a page", _ref("FederationPushList")), "400": _BAD, "404": _GROUP_404},
            ),
        },
        GROUPS + "/{id}/pushes/{pushId}": {
            "delete": _op(
                "removeFederationPush",
                "Stop pushing a version (owner); the next emit is not pushed",
                {"200": _ok("deleted", _ref("FederationDeleted")), "404": _OWNER_404},
            ),
        },
        GROUPS + "/{id}/https-peers": {
            "post": _op(
                "addFederationHttpsPeer",
                "Add an HTTPS receiver not on PlatformXe, signed like a webhook (owner, Enterprise)",
                {
                    "201": _ok(
                        "the peer, with its secret (shown only now)", _ref("FederationHttpsPeerWithSecret")
                    ),
                    "400": _error(
                        ["invalid_request", "invalid_webhook_url"],
                        "a malformed field, or a url that may not be called",
                    ),
                    "402": _PLAN,
                    "404": _OWNER_404,
                    "409": _CONFLICT,
                },
                requestBody=_body("FederationHttpsPeerCreate"),
            ),
            "get": _op(
                "listFederationHttpsPeers",
                "A group's HTTPS peers (owner), never with secrets",
                {"200": _ok("a page", _ref("FederationHttpsPeerList")), "400": _BAD, "404": _OWNER_404},
            ),
        },
        GROUPS + "/{id}/https-peers/{peerId}": {
            "delete": _op(
                "removeFederationHttpsPeer",
                "Remove an HTTPS peer (owner); its pending deliveries end failed",
                {"200": _ok("deleted", _ref("FederationDeleted")), "404": _OWNER_404},
            ),
        },
        INVITATIONS: {
            "get": _op(
                "listFederationInvitations",
                "Invitations to the caller, oldest first",
                {"200": _ok("a page", _ref("FederationInvitationList")), "400": _BAD},
            ),
        },
        INVITATIONS + "/{id}": {
            "get": _op(
                "getFederationInvitation",
                "One invitation (the invitee or the group's owner)",
                {"200": _ok("the invitation", _ref("FederationInvitation")), "404": _INVITATION_404},
            ),
            "delete": _op(
                "revokeFederationInvitation",
                "Withdraw an invitation or end a membership (the group's owner)",
                {
                    "200": _ok("the invitation, now revoked", _ref("FederationInvitation")),
                    "404": _INVITATION_404,
                    "409": _CONFLICT,
                },
            ),
        },
        INVITATIONS + "/{id}/accept": {
            "post": _op(
                "acceptFederationInvitation",
                "Accept a pending invitation (the invitee, Enterprise)",
                {
                    "200": _ok("the invitation, now accepted", _ref("FederationInvitation")),
                    "402": _PLAN,
                    "404": _INVITATION_404,
                    "409": _CONFLICT,
                },
            ),
        },
        INVITATIONS + "/{id}/decline": {
            "post": _op(
                "declineFederationInvitation",
                "Decline a pending invitation (the invitee, any plan)",
                {
                    "200": _ok("the invitation, now declined", _ref("FederationInvitation")),
                    "404": _INVITATION_404,
                    "409": _CONFLICT,
                },
            ),
        },
    }
