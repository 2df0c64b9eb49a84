"""Standard Webhooks signatures: ``v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>``.

A secret is ``whsec_`` followed by the base64 of the key bytes; the key is what HMAC uses.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets

SECRET_PREFIX = "whsec_"
#: Bytes of a generated key (the contract allows 24-64).
GENERATED_KEY_BYTES = 32
MIN_KEY_BYTES = 24
MAX_KEY_BYTES = 64
_B64 = "[A-Za-z0-9+/]"
#: Exactly the secrets :func:`secret_key` takes: ``whsec_`` + padded base64 of 24 to 64 bytes
#: (published as the OpenAPI pattern of a subscription's ``secret``).
SECRET_CORE = f"whsec_(?:(?:{_B64}{{4}}){{8,21}}(?:{_B64}{{2}}==)?|(?:{_B64}{{4}}){{8,20}}{_B64}{{3}}=)"
_SECRET = re.compile(SECRET_CORE)


def new_secret() -> str:
    """A fresh random signing secret."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(GENERATED_KEY_BYTES)).decode("ascii")


def secret_key(secret: str) -> bytes | None:
    """The HMAC key of a well-formed secret, or None when it is not ``whsec_`` + base64 of 24-64 bytes."""
    if _SECRET.fullmatch(secret) is None:
        return None
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        return None
    return key if MIN_KEY_BYTES <= len(key) <= MAX_KEY_BYTES else None


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """One ``v1,…`` signature of a delivery."""
    key = secret_key(secret)
    if key is None:
        raise ValueError("not a whsec_ signing secret")
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signature_header(secrets_: list[str], message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value: one signature per live secret, space separated."""
    return " ".join(signature(s, message_id, timestamp, body) for s in secrets_)
