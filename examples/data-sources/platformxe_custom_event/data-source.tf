# The highest published version of an event (omit version) ...
data "platformxe_custom_event" "favorited_latest" {
  namespace = "lettings"
  name      = "property.favorited"
}

# ... or one exact version.
data "platformxe_custom_event" "favorited_v1" {
  namespace = "lettings"
  name      = "property.favorited"
  version   = "1.0.0"
}

output "favorited_latest" {
  value = {
    version        = data.platformxe_custom_event.favorited_latest.version
    canonical_name = data.platformxe_custom_event.favorited_latest.canonical_name
    required       = jsondecode(data.platformxe_custom_event.favorited_latest.payload_schema).required
  }
}
