"""Resources ``platformxe_federation_group``, ``_invitation``, ``_membership``, ``_push`` and
``_https_peer`` (docs/federation.md; scaffolding order: schema, validate, plan, create, read,
delete, import).

- Every configured attribute replaces (the API has no update); computed values are unknown until
  a create and kept from state afterwards.
- Read refreshes through the SDK; an object gone behind Terraform's back (or an invitation no
  longer pending/accepted, a membership no longer accepted) leaves the state, so Terraform plans a
  create. Delete tolerates what is already gone.
- Import: a group, invitation or membership by its id; a push or HTTPS peer by
  ``<group id>/<child id>``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from platformxe.client import ConflictError, NotFound
from platformxe.model import federation as model
from platformxe.rules import federation as fed_rules
from platformxe.terraform.diagnostics import problem_diagnostic, registry_call
from platformxe.terraform.federation import schema as schemas
from platformxe.terraform.provider_data import configured
from platformxe.tfplugin.cty import UNKNOWN, is_unknown
from platformxe.tfplugin.diagnostics import DiagnosticError
from platformxe.tfplugin.framework import (
    ApplyRequest,
    ImportRequest,
    PlanRequest,
    ReadRequest,
    Resource,
    State,
    ValidateRequest,
)
from platformxe.tfplugin.schema import Schema

__all__ = [
    "FederationGroupResource",
    "FederationHttpsPeerResource",
    "FederationInvitationResource",
    "FederationMembershipResource",
    "FederationPushResource",
]


def _bad_import(kind: str, example: str, given: str) -> DiagnosticError:
    return DiagnosticError("Invalid import id", f"{given!r} is not a {kind} import id; import by {example}")


def _check_id_attribute(req: ValidateRequest, attribute: str, core: str, what: str) -> None:
    """Offline check of a known id attribute (its registry pattern); unknown values wait for apply."""
    value = req.config.get(attribute)
    if isinstance(value, str) and not is_unknown(value):
        for problem in fed_rules.check_id(value, core, attribute, what):
            req.diagnostics.add(problem_diagnostic(problem, attribute))


def _walk(page_of: Callable[[str | None], Any]) -> Iterator[Any]:
    cursor: str | None = None
    while True:
        page = page_of(cursor)
        yield from page
        cursor = page.get("nextCursor")
        if not cursor or len(page) == 0:
            return


class _Replacing(Resource):
    """Shared behaviour: no update, computed values unknown on create only."""

    computed: tuple[str, ...] = ("id",)
    what = "federation object"

    def modify_plan(self, req: PlanRequest) -> None:
        """A new object's computed values are known after apply."""
        if req.prior is None:
            for attribute in self.computed:
                req.planned[attribute] = UNKNOWN

    def update(self, req: ApplyRequest) -> State:
        """Never called: every configured attribute forces a replacement."""
        raise DiagnosticError(
            f"A {self.what} cannot be changed in place",
            f"Every attribute of {self.type_name} replaces it; this is a provider bug.",
        )


class FederationGroupResource(_Replacing):
    """``platformxe_federation_group``."""

    type_name = model.GROUP_TYPE
    computed = ("id", "owner_organization_id")
    what = "federation group"

    def schema(self) -> Schema:
        """See :mod:`platformxe.terraform.federation.schema`."""
        return schemas.group_schema()

    def validate_config(self, req: ValidateRequest) -> None:
        """Offline: the name's shape."""
        name = req.config.get("name")
        if isinstance(name, str):
            for problem in fed_rules.check_group_name(name):
                req.diagnostics.add(problem_diagnostic(problem, "name"))

    def create(self, req: ApplyRequest) -> State:
        """Create the group."""
        data, planned = configured(req.provider_data), req.planned or {}
        with registry_call("creating the federation group", data.endpoint):
            answer = data.client.events.custom.federation.create_group(name=planned.get("name")).to_dict()
        return model.group_state(answer)

    def read(self, req: ReadRequest) -> State | None:
        """Refresh; None when the group is gone."""
        data = configured(req.provider_data)
        with registry_call("reading the federation group", data.endpoint):
            try:
                answer = data.client.events.custom.federation.get_group(str(req.state.get("id"))).to_dict()
            except NotFound:
                return None
        return model.group_state(answer)

    def delete(self, req: ApplyRequest) -> None:
        """Delete the group (already gone is fine)."""
        data, prior = configured(req.provider_data), req.prior or {}
        with registry_call("deleting the federation group", data.endpoint):
            try:
                data.client.events.custom.federation.delete_group(str(prior.get("id")))
            except NotFound:
                return

    def import_state(self, req: ImportRequest) -> State:
        """``fgr_…``; Read fills the rest."""
        if not req.id.startswith("fgr_"):
            raise _bad_import("federation group", "its id, e.g. fgr_0123abcd…", req.id)
        return {"id": req.id}


