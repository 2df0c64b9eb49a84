# In the invitee's configuration: find the pending invitation and accept it (Enterprise plan).
data "platformxe_federation_invitations" "from_owner" {
  owner_organization_id = "org_fedcba9876543210"
  group_name            = "partners"
}

resource "platformxe_federation_membership" "partners" {
  invitation_id = data.platformxe_federation_invitations.from_owner.invitations[0].id
}
