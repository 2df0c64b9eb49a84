# Every accepted emit of this version is re-emitted on each member's own canonical name.
resource "platformxe_federation_push" "favorited" {
  group_id = platformxe_federation_group.partners.id
  event    = "${platformxe_custom_event.property_favorited.namespace}.${platformxe_custom_event.property_favorited.name}@${platformxe_custom_event.property_favorited.version}"
}
