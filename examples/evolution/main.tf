# Evolution of lettings.property.favorited: 1.0.0 -> 1.1.0 -> 2.0.0, one version at a time.
#
#   terraform apply                                   # 1.0.0  initial  (same as ../quickstart)
#   terraform apply -var event_version=1.1.0          # 1.1.0  minor: adds an optional "note"
#   terraform plan  -var event_version=1.1.0 -var schema=2.0.0
#                     # refused: 1.1.0 is registered and immutable, "bump version to 2.0.0"
#   terraform plan  -var event_version=1.2.0 -var schema=2.0.0
#                     # refused: breaking as a minor, "register it as 2.0.0"
#   terraform apply -var event_version=2.0.0          # 2.0.0  major: accepted
#
# Each step replaces the resource: a new version is a new registration, and the version it
# replaces is archived (emitters that do not pin a version follow the latest published one).
# Set on_destroy = "retain" from the first apply on to keep earlier versions published for
# emitters that pin them.

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

variable "event_version" {
  description = "The version to register."
  type        = string
  default     = "1.0.0"
}

variable "schema" {
  description = "Which schemas/<schema>.json to register; defaults to the one named after event_version."
  type        = string
  default     = null
}

resource "platformxe_custom_event" "property_favorited" {
  namespace   = "lettings"
  name        = "property.favorited"
  version     = var.event_version
  status      = "published"
  description = "Fired when a customer favorites a property"

  # Literal JSON from a file: compared as JSON, so formatting never shows a diff.
  payload_schema = file("${path.module}/schemas/${coalesce(var.schema, var.event_version)}.json")

  # Each bump of event_version replaces this resource: with create_before_destroy the new
  # version is registered first, then the previous one is archived (on_destroy = "archive",
  # the default; on_destroy = "retain" keeps it published for emitters pinned to it).
  lifecycle {
    create_before_destroy = true
  }
}

output "canonical_name" {
  description = "The name the bus routes and subscribers match."
  value       = platformxe_custom_event.property_favorited.canonical_name
}

output "verdict" {
  description = "How this version relates to the previous one (known at plan time)."
  value = {
    version          = platformxe_custom_event.property_favorited.version
    semver_bump      = platformxe_custom_event.property_favorited.semver_bump
    previous_version = platformxe_custom_event.property_favorited.previous_version
    breaking         = [for c in platformxe_custom_event.property_favorited.changes : c.message if c.breaking]
  }
}
