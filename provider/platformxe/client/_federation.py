"""``client.events.custom.federation``: push live emits to peer organisations and HTTPS receivers
(docs/federation.md).

Same argument styles as the rest of the SDK (snake_case, camelCase or one dict; camelCase method
names too). Creating groups, accepting invitations, declaring pushes and adding HTTPS peers need
the Enterprise plan (``PlanUpgradeRequired`` otherwise); duplicates and invitations that are no
longer pending raise ``FederationConflict``; another organisation's ids raise ``NotFound``. The
HTTPS peer's ``secret`` is in the answer of :meth:`Federation.add_https_peer` only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote

from platformxe.client._arguments import Field, gather
from platformxe.client._objects import ApiObject, Page
from platformxe.client._transport import Requester

__all__ = ["Federation"]

BASE = "/v1/events/custom/federation"

_GROUP = (Field("name", required=True),)
_INVITE = (Field("organization_id", required=True),)
_PUSH = (Field("event", required=True),)
_HTTPS_PEER = (Field("url", required=True), Field("secret"), Field("description"))
_PAGE = (Field("limit"), Field("cursor"))
_INVITATIONS = (Field("status"), Field("limit"), Field("cursor"))


def _id(label: str, value: str) -> str:
    if not isinstance(value, str) or not value:
        raise TypeError(f"{label} must be a non-empty string, not {value!r}")
    return quote(value, safe="")


def _group(group_id: str) -> str:
    return f"{BASE}/groups/{_id('group_id', group_id)}"


def _invitation(invitation_id: str) -> str:
    return f"{BASE}/invitations/{_id('invitation_id', invitation_id)}"


class Federation:
    """Federation groups, invitations, pushes and HTTPS peers (docs/federation.md)."""

    def __init__(self, client: Requester) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<Federation of {self._client!r}>"

    def _page(self, path: str, fields: tuple[Field, ...], method: str, values: dict[str, Any]) -> Page:
        query = gather(method, fields, None, values, {})
        return Page(self._client.request("GET", path, params=query))

    # -- groups ------------------------------------------------------------------------------------

    def create_group(
        self, spec: Mapping[str, Any] | None = None, /, *, name: str | None = None, **camel_case: Any
    ) -> ApiObject:
        """Create a group your organisation owns (Enterprise); the answer is the group (``.id``)."""
        body = gather("create_group", _GROUP, spec, {"name": name}, camel_case)
        # Not retried after an uncertain failure; a repeat answers FederationConflict (details.existingGroup).
        return ApiObject(self._client.request("POST", f"{BASE}/groups", json=body, idempotent=False))

    def list_groups(self, *, limit: int | None = None, cursor: str | None = None) -> Page:
        """One page of the groups you own or are a member of (``role``), oldest first."""
        return self._page(f"{BASE}/groups", _PAGE, "list_groups", {"limit": limit, "cursor": cursor})

    def iter_groups(self, *, page_size: int | None = None) -> Iterator[ApiObject]:
        """Every group you own or are a member of, page after page (lazily)."""
        cursor: str | None = None
        while True:
            page = self.list_groups(limit=page_size, cursor=cursor)
            yield from page
            cursor = page.get("nextCursor")
            if not cursor or len(page) == 0:
                return

    def get_group(self, group_id: str) -> ApiObject:
        """One group you own or are a member of; otherwise ``NotFound``."""
        return ApiObject(self._client.request("GET", _group(group_id)))

    def delete_group(self, group_id: str) -> ApiObject:
        """Delete your group with its invitations, pushes and HTTPS peers."""
        return ApiObject(self._client.request("DELETE", _group(group_id)))

    # -- invitations -------------------------------------------------------------------------------

    def invite(
        self,
        group_id: str,
        spec: Mapping[str, Any] | None = None,
        /,
        *,
        organization_id: str | None = None,
        **camel_case: Any,
    ) -> ApiObject:
        """Invite an organisation (by its id) to your group; the answer is the invitation (``.id``)."""
        body = gather("invite", _INVITE, spec, {"organization_id": organization_id}, camel_case)
        return ApiObject(
            self._client.request("POST", _group(group_id) + "/invitations", json=body, idempotent=False)
        )

    def list_group_invitations(
        self, group_id: str, *, status: str | None = None, limit: int | None = None, cursor: str | None = None
    ) -> Page:
        """One page of your group's invitations (every status unless ``status`` is given)."""
        return self._page(
            _group(group_id) + "/invitations",
            _INVITATIONS,
            "list_group_invitations",
            {"status": status, "limit": limit, "cursor": cursor},
        )

    def list_invitations(
        self, *, status: str | None = None, limit: int | None = None, cursor: str | None = None
    ) -> Page:
        """One page of the invitations to your organisation (pending ones unless ``status`` is given;
        ``"all"`` for every status)."""
        return self._page(
            f"{BASE}/invitations",
            _INVITATIONS,
            "list_invitations",
            {"status": status, "limit": limit, "cursor": cursor},
        )

    def get_invitation(self, invitation_id: str) -> ApiObject:
        """One invitation (you are its invitee or the group's owner)."""
        return ApiObject(self._client.request("GET", _invitation(invitation_id)))

    def accept_invitation(self, invitation_id: str) -> ApiObject:
        """Accept a pending invitation (Enterprise): you are a member from now on."""
        return ApiObject(self._client.request("POST", _invitation(invitation_id) + "/accept"))

    def decline_invitation(self, invitation_id: str) -> ApiObject:
        """Decline a pending invitation."""
        return ApiObject(self._client.request("POST", _invitation(invitation_id) + "/decline"))

    def revoke_invitation(self, invitation_id: str) -> ApiObject:
        """Withdraw an invitation to your group, or end that organisation's membership."""
        return ApiObject(self._client.request("DELETE", _invitation(invitation_id)))

    def leave_group(self, group_id: str) -> ApiObject:
        """End your membership; nothing more is pushed to you from the next emit on."""
        return ApiObject(self._client.request("POST", _group(group_id) + "/leave"))

    # -- pushes ------------------------------------------------------------------------------------

    def declare_push(
        self,
        group_id: str,
        spec: Mapping[str, Any] | None = None,
        /,
        *,
        event: str | None = None,
        **camel_case: Any,
    ) -> ApiObject:
        """Push one of your published versions (``"<namespace>.<name>@<version>"``) to the group."""
        body = gather("declare_push", _PUSH, spec, {"event": event}, camel_case)
        return ApiObject(
            self._client.request("POST", _group(group_id) + "/pushes", json=body, idempotent=False)
        )

    def list_pushes(self, group_id: str, *, limit: int | None = None, cursor: str | None = None) -> Page:
        """One page of the group's pushes (owner or member)."""
        return self._page(
            _group(group_id) + "/pushes", _PAGE, "list_pushes", {"limit": limit, "cursor": cursor}
        )

    def remove_push(self, group_id: str, push_id: str) -> ApiObject:
        """Stop pushing a version; the next emit is not pushed."""
        return ApiObject(
            self._client.request("DELETE", _group(group_id) + "/pushes/" + _id("push_id", push_id))
        )

    # -- HTTPS peers -------------------------------------------------------------------------------

    def add_https_peer(
        self,
        group_id: str,
        spec: Mapping[str, Any] | None = None,
        /,
        *,
        url: str | None = None,
        secret: str | None = None,
        description: str | None = None,
        **camel_case: Any,
    ) -> ApiObject:
        """Add an HTTPS receiver to your group; the answer carries its ``secret`` (shown only now)."""
        body = gather(
            "add_https_peer",
            _HTTPS_PEER,
            spec,
            {"url": url, "secret": secret, "description": description},
            camel_case,
        )
        return ApiObject(
            self._client.request("POST", _group(group_id) + "/https-peers", json=body, idempotent=False)
        )

    def list_https_peers(self, group_id: str, *, limit: int | None = None, cursor: str | None = None) -> Page:
        """One page of your group's HTTPS peers (never with secrets)."""
        return self._page(
            _group(group_id) + "/https-peers", _PAGE, "list_https_peers", {"limit": limit, "cursor": cursor}
        )

    def remove_https_peer(self, group_id: str, peer_id: str) -> ApiObject:
        """Remove an HTTPS peer; its pending deliveries end failed."""
        return ApiObject(
            self._client.request("DELETE", _group(group_id) + "/https-peers/" + _id("peer_id", peer_id))
        )

    # camelCase spellings, like the rest of the SDK.
    createGroup = create_group
    listGroups = list_groups
    getGroup = get_group
    deleteGroup = delete_group
    listGroupInvitations = list_group_invitations
    listInvitations = list_invitations
    getInvitation = get_invitation
    acceptInvitation = accept_invitation
    declineInvitation = decline_invitation
    revokeInvitation = revoke_invitation
    leaveGroup = leave_group
    declarePush = declare_push
    listPushes = list_pushes
    removePush = remove_push
    addHttpsPeer = add_https_peer
    listHttpsPeers = list_https_peers
    removeHttpsPeer = remove_https_peer
