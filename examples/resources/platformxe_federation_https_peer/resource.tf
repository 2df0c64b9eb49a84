# A receiver not on PlatformXe: the group's pushed events, signed like webhooks.
resource "platformxe_federation_https_peer" "partner_hook" {
  group_id    = platformxe_federation_group.partners.id
  url         = "https://partner.example.com/platformxe"
  description = "Partner's own event gateway"
}

output "partner_hook_secret" {
  value     = platformxe_federation_https_peer.partner_hook.secret
  sensitive = true
}
