"""Entry point of the ``terraform-provider-platformxe`` executable (console script ``main``).

Terraform starts this program several times per run (3 per plan, 4 per apply), so it imports as
little as it can before its first answers: the protocol layer loads gRPC, the schema answers
are precomputed bytes (``precomputed_answers.json``, see :mod:`platformxe.terraform.answers`), and
everything heavy (protobuf, httpx, jsonschema, the compatibility checker) loads at the first
RPC that needs it — never, in the first process of a plan, which only reads the schema.

``terraform-provider-platformxe --debug`` serves the provider for Terraform's reattach mode
instead and prints the ``TF_REATTACH_PROVIDERS`` line to set (for people debugging the provider);
``platformxe terraform`` uses the same mode for a whole command (docs/provider.md, "Performance").
"""

from __future__ import annotations

import os
import sys

from platformxe.tfplugin.precomputed import load
from platformxe.tfplugin.server import serve, serve_reattach

__all__ = ["ANSWERS_FILE", "SOURCE_ADDRESS", "main"]

SOURCE = "calderax/platformxe"
#: The provider's full source address: the key of its entry in ``TF_REATTACH_PROVIDERS``.
SOURCE_ADDRESS = f"registry.terraform.io/{SOURCE}"
ANSWERS_FILE = os.path.join(os.path.dirname(__file__), "precomputed_answers.json")
#: ``--serve-reattach``: how ``platformxe terraform`` starts its one server per command.
SERVE_REATTACH_FLAG = "--serve-reattach"


def main(argv: list[str] | None = None) -> None:
    """Serve the provider to Terraform (or explain how to use it when run by hand)."""
    args = sys.argv[1:] if argv is None else argv
    answers = load(ANSWERS_FILE)
    if "--debug" in args or SERVE_REATTACH_FLAG in args:
        serve_reattach(
            _make_provider,
            source_address=SOURCE_ADDRESS,
            answers=answers,
            debug="--debug" in args,
            warm_up=_warm_up,
        )
    # A factory, not the class: serve() calls it at the first RPC that needs the provider, so
    # the provider's own modules (and the rules engine they use) never delay the handshake and
    # are not loaded at all by a process that only answers the precomputed schema.
    serve(_make_provider, type_name="platformxe", source=SOURCE, answers=answers)


def _make_provider() -> object:
    # Loaded after the handshake (see main); the one lazy import bench/cold_start.py asks for.
    from platformxe.terraform.provider import PlatformXeProvider

    return PlatformXeProvider()


def _warm_up() -> None:
    """A reattach server serves a whole command and so surely configures: the HTTP client's imports
    and TLS settings load once the provider is (while Terraform is still starting), instead of in
    the first ConfigureProvider (≈ 110 ms)."""
    # deferred: as in _make_provider
    from platformxe.client._http import warm_up

    warm_up()


if __name__ == "__main__":
    main()
