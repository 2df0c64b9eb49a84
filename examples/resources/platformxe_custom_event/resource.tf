# Version 1.0.0 of the event emitters send as "lettings.property.favorited".
resource "platformxe_custom_event" "property_favorited" {
  namespace   = "lettings"
  name        = "property.favorited"
  version     = "1.0.0"
  status      = "published"
  description = "Fired when a customer favorites a property"

  payload_schema = jsonencode({
    type = "object"
    properties = {
      propertyId  = { type = "string", maxLength = 64 }
      subjectId   = { type = "string", maxLength = 64 }
      favoritedAt = { type = "string", format = "date-time" }
    }
    required             = ["propertyId", "subjectId"]
    additionalProperties = false
  })

  # Optional: checked against payload_schema at validate time.
  payload_example = jsonencode({
    propertyId  = "p_123"
    subjectId   = "sub_456"
    favoritedAt = "2026-05-04T10:00:00Z"
  })

  # A version bump replaces this resource. Register the new version before the old one is
  # archived, so there is never a moment with no published version (docs/provider.md).
  lifecycle {
    create_before_destroy = true
  }
}

# A schema kept in its own file: formatting and key order never show a diff.
resource "platformxe_custom_event" "viewing_booked" {
  namespace      = "lettings"
  name           = "viewing.booked"
  version        = "1.0.0"
  payload_schema = file("${path.module}/schemas/viewing-booked.json")

  # Keep the version in the registry when this resource is destroyed or replaced,
  # so emitters pinned to it keep working.
  on_destroy = "retain"
}

output "property_favorited_canonical_name" {
  # TENANT_CUSTOM:<organization_id>:lettings.property.favorited@1.0.0, known at plan time
  value = platformxe_custom_event.property_favorited.canonical_name
}
