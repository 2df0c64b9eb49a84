"""Which webhook URLs the service may call.

``https://`` only, and never an address inside the operator's network (private, loopback,
link-local, multicast, reserved, unspecified — after DNS resolution), unless the operator started
the service with ``--allow-private-webhooks``. Checked when a subscription is written and again
before every attempt, since DNS answers can change.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2048

_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
#: 0-65535 without leading zeros (spelt out: this module imports nothing of ours).
_PORT = "(?:0|[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])"
_PCHAR = "(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})"
_OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_H16 = "[0-9A-Fa-f]{1,4}"
_LS32 = f"(?:{_H16}:{_H16}|{_OCTET}(?:\\.{_OCTET}){{3}})"
#: RFC 3986's IPv6address (no zone id), alternative by alternative.
_IPV6 = (
    "(?:"
    + "|".join(
        [
            f"(?:{_H16}:){{6}}{_LS32}",
            f"::(?:{_H16}:){{5}}{_LS32}",
            f"(?:{_H16})?::(?:{_H16}:){{4}}{_LS32}",
            f"(?:(?:{_H16}:){{0,1}}{_H16})?::(?:{_H16}:){{3}}{_LS32}",
            f"(?:(?:{_H16}:){{0,2}}{_H16})?::(?:{_H16}:){{2}}{_LS32}",
            f"(?:(?:{_H16}:){{0,3}}{_H16})?::{_H16}:{_LS32}",
            f"(?:(?:{_H16}:){{0,4}}{_H16})?::{_LS32}",
            f"(?:(?:{_H16}:){{0,5}}{_H16})?::{_H16}",
            f"(?:(?:{_H16}:){{0,6}}{_H16})?::",
        ]
    )
    + ")"
)
#: The shape of every webhook URL the service takes (published as the OpenAPI pattern of
#: ``url``): http(s), a DNS name, an IPv4 address or a bracketed IPv6 address, an optional port, an
#: optional path and query of RFC 3986 characters (percent-encoded otherwise); no credentials, no
#: fragment.
WEBHOOK_URL_CORE = (
    rf"https?://(?:{_LABEL}(?:\.{_LABEL})*|\[{_IPV6}\])(?::{_PORT})?(?:/{_PCHAR}*)*(?:\?(?:{_PCHAR}|[/?])*)?"
)
_WEBHOOK_URL = re.compile(WEBHOOK_URL_CORE)


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
    if _WEBHOOK_URL.fullmatch(url) is None:
        raise WebhookUrlRefused(
            "url must be https://host[:port][/path][?query]: a DNS name, an IPv4 address or a bracketed IPv6 "
            "address, no #fragment, and RFC 3986 characters (percent-encoded otherwise)"
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
