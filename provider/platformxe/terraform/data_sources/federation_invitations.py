"""Data source ``platformxe_federation_invitations``: invitations to this organisation (docs/federation.md)."""

from __future__ import annotations

from typing import Any

from platformxe.model.federation import INVITATIONS_DATA_SOURCE_TYPE, invitation_values
from platformxe.terraform.diagnostics import error, registry_call
from platformxe.terraform.provider_data import configured
from platformxe.tfplugin.cty import STRING, List, Object
from platformxe.tfplugin.framework import DataReadRequest, DataSource, State, ValidateRequest
from platformxe.tfplugin.schema import Attribute, Schema

__all__ = ["FederationInvitationsDataSource"]

#: Statuses the filter accepts (``all``: every status).
STATUSES = ("pending", "accepted", "declined", "left", "revoked", "all")

_INVITATION = Object(
    {
        "id": STRING,
        "group_id": STRING,
        "group_name": STRING,
        "owner_organization_id": STRING,
        "organization_id": STRING,
        "status": STRING,
    }
)


class FederationInvitationsDataSource(DataSource):
    """``platformxe_federation_invitations``: the invitee finds the invitation to accept."""

    type_name = INVITATIONS_DATA_SOURCE_TYPE

    def schema(self) -> Schema:
        """Filters in; ``invitations`` out (oldest first)."""
        return Schema(
            description=(
                "Invitations of this organisation to other organisations' federation groups (pending ones "
                "unless `status` says otherwise); accept one with `platformxe_federation_membership`."
            ),
            attributes={
                "status": Attribute(
                    STRING,
                    optional=True,
                    description="`pending` (default), `accepted`, `declined`, `left`, `revoked` or `all`.",
                ),
                "owner_organization_id": Attribute(
                    STRING, optional=True, description="Only invitations from this owner organisation."
                ),
                "group_name": Attribute(
                    STRING, optional=True, description="Only invitations to groups of this name."
                ),
                "invitations": Attribute(
                    List(_INVITATION),
                    computed=True,
                    description=(
                        "Every matching invitation, oldest first: `id`, `group_id`, `group_name`, "
                        "`owner_organization_id`, `organization_id` (this organisation), `status`."
                    ),
                ),
            },
        )

    def validate_config(self, req: ValidateRequest) -> None:
        """The status must be one the registry knows."""
        status = req.config.get("status")
        if isinstance(status, str) and status not in STATUSES:
            req.diagnostics.add(
                error(
                    "Invalid value",
                    f"status must be one of {', '.join(STATUSES)}, not {status!r}.",
                    "status",
                    "invalid_request",
                )
            )

    def read(self, req: DataReadRequest) -> State:
        """Walk every page of ``GET /federation/invitations`` and filter."""
        data, config = configured(req.provider_data), req.config
        status = config.get("status") or "pending"
        federation = data.client.events.custom.federation
        items: list[dict[str, Any]] = []
        with registry_call("listing federation invitations", data.endpoint):
            cursor: str | None = None
            while True:
                page = federation.list_invitations(status=status, limit=500, cursor=cursor)
                items += [item.to_dict() for item in page]
                cursor = page.get("nextCursor")
                if not cursor or len(page) == 0:
                    break
        owner, group_name = config.get("owner_organization_id"), config.get("group_name")
        chosen = [
            invitation_values(i)
            for i in items
            if (owner is None or i.get("ownerOrganizationId") == owner)
            and (group_name is None or i.get("groupName") == group_name)
        ]
        return {
            "status": config.get("status"),
            "owner_organization_id": owner,
            "group_name": group_name,
            "invitations": chosen,
        }
