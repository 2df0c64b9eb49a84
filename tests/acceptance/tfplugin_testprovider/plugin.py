"""Entry point of ``terraform-provider-tfplugintest``: kept tiny so the handshake comes first.

Only gRPC and the TLS key are loaded before the handshake line; the provider module, the
framework and protobuf load right after it, while Terraform connects.
"""

from __future__ import annotations


def _load_provider():  # type: ignore[no-untyped-def]
    from tfplugin_testprovider.provider import TestProvider

    return TestProvider()


def main() -> None:
    """Serve the test provider (the executable script calls this)."""
    from platformxe.tfplugin import serve

    serve(_load_provider, type_name="tfplugintest", source="calderax/tfplugintest")
