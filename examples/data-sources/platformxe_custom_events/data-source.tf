# Every published version in the lettings namespace (every filter is optional).
data "platformxe_custom_events" "lettings" {
  namespace = "lettings"
  status    = "published"
}

output "lettings_canonical_names" {
  value = [for e in data.platformxe_custom_events.lettings.events : e.canonical_name]
}
