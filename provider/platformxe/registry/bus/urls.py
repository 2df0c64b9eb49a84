"""Which webhook URLs the service may call.

``https://`` only, and never an address inside the operator's network (private, loopback,
link-local, multicast, reserved, unspecified — after DNS resolution), unless the operator started
the service with ``--allow-private-webhooks``. Checked when a subscription is written and again
before every attempt, since DNS answers can change.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2048


class WebhookUrlRefused(ValueError):
    """The URL may not be called; the message says why and what would be accepted."""


def _is_internal(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return bool(
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def check_shape(url: str, allow_private: bool) -> tuple[str, int]:
    """(host, port) of a syntactically acceptable webhook URL, else :class:`WebhookUrlRefused`."""
    if len(url) > MAX_URL_LENGTH:
        raise WebhookUrlRefused(f"url is longer than {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise WebhookUrlRefused("url is not a valid URL; send https://host/path") from None
    scheme = parts.scheme.lower()
    if scheme != "https" and not (allow_private and scheme == "http"):
        raise WebhookUrlRefused(
            "url must start with https:// (http:// only when the service runs with --allow-private-webhooks)"
        )
    if not parts.hostname:
        raise WebhookUrlRefused("url has no host; send https://host/path")
    if parts.username or parts.password:
        raise WebhookUrlRefused(
            "url must not carry credentials (user:password@); authenticate with the signature"
        )
    return parts.hostname, port or (443 if scheme == "https" else 80)


def check_url(url: str, allow_private: bool) -> None:
    """Raise :class:`WebhookUrlRefused` unless ``url`` may be called now (resolves the host)."""
    host, port = check_shape(url, allow_private)
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise WebhookUrlRefused(f"url's host {host} does not resolve") from None
    for info in infos:
        address = str(info[4][0])
        if _is_internal(address):
            raise WebhookUrlRefused(
                f"url's host {host} resolves to {address}, a private, loopback or link-local address; "
                "use a public https endpoint (the operator may allow private ones with --allow-private-webhooks)"
            )
