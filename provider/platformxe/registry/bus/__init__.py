"""The bus: from the outbox to subscribers (docs/bus.md).

``relay`` turns accepted emits (outbox rows) into deliveries, ``deliverer`` sends them (signed,
retried on a schedule, every attempt recorded), ``settle`` decides an emit's delivery status,
``embedded`` runs both inside ``platformxe serve``. ``signing`` and ``urls`` are the pure parts:
Standard Webhooks signatures and which webhook URLs may be called.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from platformxe.registry.bus.settings import BusSettings


def _nothing() -> None:
    return None


@dataclass
class BusHandle:
    """What the HTTP layer knows of the bus: its settings, and whom to tell about a new emit."""

    settings: BusSettings = field(default_factory=BusSettings)
    notify: Callable[[], None] = _nothing
    #: ``push(event_id, canonical_name, organization_id)`` in ``--bus nats`` mode: the emit's
    #: synchronous push to JetStream; raises when it failed.
    push: Callable[[str, str, str], None] | None = None
