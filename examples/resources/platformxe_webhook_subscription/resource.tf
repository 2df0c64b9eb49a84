resource "platformxe_webhook_subscription" "favorites" {
  url         = "https://hooks.example.com/platformxe"
  events      = ["${platformxe_custom_event.property_favorited.namespace}.${platformxe_custom_event.property_favorited.name}@${platformxe_custom_event.property_favorited.version}"]
  description = "favourites to the CRM"

  # Change this value to rotate the signing secret (the old one keeps signing for 24 h).
  rotate_secret_trigger = "2026-05"
}

# The receiver verifies deliveries with this secret (platformxe.verify_webhook or any
# Standard Webhooks library).
output "favorites_webhook_secret" {
  value     = platformxe_webhook_subscription.favorites.secret
  sensitive = true
}
