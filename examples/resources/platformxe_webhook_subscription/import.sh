# Import by the subscription id (its secret is not readable: rotate it to manage one).
terraform import platformxe_webhook_subscription.favorites sub_0123456789abcdef01234567
