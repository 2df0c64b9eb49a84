"""The PlatformXe Python SDK: ``platformxe.Client(endpoint, api_key).events.custom.*``.

Importing this package does not import httpx; the HTTP stack is loaded on the first request.
Exceptions live in :mod:`platformxe.client.errors` (the tree is drawn in its docstring) and are
re-exported here.
"""

from __future__ import annotations

from platformxe.client import errors
from platformxe.client._client import Client
from platformxe.client._custom_events import CustomEvents, Events
from platformxe.client._objects import ApiObject, Page
from platformxe.client._retry import RetryPolicy, parse_retry_after
from platformxe.client._subscriptions import Subscriptions
from platformxe.client._webhooks import WebhookVerificationError, verify_webhook
from platformxe.client.errors import *  # noqa: F403  # the exception classes are part of the public surface
from platformxe.client.errors import __all__ as _error_names

__all__ = [
    "ApiObject",
    "Client",
    "CustomEvents",
    "Events",
    "Page",
    "RetryPolicy",
    "Subscriptions",
    "WebhookVerificationError",
    "errors",
    "parse_retry_after",
    "verify_webhook",
    *_error_names,
]
