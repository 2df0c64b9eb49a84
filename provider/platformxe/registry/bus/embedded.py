"""The embedded bus of ``platformxe serve``: the outbox relay and the deliverer in two threads.

Nothing else to start. A restart (also after kill -9) resumes: queued outbox rows are relayed,
pending deliveries are due again once their claim lapses (delivery timeout + a margin).
"""

from __future__ import annotations

import logging
import threading

from platformxe.registry.bus.deliverer import Deliverer
from platformxe.registry.bus.federation import FederationRelay
from platformxe.registry.bus.relay import relay_once
from platformxe.registry.bus.settings import BusSettings
from platformxe.registry.bus.workflow import WorkflowRunner
from platformxe.registry.storage import Store

log = logging.getLogger("platformxe.bus")

#: Seconds between outbox looks when no emit of this process woke the relay (other processes'
#: emits, rows a crash left queued).
RELAY_POLL = 0.2


class EmbeddedBus:
    """Relay + deliverer over one store; ``notify()`` after an accepted emit for low latency."""

    def __init__(self, store: Store, settings: BusSettings, relay: bool = True) -> None:
        self.store = store
        self.settings = settings
        self.relay_enabled = relay
        self._relay_wake = threading.Event()
        self._stopping = threading.Event()
        self.deliverer = Deliverer(
            store,
            settings,
            WorkflowRunner(store, on_emitted=self.notify),
            FederationRelay(store, on_emitted=self.notify),
        )
        self._threads: list[threading.Thread] = []

    def notify(self) -> None:
        """An emit was accepted: relay it now."""
        self._relay_wake.set()

    def start(self) -> EmbeddedBus:
        """Start both threads; returns self."""
        if self.relay_enabled:
            self._threads.append(threading.Thread(target=self._relay_loop, name="bus-relay", daemon=True))
        self._threads.append(threading.Thread(target=self.deliverer.run, name="bus-deliverer", daemon=True))
        for thread in self._threads:
            thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop relaying, let deliveries in flight finish (up to ``timeout``)."""
        self._stopping.set()
        self._relay_wake.set()
        self.deliverer.stop()
        for thread in self._threads:
            thread.join(timeout)

    def _relay_loop(self) -> None:
        while not self._stopping.is_set():
            self._relay_wake.wait(RELAY_POLL)
            self._relay_wake.clear()
            try:
                while True:
                    events, deliveries = relay_once(self.store)
                    if deliveries:
                        self.deliverer.wake()
                    if events == 0:
                        break
            except Exception:
                # The database may be briefly unavailable; the rows stay queued and are taken later.
                log.exception("bus: relay pass failed; retrying")
                self._stopping.wait(1.0)
