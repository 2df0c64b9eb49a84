"""TLS settings of the SDK's HTTP client: built once per process, none loaded for plaintext endpoints."""

from __future__ import annotations

import ssl
from typing import Any

from platformxe.client import Client
from platformxe.client._http import tls_context


def _context(client: Client) -> ssl.SSLContext:
    transport: Any = client._core._http()._transport  # the HTTPTransport the SDK built
    context = transport._pool._ssl_context
    assert isinstance(context, ssl.SSLContext)
    return context


def test_https_clients_verify_with_one_shared_context() -> None:
    first = Client("https://registry.example", "pxe_test")
    second = Client("https://other.example", "pxe_test")
    try:
        shared = tls_context()
        assert _context(first) is shared and _context(second) is shared
        assert shared.verify_mode is ssl.CERT_REQUIRED and shared.check_hostname
        assert shared.cert_store_stats()["x509_ca"] > 0  # the CA bundle is loaded
    finally:
        first.close()
        second.close()


def test_a_plaintext_endpoint_loads_no_ca_and_trusts_nothing() -> None:
    client = Client("http://127.0.0.1:8780", "pxe_test")
    try:
        context = _context(client)
        assert context is not tls_context()
        assert context.verify_mode is ssl.CERT_REQUIRED and context.check_hostname
        assert context.cert_store_stats()["x509_ca"] == 0
    finally:
        client.close()
