# The owner invites another organisation by its id; the invitee accepts with
# platformxe_federation_membership.
resource "platformxe_federation_invitation" "acme" {
  group_id        = platformxe_federation_group.partners.id
  organization_id = "org_0123456789abcdef"
}
