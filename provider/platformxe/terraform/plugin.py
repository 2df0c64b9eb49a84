"""Entry point of the ``terraform-provider-platformxe`` executable (console script ``main``).

Terraform starts this program several times per run (3 per plan, 4 per apply), so it imports as
little as it can before the handshake: the protocol layer loads gRPC, and everything heavy
(httpx, jsonschema, the compatibility checker) waits until a request needs it.
"""

from __future__ import annotations

from platformxe.tfplugin.server import serve

__all__ = ["main"]


def main() -> None:
    """Serve the provider to Terraform (or explain how to use it when run by hand)."""
    # A factory, not the class: serve() calls it only after the handshake line is printed, so
    # the provider's own modules (and the rules engine they use) load while Terraform connects
    # instead of delaying every one of the three starts per plan.
    serve(_make_provider, type_name="platformxe", source="calderax/platformxe")


def _make_provider() -> object:
    # Loaded after the handshake (see main); the one lazy import bench/cold_start.py asks for.
    from platformxe.terraform.provider import PlatformXeProvider

    return PlatformXeProvider()


if __name__ == "__main__":
    main()
