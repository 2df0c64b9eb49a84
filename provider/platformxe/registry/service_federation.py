"""Federation (docs/federation.md): groups, invitations, memberships, pushes and HTTPS peers.

An owner (Enterprise) creates a group, invites other organisations by id, declares which of its own
published versions the group receives (pushes) and may add HTTPS peers (URL + signing secret).
An invitee accepts (Enterprise only) or declines; a member may leave. The bus fans each accepted
emit of a pushed version out to the members and HTTPS peers (``registry/bus/federation.py``).

Visibility: a group is seen by its owner and its accepted members, an invitation by the group's
owner and the invitee; everything else — another organisation's group, invitation, push or HTTPS
peer id — answers 404 exactly like an unknown id. Only the owner changes a group. Transitions are
logged in the lifecycle log of each organisation they concern (owner and invitee), each in that
organisation's own write transaction.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from platformxe import rules
from platformxe.registry import bodies, cursors, lifecycle_types
from platformxe.registry.bus import signing
from platformxe.registry.bus.settings import BusSettings
from platformxe.registry.bus.settle import settle
from platformxe.registry.bus.urls import WebhookUrlRefused, check_url
from platformxe.registry.clock import now_text
from platformxe.registry.errors import ApiError, coded_error, invalid_request, problem_error
from platformxe.registry.parameters import ORGANIZATION_ID_CORE
from platformxe.registry.storage import Store, Tx
from platformxe.registry.storage import deliveries as delivery_rows
from platformxe.registry.storage import federation as fed_rows
from platformxe.registry.storage import lifecycle as lifecycle_log
from platformxe.registry.storage import orgs as org_rows
from platformxe.registry.storage import registrations as registration_rows
from platformxe.registry.tenancy import Org, org_from_row
from platformxe.rules import Code, PlanTier, Status
from platformxe.rules import federation as fed_rules

GROUP_FIELDS = ("name",)
INVITE_FIELDS = ("organizationId",)
PUSH_FIELDS = ("event",)
HTTPS_PEER_FIELDS = ("url", "secret", "description")
#: Caps (docs/federation.md); past one the answer is 409 federation_conflict with details.limit.
MAX_GROUPS = 100
MAX_MEMBERS = 100
MAX_PUSHES = 100
MAX_HTTPS_PEERS = 20
MAX_DESCRIPTION = 1000
_ORG_ID = re.compile(ORGANIZATION_ID_CORE)
MAX_ORG_ID = 100


# -- shared ----------------------------------------------------------------------------------------


def _group_404(group_id: str) -> ApiError:
    return ApiError(
        404, "not_found", f"no federation group {group_id} visible to this organisation", {"field": "id"}
    )


def _invitation_404(invitation_id: str) -> ApiError:
    return ApiError(
        404, "not_found", f"no federation invitation {invitation_id} for this organisation", {"field": "id"}
    )


def _conflict(message: str, field: str, **details: Any) -> ApiError:
    return coded_error(Code.FEDERATION_CONFLICT, message, field, **details)


def _plan(tx: Tx, org: Org) -> PlanTier:
    row = org_rows.get_org(tx, org.id)
    return org_from_row(row).plan if row is not None else org.plan


def _require_plan(tx: Tx, org: Org, action: str) -> None:
    problems = fed_rules.check_federation_plan(_plan(tx, org), action)
    if problems:
        raise problem_error(problems)


def _subject(group_id: str) -> str:
    return f"federation:{group_id}"


def _log_other(store: Store, org_id: str, type_: str, subject: str, data: dict[str, Any]) -> None:
    """One lifecycle row in another organisation's log, in that organisation's own transaction."""
    with store.write(org_id) as tx:
        lifecycle_log.append(tx, org_id, type_, subject, now_text(), data)


def _owned_group(tx: Tx, org: Org, group_id: str) -> dict[str, Any]:
    row = fed_rows.get_group_any(tx, group_id)
    if row is None or row["organization_id"] != org.id:
        raise _group_404(group_id)
    return row


def _visible_group(tx: Tx, org: Org, group_id: str) -> dict[str, Any]:
    row = fed_rows.get_group_any(tx, group_id)
    if row is None or (row["organization_id"] != org.id and not fed_rows.is_member(tx, group_id, org.id)):
        raise _group_404(group_id)
    return row


def _page(rows: list[dict[str, Any]], limit: int, view: Any) -> dict[str, Any]:
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": [view(r) for r in rows],
        "nextCursor": cursors.encode_keyset_cursor(rows[-1]) if more else None,
    }


# -- views -----------------------------------------------------------------------------------------


def group_view(row: dict[str, Any], caller: str) -> dict[str, Any]:
    """A group as the caller sees it (``role``: owner or member)."""
    return {
        "id": row["id"],
        "name": row["name"],
        "ownerOrganizationId": row["organization_id"],
        "role": "owner" if row["organization_id"] == caller else "member",
        "memberCount": int(row["member_count"]),
        "pushCount": int(row["push_count"]),
        "httpsPeerCount": int(row["https_peer_count"]),
        "createdAt": row["created_at"],
    }


def invitation_view(row: dict[str, Any]) -> dict[str, Any]:
    """An invitation (its ``status`` is the membership's state once accepted)."""
    return {
        "id": row["id"],
        "groupId": row["group_id"],
        "groupName": row["group_name"],
        "ownerOrganizationId": row["owner_organization_id"],
        "organizationId": row["organization_id"],
        "status": row["status"],
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
    }


def push_view(row: dict[str, Any]) -> dict[str, Any]:
    """A push: one of the owner's versions the group receives."""
    return {
        "id": row["id"],
        "groupId": row["group_id"],
        "event": f"{row['namespace']}.{row['name']}@{row['version']}",
        "namespace": row["namespace"],
        "name": row["name"],
        "version": row["version"],
        "createdAt": row["created_at"],
    }


def https_peer_view(row: dict[str, Any], secret: str | None = None) -> dict[str, Any]:
    """An HTTPS peer (the secret only in the answer that created it)."""
    out: dict[str, Any] = {
        "id": row["id"],
        "groupId": row["group_id"],
        "url": row["url"],
        "description": row["description"],
        "createdAt": row["created_at"],
    }
    if secret is not None:
        out["secret"] = secret
    return out


# -- groups ----------------------------------------------------------------------------------------


def create_group(store: Store, org: Org, body: dict[str, Any]) -> dict[str, Any]:
    """POST /federation/groups ``{name}``: 201, the caller owns the new group (Enterprise)."""
    bodies.reject_unknown_fields(body, GROUP_FIELDS)
    name = body.get("name")
    problems = fed_rules.check_group_name(name)
    with store.read() as tx:
        _require_plan(tx, org, "create federation groups")
    if problems:
        raise problem_error(problems)
    assert isinstance(name, str)
    bodies.check_text("name", name)
    with store.write(org.id) as tx:
        _require_plan(tx, org, "create federation groups")
        existing = fed_rows.group_by_name(tx, org.id, name)
        if existing is not None:
            raise _conflict(
                f"this organisation already has a federation group named {name!r} ({existing['id']}); "
                "pick another name or use that group",
                "name",
                existingGroup=group_view(existing, org.id),
            )
        used = fed_rows.count_groups(tx, org.id)
        if used >= MAX_GROUPS:
            raise _conflict(
                f"an organisation may own {MAX_GROUPS} federation groups and this one owns {used}; delete one",
                "name",
                limit=MAX_GROUPS,
            )
        now = now_text()
        group_id = "fgr_" + secrets.token_hex(12)
        fed_rows.insert_group(
            tx, {"id": group_id, "organization_id": org.id, "name": name, "created_at": now}
        )
        lifecycle_log.append(
            tx,
            org.id,
            lifecycle_types.FEDERATION_GROUP_CREATED,
            _subject(group_id),
            now,
            {"groupId": group_id, "name": name},
        )
        row = fed_rows.get_group_any(tx, group_id)
    assert row is not None
    return group_view(row, org.id)


def list_groups(store: Store, org: Org, query: dict[str, str]) -> dict[str, Any]:
    """GET /federation/groups: the groups the caller owns or is a member of, oldest first."""
    limit = bodies.query_limit(query)
    after = cursors.decode_keyset_cursor(query.get("cursor"), "fgr_")
    with store.read() as tx:
        rows = fed_rows.page_groups(tx, org.id, after, limit + 1)
    return _page(rows, limit, lambda r: group_view(r, org.id))


def get_group(store: Store, org: Org, group_id: str) -> dict[str, Any]:
    """GET /federation/groups/{id}: the owner's or a member's view."""
    with store.read() as tx:
        return group_view(_visible_group(tx, org, group_id), org.id)


def delete_group(store: Store, org: Org, group_id: str) -> dict[str, Any]:
    """DELETE /federation/groups/{id} (owner): the group, its invitations, pushes and HTTPS peers go;
    nothing more is pushed from the next emit on."""
    with store.write(org.id) as tx:
        row = _owned_group(tx, org, group_id)
        members = [
            str(r["organization_id"])
            for r in fed_rows.page_invitations(
                tx, group_id=group_id, status=fed_rows.ACCEPTED, after=None, limit=10_000
            )
        ]
        fed_rows.delete_group(tx, org.id, group_id)
        data = {"groupId": group_id, "name": row["name"]}
        lifecycle_log.append(
            tx, org.id, lifecycle_types.FEDERATION_GROUP_DELETED, _subject(group_id), now_text(), data
        )
    for member in members:
        _log_other(store, member, lifecycle_types.FEDERATION_GROUP_DELETED, _subject(group_id), data)
    return {"id": group_id, "deleted": True}


# -- invitations -----------------------------------------------------------------------------------


def invite(store: Store, org: Org, group_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST /federation/groups/{id}/invitations ``{organizationId}`` (owner): 201 the invitation.

    Any existing organisation may be invited; only an Enterprise one can accept (402 otherwise).
    """
    bodies.reject_unknown_fields(body, INVITE_FIELDS)
    invitee = bodies.require_str(body, "organizationId")
    if len(invitee) > MAX_ORG_ID or _ORG_ID.fullmatch(invitee) is None:
        shown = invitee if len(invitee) <= 40 else invitee[:37] + "..."
        raise invalid_request(
            "organizationId",
            f"organizationId {shown!r} is not an organisation id: org_ followed by 16 lowercase hex digits",
        )
    bodies.check_text("organizationId", invitee)
    with store.write(org.id) as tx:
        group = _owned_group(tx, org, group_id)
        _require_plan(tx, org, "invite organisations to federation groups")
        if invitee == org.id:
            raise invalid_request(
                "organizationId", "the owner is in its group already; invite another organisation's id"
            )
        if org_rows.get_org(tx, invitee) is None:
            raise ApiError(
                404,
                "not_found",
                f"no organisation {invitee}; invite an existing organisation by its id (org_…)",
                {"field": "organizationId"},
            )
        existing = fed_rows.open_invitation(tx, group_id, invitee)
        if existing is not None:
            what = "is already a member" if existing["status"] == fed_rows.ACCEPTED else "is already invited"
            raise _conflict(
                f"organisation {invitee} {what} of group {group_id} ({existing['id']})",
                "organizationId",
                status=existing["status"],
                existingInvitation=invitation_view(existing),
            )
        if fed_rows.count_open_invitations(tx, group_id) >= MAX_MEMBERS:
            raise _conflict(
                f"a group may have {MAX_MEMBERS} members and pending invitations; revoke one first",
                "organizationId",
                limit=MAX_MEMBERS,
            )
        now = now_text()
        invitation_id = "fin_" + secrets.token_hex(12)
        fed_rows.insert_invitation(
            tx,
            {
                "id": invitation_id,
                "group_id": group_id,
                "owner_organization_id": org.id,
                "organization_id": invitee,
                "status": fed_rows.PENDING,
                "created_at": now,
                "updated_at": now,
            },
        )
        data = {
            "groupId": group_id,
            "groupName": group["name"],
            "invitationId": invitation_id,
            "ownerOrganizationId": org.id,
            "organizationId": invitee,
        }
        lifecycle_log.append(
            tx, org.id, lifecycle_types.FEDERATION_INVITATION_SENT, _subject(group_id), now, data
        )
        row = fed_rows.get_invitation_any(tx, invitation_id)
    _log_other(store, invitee, lifecycle_types.FEDERATION_INVITATION_SENT, _subject(group_id), data)
    assert row is not None
    return invitation_view(row)


def _status_filter(query: dict[str, str], default: str | None) -> str | None:
    status = query.get("status") or default
    if status == "all":
        return None
    if status is not None and status not in fed_rows.INVITATION_STATUSES:
        raise invalid_request(
            "status",
            f"status must be one of {', '.join(fed_rows.INVITATION_STATUSES)} or all, not {status!r}",
        )
    return status


def list_my_invitations(store: Store, org: Org, query: dict[str, str]) -> dict[str, Any]:
    """GET /federation/invitations: invitations to the caller (default: pending ones), oldest first."""
    limit = bodies.query_limit(query)
    status = _status_filter(query, fed_rows.PENDING)
    after = cursors.decode_keyset_cursor(query.get("cursor"), "fin_")
    with store.read() as tx:
        rows = fed_rows.page_invitations(tx, invitee=org.id, status=status, after=after, limit=limit + 1)
    return _page(rows, limit, invitation_view)


def list_group_invitations(store: Store, org: Org, group_id: str, query: dict[str, str]) -> dict[str, Any]:
    """GET /federation/groups/{id}/invitations (owner): every invitation of the group (default: all)."""
    limit = bodies.query_limit(query)
    status = _status_filter(query, None)
    after = cursors.decode_keyset_cursor(query.get("cursor"), "fin_")
    with store.read() as tx:
        _owned_group(tx, org, group_id)
        rows = fed_rows.page_invitations(tx, group_id=group_id, status=status, after=after, limit=limit + 1)
    return _page(rows, limit, invitation_view)


def _visible_invitation(tx: Tx, org: Org, invitation_id: str) -> dict[str, Any]:
    row = fed_rows.get_invitation_any(tx, invitation_id)
    if row is None or org.id not in (row["organization_id"], row["owner_organization_id"]):
        raise _invitation_404(invitation_id)
    return row


def get_invitation(store: Store, org: Org, invitation_id: str) -> dict[str, Any]:
    """GET /federation/invitations/{id}: for the invitee and the group's owner."""
    with store.read() as tx:
        return invitation_view(_visible_invitation(tx, org, invitation_id))


def _respond(store: Store, org: Org, invitation_id: str, accept: bool) -> dict[str, Any]:
    with store.write(org.id) as tx:
        row = fed_rows.get_invitation_any(tx, invitation_id)
        if row is None or row["organization_id"] != org.id:
            raise _invitation_404(invitation_id)
        if accept:
            _require_plan(tx, org, "join federation groups")
        if row["status"] != fed_rows.PENDING:
            raise _conflict(
                f"invitation {invitation_id} is {row['status']}, not pending; only a pending invitation can be "
                f"{'accepted' if accept else 'declined'} (ask the owner for a new one)",
                "id",
                status=row["status"],
            )
        now = now_text()
        status = fed_rows.ACCEPTED if accept else fed_rows.DECLINED
        fed_rows.set_invitation_status(tx, invitation_id, status, now)
        type_ = (
            lifecycle_types.FEDERATION_INVITATION_ACCEPTED
            if accept
            else lifecycle_types.FEDERATION_INVITATION_DECLINED
        )
        data = {
            "groupId": row["group_id"],
            "invitationId": invitation_id,
            "organizationId": org.id,
            "ownerOrganizationId": row["owner_organization_id"],
        }
        lifecycle_log.append(tx, org.id, type_, _subject(str(row["group_id"])), now, data)
        updated = fed_rows.get_invitation_any(tx, invitation_id)
    _log_other(store, str(row["owner_organization_id"]), type_, _subject(str(row["group_id"])), data)
    assert updated is not None
    return invitation_view(updated)


def accept(store: Store, org: Org, invitation_id: str) -> dict[str, Any]:
    """POST /federation/invitations/{id}/accept (invitee, Enterprise): the membership begins."""
    return _respond(store, org, invitation_id, accept=True)


def decline(store: Store, org: Org, invitation_id: str) -> dict[str, Any]:
    """POST /federation/invitations/{id}/decline (invitee, any plan)."""
    return _respond(store, org, invitation_id, accept=False)


def revoke(store: Store, org: Org, invitation_id: str) -> dict[str, Any]:
    """DELETE /federation/invitations/{id} (the group's owner): a pending invitation is withdrawn, an
    accepted one ends the membership (nothing more is pushed to that organisation)."""
    with store.write(org.id) as tx:
        row = fed_rows.get_invitation_any(tx, invitation_id)
        if row is None or row["owner_organization_id"] != org.id:
            raise _invitation_404(invitation_id)
        if row["status"] not in (fed_rows.PENDING, fed_rows.ACCEPTED):
            raise _conflict(
                f"invitation {invitation_id} is {row['status']}; only a pending or accepted one can be revoked",
                "id",
                status=row["status"],
            )
        now = now_text()
        fed_rows.set_invitation_status(tx, invitation_id, fed_rows.REVOKED, now)
        data = {
            "groupId": row["group_id"],
            "invitationId": invitation_id,
            "organizationId": row["organization_id"],
            "previousStatus": row["status"],
        }
        subject = _subject(str(row["group_id"]))
        lifecycle_log.append(tx, org.id, lifecycle_types.FEDERATION_INVITATION_REVOKED, subject, now, data)
        updated = fed_rows.get_invitation_any(tx, invitation_id)
    _log_other(
        store, str(row["organization_id"]), lifecycle_types.FEDERATION_INVITATION_REVOKED, subject, data
    )
    assert updated is not None
    return invitation_view(updated)


def leave(store: Store, org: Org, group_id: str) -> dict[str, Any]:
    """POST /federation/groups/{id}/leave (a member): the membership ends; the next emit is not pushed."""
    with store.write(org.id) as tx:
        group = fed_rows.get_group_any(tx, group_id)
        if group is not None and group["organization_id"] == org.id:
            raise invalid_request(
                "id", f"the owner cannot leave its own group {group_id}; DELETE the group instead"
            )
        membership = fed_rows.open_invitation(tx, group_id, org.id) if group is not None else None
        if membership is None or membership["status"] != fed_rows.ACCEPTED:
            raise _group_404(group_id)
        now = now_text()
        fed_rows.set_invitation_status(tx, str(membership["id"]), fed_rows.LEFT, now)
        data = {"groupId": group_id, "invitationId": membership["id"], "organizationId": org.id}
        lifecycle_log.append(
            tx, org.id, lifecycle_types.FEDERATION_MEMBER_LEFT, _subject(group_id), now, data
        )
        updated = fed_rows.get_invitation_any(tx, str(membership["id"]))
    assert group is not None and updated is not None
    _log_other(
        store, str(group["organization_id"]), lifecycle_types.FEDERATION_MEMBER_LEFT, _subject(group_id), data
    )
    return invitation_view(updated)


# -- pushes ----------------------------------------------------------------------------------------


def declare_push(store: Store, org: Org, group_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST /federation/groups/{id}/pushes ``{event}`` (owner, Enterprise): one of the owner's own
    published versions is fanned out to the group from the next emit on."""
    bodies.reject_unknown_fields(body, PUSH_FIELDS)
    parts, problems = fed_rules.split_push_ref(body.get("event"))
    if problems:
        raise problem_error(problems)
    assert parts is not None
    namespace, name, version = parts
    ref = f"{namespace}.{name}@{version}"
    with store.write(org.id) as tx:
        _owned_group(tx, org, group_id)
        _require_plan(tx, org, "declare federation pushes")
        registration = registration_rows.get_version(tx, org.id, namespace, name, version)
        if registration is None:
            raise coded_error(
                Code.EVENT_NOT_REGISTERED,
                f"{ref} is not registered in this organisation; push a published version of your own event",
                "event",
                event=ref,
            )
        if registration["status"] != Status.PUBLISHED.value:
            raise coded_error(
                Code.EVENT_NOT_PUBLISHED,
                f"{ref} is {registration['status']}; only a published version can be pushed",
                "event",
                event=ref,
                status=registration["status"],
            )
        existing = fed_rows.push_of_version(tx, group_id, namespace, name, version)
        if existing is not None:
            raise _conflict(
                f"group {group_id} already pushes {ref} ({existing['id']})",
                "event",
                existingPush=push_view(existing),
            )
        if fed_rows.count_pushes(tx, group_id) >= MAX_PUSHES:
            raise _conflict(
                f"a group may have {MAX_PUSHES} pushes; remove one first", "event", limit=MAX_PUSHES
            )
        now = now_text()
        row = {
            "id": "fpu_" + secrets.token_hex(12),
            "group_id": group_id,
            "organization_id": org.id,
            "namespace": namespace,
            "name": name,
            "version": version,
            "created_at": now,
        }
        fed_rows.insert_push(tx, row)
        lifecycle_log.append(
            tx,
            org.id,
            lifecycle_types.FEDERATION_PUSH_DECLARED,
            rules.canonical_name(org.id, namespace, name, version),
            now,
            {"groupId": group_id, "pushId": row["id"], "event": ref},
        )
    return push_view(row)


def list_pushes(store: Store, org: Org, group_id: str, query: dict[str, str]) -> dict[str, Any]:
    """GET /federation/groups/{id}/pushes: for the owner and the members (what they receive)."""
    limit = bodies.query_limit(query)
    after = cursors.decode_keyset_cursor(query.get("cursor"), "fpu_")
    with store.read() as tx:
        _visible_group(tx, org, group_id)
        rows = fed_rows.page_pushes(tx, group_id, after, limit + 1)
    return _page(rows, limit, push_view)


def remove_push(store: Store, org: Org, group_id: str, push_id: str) -> dict[str, Any]:
    """DELETE /federation/groups/{id}/pushes/{pushId} (owner): the next emit is not pushed."""
    with store.write(org.id) as tx:
        _owned_group(tx, org, group_id)
        row = fed_rows.get_push(tx, group_id, push_id)
        if row is None:
            raise ApiError(404, "not_found", f"no push {push_id} in group {group_id}", {"field": "pushId"})
        fed_rows.delete_push(tx, group_id, push_id)
        lifecycle_log.append(
            tx,
            org.id,
            lifecycle_types.FEDERATION_PUSH_REMOVED,
            rules.canonical_name(org.id, row["namespace"], row["name"], row["version"]),
            now_text(),
            {"groupId": group_id, "pushId": push_id, "event": push_view(row)["event"]},
        )
    return {"id": push_id, "deleted": True}


# -- HTTPS peers -----------------------------------------------------------------------------------


def add_https_peer(
    store: Store, org: Org, group_id: str, body: dict[str, Any], settings: BusSettings
) -> dict[str, Any]:
    """POST /federation/groups/{id}/https-peers ``{url, secret?, description?}`` (owner, Enterprise):
    201 with the signing secret (generated when absent), shown this once."""
    bodies.reject_unknown_fields(body, HTTPS_PEER_FIELDS)
    url = bodies.require_str(body, "url")
    secret = bodies.optional_str(body, "secret")
    if secret is not None and signing.secret_key(secret) is None:
        raise invalid_request(
            "secret", "secret must be whsec_ followed by the base64 of 24 to 64 random bytes"
        )
    description = body.get("description")
    if description is not None and (not isinstance(description, str) or len(description) > MAX_DESCRIPTION):
        raise invalid_request(
            "description", f"description must be a string of at most {MAX_DESCRIPTION} characters"
        )
    if description is not None:
        bodies.check_text("description", description)
    with store.read() as tx:
        _owned_group(tx, org, group_id)
        _require_plan(tx, org, "add federation HTTPS peers")
    try:
        check_url(url, settings.allow_private_webhooks)
    except WebhookUrlRefused as refused:
        raise coded_error(Code.INVALID_WEBHOOK_URL, f"url: {refused}", "url", url=url[:200]) from None
    secret = secret or signing.new_secret()
    with store.write(org.id) as tx:
        _owned_group(tx, org, group_id)
        _require_plan(tx, org, "add federation HTTPS peers")
        existing = fed_rows.https_peer_by_url(tx, group_id, url)
        if existing is not None:
            raise _conflict(
                f"group {group_id} already has an HTTPS peer at this url ({existing['id']})",
                "url",
                existingHttpsPeer=https_peer_view(existing),
            )
        if fed_rows.count_https_peers(tx, group_id) >= MAX_HTTPS_PEERS:
            raise _conflict(
                f"a group may have {MAX_HTTPS_PEERS} HTTPS peers; remove one first",
                "url",
                limit=MAX_HTTPS_PEERS,
            )
        now = now_text()
        row = {
            "id": "fhp_" + secrets.token_hex(12),
            "group_id": group_id,
            "organization_id": org.id,
            "url": url,
            "secret": secret,
            "description": description,
            "created_at": now,
        }
        fed_rows.insert_https_peer(tx, row)
        lifecycle_log.append(
            tx,
            org.id,
            lifecycle_types.FEDERATION_HTTPS_PEER_ADDED,
            _subject(group_id),
            now,
            {"groupId": group_id, "httpsPeerId": row["id"], "url": url},
        )
    return https_peer_view(row, secret=secret)


def list_https_peers(store: Store, org: Org, group_id: str, query: dict[str, str]) -> dict[str, Any]:
    """GET /federation/groups/{id}/https-peers (owner): never a secret."""
    limit = bodies.query_limit(query)
    after = cursors.decode_keyset_cursor(query.get("cursor"), "fhp_")
    with store.read() as tx:
        _owned_group(tx, org, group_id)
        rows = fed_rows.page_https_peers(tx, group_id, after, limit + 1)
    return _page(rows, limit, https_peer_view)


def remove_https_peer(store: Store, org: Org, group_id: str, peer_id: str) -> dict[str, Any]:
    """DELETE /federation/groups/{id}/https-peers/{peerId} (owner): its pending deliveries end failed."""
    with store.write(org.id) as tx:
        _owned_group(tx, org, group_id)
        row = fed_rows.get_https_peer(tx, group_id, peer_id)
        if row is None:
            raise ApiError(
                404, "not_found", f"no HTTPS peer {peer_id} in group {group_id}", {"field": "peerId"}
            )
        now = now_text()
        fed_rows.delete_https_peer(tx, group_id, peer_id)
        for event_id in delivery_rows.fail_pending_of_subscription(
            tx, peer_id, "the HTTPS peer was removed", now
        ):
            settle(tx, event_id, now)
        delivery_rows.name_failed_outcome(tx, peer_id, "https_peer_removed")
        lifecycle_log.append(
            tx,
            org.id,
            lifecycle_types.FEDERATION_HTTPS_PEER_REMOVED,
            _subject(group_id),
            now,
            {"groupId": group_id, "httpsPeerId": peer_id, "url": row["url"]},
        )
    return {"id": peer_id, "deleted": True}