class FederationInvitationResource(_Replacing):
    """``platformxe_federation_invitation`` (the owner's side)."""

    type_name = model.INVITATION_TYPE
    computed = ("id", "status")
    what = "federation invitation"

    def schema(self) -> Schema:
        """See :mod:`platformxe.terraform.federation.schema`."""
        return schemas.invitation_schema()

    def validate_config(self, req: ValidateRequest) -> None:
        """Offline: an organisation id."""
        _check_id_attribute(req, "organization_id", fed_rules.ORGANIZATION_ID_CORE, "an organisation id")

    def modify_plan(self, req: PlanRequest) -> None:
        """Unknown id and status on create; the status may move from pending to accepted on its own."""
        super().modify_plan(req)
        if req.prior is not None:
            req.planned["status"] = req.prior.get("status")

    def create(self, req: ApplyRequest) -> State:
        """Invite the organisation."""
        data, planned = configured(req.provider_data), req.planned or {}
        with registry_call("inviting the organisation to the federation group", data.endpoint):
            answer = data.client.events.custom.federation.invite(
                str(planned.get("group_id")), organization_id=planned.get("organization_id")
            ).to_dict()
        return model.invitation_state(answer)

    def read(self, req: ReadRequest) -> State | None:
        """Refresh; None when it is gone, declined, left or revoked (a new invitation is planned)."""
        data = configured(req.provider_data)
        with registry_call("reading the federation invitation", data.endpoint):
            try:
                answer = data.client.events.custom.federation.get_invitation(
                    str(req.state.get("id"))
                ).to_dict()
            except NotFound:
                return None
        if answer.get("status") not in ("pending", "accepted"):
            return None
        return model.invitation_state(answer)

    def delete(self, req: ApplyRequest) -> None:
        """Revoke (already gone, declined or left is fine)."""
        data, prior = configured(req.provider_data), req.prior or {}
        with registry_call("revoking the federation invitation", data.endpoint):
            try:
                data.client.events.custom.federation.revoke_invitation(str(prior.get("id")))
            except (NotFound, ConflictError):
                return

    def import_state(self, req: ImportRequest) -> State:
        """``fin_…``; Read fills the rest."""
        if not req.id.startswith("fin_"):
            raise _bad_import("federation invitation", "its id, e.g. fin_0123abcd…", req.id)
        return {"id": req.id}


class FederationMembershipResource(_Replacing):
    """``platformxe_federation_membership`` (the invitee's side)."""

    type_name = model.MEMBERSHIP_TYPE
    computed = ("id", "group_id", "group_name", "owner_organization_id", "status")
    what = "federation membership"

    def schema(self) -> Schema:
        """See :mod:`platformxe.terraform.federation.schema`."""
        return schemas.membership_schema()

    def validate_config(self, req: ValidateRequest) -> None:
        """Offline: an invitation id."""
        _check_id_attribute(req, "invitation_id", fed_rules.INVITATION_ID_CORE, "an invitation id")

    def create(self, req: ApplyRequest) -> State:
        """Accept the invitation."""
        data, planned = configured(req.provider_data), req.planned or {}
        with registry_call("accepting the federation invitation", data.endpoint):
            answer = data.client.events.custom.federation.accept_invitation(
                str(planned.get("invitation_id"))
            ).to_dict()
        return model.membership_state(answer)

    def read(self, req: ReadRequest) -> State | None:
        """Refresh; None when the membership ended (left, revoked, group deleted)."""
        data = configured(req.provider_data)
        with registry_call("reading the federation membership", data.endpoint):
            try:
                answer = data.client.events.custom.federation.get_invitation(
                    str(req.state.get("id"))
                ).to_dict()
            except NotFound:
                return None
        if answer.get("status") != "accepted":
            return None
        return model.membership_state(answer)

    def delete(self, req: ApplyRequest) -> None:
        """Leave the group (not a member any more is fine)."""
        data, prior = configured(req.provider_data), req.prior or {}
        with registry_call("leaving the federation group", data.endpoint):
            try:
                data.client.events.custom.federation.leave_group(str(prior.get("group_id")))
            except NotFound:
                return

    def import_state(self, req: ImportRequest) -> State:
        """``fin_…`` of the accepted invitation; Read fills the rest."""
        if not req.id.startswith("fin_"):
            raise _bad_import(
                "federation membership", "the accepted invitation's id, e.g. fin_0123abcd…", req.id
            )
        return {"id": req.id, "invitation_id": req.id}


def _find(list_page: Callable[..., Any], group_id: str, child_id: str) -> Any:
    """The child (push or HTTPS peer) of a group by id, walking its pages; None when either is gone."""
    try:
        for item in _walk(lambda cursor: list_page(group_id, limit=500, cursor=cursor)):
            if item.get("id") == child_id:
                return item
    except NotFound:
        return None
    return None


