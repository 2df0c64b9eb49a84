data "platformxe_webhook_subscriptions" "all" {}

output "disabled_webhooks" {
  value = [for s in data.platformxe_webhook_subscriptions.all.subscriptions : s.url if !s.enabled]
}
