# Offer a published version for other organisations to fork (Pro or Enterprise plan).
resource "platformxe_marketplace_listing" "favorites" {
  namespace = platformxe_custom_event.property_favorited.namespace
  name      = platformxe_custom_event.property_favorited.name
  version   = platformxe_custom_event.property_favorited.version
  title     = "Property favourited"
  summary   = "A tenant starred a property: who, which, when."
  tags      = ["lettings", "crm"]
}
