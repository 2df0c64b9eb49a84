"""What an API namespace needs of the client: one authenticated request.

The namespaces (``events.custom``, its ``subscriptions``, ``marketplace`` and ``federation``)
take the :class:`~platformxe.client.Client` as this protocol, so they depend on the request
call only and the client module can build them without an import circle.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol


class Requester(Protocol):
    """The one call every namespace makes (``Client.request``)."""

    def request(
        self,
        method: str,
        path: str,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        *,
        idempotent: bool | None = None,
    ) -> Any: ...
