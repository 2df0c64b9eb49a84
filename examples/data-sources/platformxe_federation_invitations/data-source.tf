# Pending invitations of this organisation to other organisations' federation groups.
data "platformxe_federation_invitations" "pending" {}

output "pending_groups" {
  value = [for i in data.platformxe_federation_invitations.pending.invitations : i.group_name]
}
