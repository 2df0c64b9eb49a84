"""PlatformXe custom events: rules engine, registry service, SDK and Terraform provider.

Importing the package is cheap on purpose (the Terraform provider starts three times per plan);
the SDK entry point ``platformxe.Client`` is resolved lazily.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from platformxe._version import __version__

__all__ = ["Client", "__version__", "verify_webhook"]

if TYPE_CHECKING:
    from platformxe.client import Client, verify_webhook


def __getattr__(name: str) -> Any:
    if name == "Client":
        # deferred (PEP 562): every platformxe.* import runs this file, the plugin's before its
        # handshake too; the SDK (~40 ms, bench/deferred_imports.py) loads on first use
        from platformxe.client import Client

        return Client
    if name == "verify_webhook":
        from platformxe.client import verify_webhook  # deferred: as Client above

        return verify_webhook
    raise AttributeError(f"module 'platformxe' has no attribute {name!r}")
