"""Verify a webhook delivery the PlatformXe bus sent (Standard Webhooks signatures).

    from platformxe import verify_webhook
    event = verify_webhook(secret, request.headers, request.body)   # raises WebhookVerificationError

The signed content is ``"<webhook-id>.<webhook-timestamp>.<body>"``, HMAC-SHA256 with the key that
follows ``whsec_`` (base64). During a secret rotation the header carries several space separated
``v1,…`` signatures; any one matching is enough.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

from platformxe.client.errors import PlatformXeError

__all__ = ["WebhookVerificationError", "verify_webhook"]


class WebhookVerificationError(PlatformXeError):
    """The delivery is not authentic: bad or missing headers, a wrong signature, or too old/new."""


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    raise WebhookVerificationError(f"the {name} header is missing")


def verify_webhook(secret: str, headers: Mapping[str, str], body: bytes | str, tolerance: int = 300) -> Any:
    """The delivery's JSON body when its signature checks out with ``secret``; else
    :class:`WebhookVerificationError`. ``tolerance`` is the allowed clock skew in seconds (replays
    of an old delivery fail)."""
    raw = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    if not secret.startswith("whsec_"):
        raise WebhookVerificationError("the secret must start with whsec_")
    try:
        key = base64.b64decode(secret[len("whsec_") :], validate=True)
    except (binascii.Error, ValueError):
        raise WebhookVerificationError("the secret is not whsec_ + base64") from None
    message_id = _header(headers, "webhook-id")
    stamp = _header(headers, "webhook-timestamp")
    signatures = _header(headers, "webhook-signature")
    try:
        timestamp = int(stamp)
    except ValueError:
        raise WebhookVerificationError("webhook-timestamp is not a number of seconds") from None
    if abs(time.time() - timestamp) > tolerance:
        raise WebhookVerificationError(f"webhook-timestamp is more than {tolerance} s away from now")
    signed = f"{message_id}.{timestamp}.".encode() + raw
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode("ascii")
    for candidate in signatures.split(" "):
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return json.loads(raw)
    raise WebhookVerificationError("no webhook-signature matches this secret")
