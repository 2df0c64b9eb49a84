"""Resource ``platformxe_webhook_subscription``: schema and resource (docs/bus.md)."""

from platformxe.terraform.webhook_subscription.resource import WebhookSubscriptionResource

__all__ = ["WebhookSubscriptionResource"]
