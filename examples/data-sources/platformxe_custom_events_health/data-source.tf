data "platformxe_custom_events_health" "this" {}

# Warn in every plan once the organisation has no registrations left (check blocks warn, never block).
check "registration_headroom" {
  assert {
    condition = (
      data.platformxe_custom_events_health.this.registrations_limit == null ||
      data.platformxe_custom_events_health.this.registrations_used < data.platformxe_custom_events_health.this.registrations_limit
    )
    error_message = "No registrations left on the ${data.platformxe_custom_events_health.this.plan} plan."
  }
}

output "emits_this_month" {
  value = data.platformxe_custom_events_health.this.emits_this_month
}