class FederationPushResource(_Replacing):
    """``platformxe_federation_push``."""

    type_name = model.PUSH_TYPE
    what = "federation push"

    def schema(self) -> Schema:
        """See :mod:`platformxe.terraform.federation.schema`."""
        return schemas.push_schema()

    def validate_config(self, req: ValidateRequest) -> None:
        """Offline: ``<namespace>.<name>@<version>``."""
        event = req.config.get("event")
        if isinstance(event, str) and not is_unknown(event):
            _, problems = fed_rules.split_push_ref(event)
            for problem in problems:
                req.diagnostics.add(problem_diagnostic(problem, "event"))

    def create(self, req: ApplyRequest) -> State:
        """Declare the push."""
        data, planned = configured(req.provider_data), req.planned or {}
        with registry_call("declaring the federation push", data.endpoint):
            answer = data.client.events.custom.federation.declare_push(
                str(planned.get("group_id")), event=planned.get("event")
            ).to_dict()
        return model.push_state(answer)

    def read(self, req: ReadRequest) -> State | None:
        """Refresh; None when the push (or its group) is gone."""
        data = configured(req.provider_data)
        federation = data.client.events.custom.federation
        with registry_call("reading the federation push", data.endpoint):
            found = _find(federation.list_pushes, str(req.state.get("group_id")), str(req.state.get("id")))
        return None if found is None else model.push_state(found.to_dict())

    def delete(self, req: ApplyRequest) -> None:
        """Remove the push (already gone is fine)."""
        data, prior = configured(req.provider_data), req.prior or {}
        with registry_call("removing the federation push", data.endpoint):
            try:
                data.client.events.custom.federation.remove_push(
                    str(prior.get("group_id")), str(prior.get("id"))
                )
            except NotFound:
                return

    def import_state(self, req: ImportRequest) -> State:
        """``fgr_…/fpu_…``; Read fills the rest."""
        parts = model.split_child_id(req.id, "fpu_")
        if parts is None:
            raise _bad_import("federation push", "<group id>/<push id>, e.g. fgr_0123…/fpu_4567…", req.id)
        return {"group_id": parts[0], "id": parts[1]}


class FederationHttpsPeerResource(_Replacing):
    """``platformxe_federation_https_peer``."""

    type_name = model.HTTPS_PEER_TYPE
    what = "federation HTTPS peer"

    def schema(self) -> Schema:
        """See :mod:`platformxe.terraform.federation.schema`."""
        return schemas.https_peer_schema()

    def modify_plan(self, req: PlanRequest) -> None:
        """A generated secret is unknown until created; another given secret replaces the peer."""
        super().modify_plan(req)
        config, prior = req.config, req.prior
        if prior is None:
            if config.get("secret") is None:
                req.planned["secret"] = UNKNOWN
            return
        if config.get("secret") is not None and config.get("secret") != prior.get("secret"):
            # The API takes a given secret only at creation.
            req.require_replace("secret")

    def create(self, req: ApplyRequest) -> State:
        """Add the peer; the answer's secret goes into the (sensitive) state."""
        data, planned = configured(req.provider_data), req.planned or {}
        with registry_call("adding the federation HTTPS peer", data.endpoint):
            answer = data.client.events.custom.federation.add_https_peer(
                str(planned.get("group_id")), model.https_peer_body(planned)
            ).to_dict()
        return model.https_peer_state(answer, planned)

    def read(self, req: ReadRequest) -> State | None:
        """Refresh (the secret stays the one in state); None when the peer (or its group) is gone."""
        data = configured(req.provider_data)
        federation = data.client.events.custom.federation
        with registry_call("reading the federation HTTPS peer", data.endpoint):
            found = _find(
                federation.list_https_peers, str(req.state.get("group_id")), str(req.state.get("id"))
            )
        return None if found is None else model.https_peer_state(found.to_dict(), req.state)

    def delete(self, req: ApplyRequest) -> None:
        """Remove the peer (already gone is fine)."""
        data, prior = configured(req.provider_data), req.prior or {}
        with registry_call("removing the federation HTTPS peer", data.endpoint):
            try:
                data.client.events.custom.federation.remove_https_peer(
                    str(prior.get("group_id")), str(prior.get("id"))
                )
            except NotFound:
                return

    def import_state(self, req: ImportRequest) -> State:
        """``fgr_…/fhp_…``; Read fills the rest (the secret stays null: it is shown only at creation)."""
        parts = model.split_child_id(req.id, "fhp_")
        if parts is None:
            raise _bad_import(
                "federation HTTPS peer", "<group id>/<peer id>, e.g. fgr_0123…/fhp_4567…", req.id
            )
        return {"group_id": parts[0], "id": parts[1]}
