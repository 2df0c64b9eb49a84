# Quickstart: register the lettings.property.favorited event, version 1.0.0.
#
#   export PLATFORMXE_ENDPOINT=http://127.0.0.1:8780     # platformxe serve
#   export PLATFORMXE_API_KEY=pxe_...                     # platformxe admin org create
#   terraform init && terraform plan && terraform apply
#
# `terraform plan` already shows the verdict (semver_bump = "initial") and the canonical name.

terraform {
  required_providers {
    platformxe = {
      source  = "calderax/platformxe"
      version = "0.1.0"
    }
  }
}

# endpoint and api_key come from PLATFORMXE_ENDPOINT and PLATFORMXE_API_KEY.
provider "platformxe" {}

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

  # A version bump replaces this resource. Register the new version before the old one is
  # archived, so there is never a moment with no published version (docs/provider.md).
  lifecycle {
    create_before_destroy = true
  }
}

output "canonical_name" {
  description = "The name the bus routes and subscribers match."
  value       = platformxe_custom_event.property_favorited.canonical_name
}

output "semver_bump" {
  value = platformxe_custom_event.property_favorited.semver_bump
}
