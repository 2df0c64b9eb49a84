"""Federation resources (docs/federation.md): type names and API answers → Terraform state.

The API has no update for any federation object, so every configured attribute forces a
replacement (the schemas say so); this module only maps the API's camelCase fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "GROUP_TYPE",
    "HTTPS_PEER_TYPE",
    "INVITATIONS_DATA_SOURCE_TYPE",
    "INVITATION_TYPE",
    "MEMBERSHIP_TYPE",
    "PUSH_TYPE",
    "group_state",
    "https_peer_body",
    "https_peer_state",
    "invitation_state",
    "invitation_values",
    "membership_state",
    "push_state",
    "split_child_id",
]

GROUP_TYPE = "platformxe_federation_group"
INVITATION_TYPE = "platformxe_federation_invitation"
MEMBERSHIP_TYPE = "platformxe_federation_membership"
PUSH_TYPE = "platformxe_federation_push"
HTTPS_PEER_TYPE = "platformxe_federation_https_peer"
INVITATIONS_DATA_SOURCE_TYPE = "platformxe_federation_invitations"


def group_state(answer: Mapping[str, Any]) -> dict[str, Any]:
    """State of ``platformxe_federation_group``."""
    return {
        "id": answer.get("id"),
        "name": answer.get("name"),
        "owner_organization_id": answer.get("ownerOrganizationId"),
    }


def invitation_state(answer: Mapping[str, Any]) -> dict[str, Any]:
    """State of ``platformxe_federation_invitation`` (the owner's side)."""
    return {
        "id": answer.get("id"),
        "group_id": answer.get("groupId"),
        "organization_id": answer.get("organizationId"),
        "status": answer.get("status"),
    }


def membership_state(answer: Mapping[str, Any]) -> dict[str, Any]:
    """State of ``platformxe_federation_membership`` (the peer's side of an accepted invitation)."""
    return {
        "id": answer.get("id"),
        "invitation_id": answer.get("id"),
        "group_id": answer.get("groupId"),
        "group_name": answer.get("groupName"),
        "owner_organization_id": answer.get("ownerOrganizationId"),
        "status": answer.get("status"),
    }


def push_state(answer: Mapping[str, Any]) -> dict[str, Any]:
    """State of ``platformxe_federation_push``."""
    return {"id": answer.get("id"), "group_id": answer.get("groupId"), "event": answer.get("event")}


def https_peer_body(planned: Mapping[str, Any]) -> dict[str, Any]:
    """The ``POST /federation/groups/{id}/https-peers`` body of a planned instance."""
    body: dict[str, Any] = {"url": planned.get("url")}
    for attribute in ("secret", "description"):
        if isinstance(planned.get(attribute), str):
            body[attribute] = planned[attribute]
    return body


def https_peer_state(answer: Mapping[str, Any], prior: Mapping[str, Any]) -> dict[str, Any]:
    """State of ``platformxe_federation_https_peer``; the secret is only in the creating answer, so a
    refresh keeps the one in state (null after an import)."""
    return {
        "id": answer.get("id"),
        "group_id": answer.get("groupId"),
        "url": answer.get("url"),
        "description": answer.get("description"),
        "secret": answer.get("secret") or prior.get("secret"),
    }


def invitation_values(answer: Mapping[str, Any]) -> dict[str, Any]:
    """One item of the ``platformxe_federation_invitations`` data source."""
    return {
        "id": answer.get("id"),
        "group_id": answer.get("groupId"),
        "group_name": answer.get("groupName"),
        "owner_organization_id": answer.get("ownerOrganizationId"),
        "organization_id": answer.get("organizationId"),
        "status": answer.get("status"),
    }


def split_child_id(import_id: str, child_prefix: str) -> tuple[str, str] | None:
    """``("fgr_…", "<child_prefix>…")`` of an import id ``fgr_…/<child>``, or None."""
    group_id, slash, child = import_id.partition("/")
    if not slash or not group_id.startswith("fgr_") or not child.startswith(child_prefix):
        return None
    return group_id, child
