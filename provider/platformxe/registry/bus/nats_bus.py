"""The scale-out bus on NATS JetStream: ``serve --bus nats://…`` publishes, ``platformxe worker`` delivers.

- The server publishes each accepted emit synchronously (subject ``platformxe.events.<canonical
  name>``, JetStream message id = the event id, so a re-publish is de-duplicated by the stream)
  and marks its outbox row ``published``. When the push fails the answer is 502
  ``bus_relay_failed`` carrying the ``eventId``; the row stays ``queued`` and an outbox thread
  publishes it once NATS answers again.
- Workers share one durable pull consumer (explicit ack, redelivery with backoff). For each
  message a worker relays the row into deliveries in one transaction (a row relayed already is
  skipped: never twice), acks, and delivers with the same deliverer as the embedded bus (leases
  in the database, so any number of workers on any machines share the work).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Coroutine
from concurrent.futures import Future
from typing import Any

import nats
from nats.js.api import ConsumerConfig, StreamConfig

from platformxe.registry.bus.relay import relay_event
from platformxe.registry.bus.schedule import text_in
from platformxe.registry.clock import now_text
from platformxe.registry.storage import Store
from platformxe.registry.storage import subscriptions as subscription_rows

log = logging.getLogger("platformxe.bus")

STREAM = "PLATFORMXE_EVENTS"
SUBJECT_PREFIX = "platformxe.events."
DURABLE = "platformxe-workers"
#: Seconds a publish may take before the emit answers 502.
PUBLISH_TIMEOUT = 2.0
#: Seconds JetStream remembers message ids (de-duplication of re-published rows).
DUPLICATE_WINDOW = 24 * 3600.0
#: Seconds the outbox thread leaves a queued row to the emit's own push before publishing it.
OUTBOX_GRACE = 3.0


def subject_of(canonical_name: str) -> str:
    """The subject of an event: its canonical name under the prefix (exact match)."""
    return SUBJECT_PREFIX + canonical_name


class NatsLink:
    """A NATS connection on its own asyncio loop thread; blocking methods for the server's threads."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="bus-nats", daemon=True)
        self._thread.start()
        self._nc: Any = None
        self._js: Any = None

    def call(self, coro: Coroutine[Any, Any, Any], timeout: float) -> Any:
        """Run ``coro`` on the link's loop and wait for it."""
        future: Future[Any] = asyncio.run_coroutine_threadsafe(coro, self._loop)
        return future.result(timeout)

    async def _connect(self) -> None:
        self._nc = await nats.connect(
            self.url,
            connect_timeout=2,
            max_reconnect_attempts=-1,
            reconnect_time_wait=0.5,
            allow_reconnect=True,
        )
        self._js = self._nc.jetstream()
        config = StreamConfig(name=STREAM, subjects=[SUBJECT_PREFIX + ">"], duplicate_window=DUPLICATE_WINDOW)
        try:
            await self._js.add_stream(config)
        except Exception:
            await self._js.update_stream(config)

    def connect(self, timeout: float = 10.0) -> None:
        """Connect and make sure the stream exists (raises when NATS does not answer)."""
        self.call(self._connect(), timeout)

    async def _publish(self, event_id: str, canonical_name: str, org_id: str) -> None:
        body = json.dumps({"eventId": event_id, "organizationId": org_id}).encode()
        await self._js.publish(
            subject_of(canonical_name), body, timeout=PUBLISH_TIMEOUT, headers={"Nats-Msg-Id": event_id}
        )

    def publish(self, event_id: str, canonical_name: str, org_id: str) -> None:
        """Publish one event (blocking); raises when JetStream did not acknowledge it in time."""
        self.call(self._publish(event_id, canonical_name, org_id), PUBLISH_TIMEOUT + 1.0)

    def close(self) -> None:
        """Drain the connection and stop the loop."""
        if self._nc is not None:
            try:
                self.call(self._nc.close(), 5.0)
            except Exception:
                log.warning("bus: closing the NATS connection failed", exc_info=True)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5.0)


def mark_published(store: Store, event_id: str) -> None:
    """The outbox row went to the stream (a worker may have relayed it already: left alone then)."""
    with store.write() as tx:
        tx.execute(
            "UPDATE outbox SET status = 'published', updated_at = ? WHERE event_id = ? AND status = 'queued'",
            (now_text(), event_id),
        )


class OutboxPublisher:
    """Publishes queued outbox rows the emit's own push did not get through (NATS was down)."""

    def __init__(self, store: Store, link: NatsLink, interval: float = 1.0) -> None:
        self.store, self.link, self.interval = store, link, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bus-outbox", daemon=True)

    def start(self) -> OutboxPublisher:
        """Start the thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the thread."""
        self._stop.set()
        self._thread.join(5.0)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.publish_pending()
            except Exception:
                log.info("bus: outbox rows wait for NATS", exc_info=True)

    def publish_pending(self) -> int:
        """Publish every queued row older than the grace period; returns how many went."""
        with self.store.read() as tx:
            rows = tx.all(
                "SELECT event_id, organization_id, canonical_name FROM outbox WHERE status = 'queued' "
                "AND created_at < ? ORDER BY created_at LIMIT 500",
                (text_in(-OUTBOX_GRACE),),
            )
        for row in rows:
            self.link.publish(str(row["event_id"]), str(row["canonical_name"]), str(row["organization_id"]))
            mark_published(self.store, str(row["event_id"]))
        return len(rows)


class StreamRelay:
    """A worker's consumer: stream messages → deliveries (one transaction each), then ack."""

    def __init__(self, store: Store, url: str, on_relayed: Any) -> None:
        self.store, self.url, self.on_relayed = store, url, on_relayed
        self._stopping = False

    def stop(self) -> None:
        """Finish the current batch and return from :meth:`run`."""
        self._stopping = True

    def run(self) -> None:
        """Consume until stopped (reconnecting while NATS is away)."""
        asyncio.run(self._main())

    async def _main(self) -> None:
        while not self._stopping:
            try:
                await self._consume()
            except Exception:
                log.warning("bus: the NATS consumer stopped; reconnecting", exc_info=True)
                await asyncio.sleep(1.0)

    async def _consume(self) -> None:
        nc = await nats.connect(
            self.url, connect_timeout=2, max_reconnect_attempts=-1, reconnect_time_wait=0.5
        )
        try:
            js = nc.jetstream()
            config = StreamConfig(
                name=STREAM, subjects=[SUBJECT_PREFIX + ">"], duplicate_window=DUPLICATE_WINDOW
            )
            try:
                await js.add_stream(config)
            except Exception:
                await js.update_stream(config)
            consumer = ConsumerConfig(
                ack_wait=30, max_deliver=10_000, backoff=[1.0, 5.0, 30.0], max_ack_pending=2000
            )
            sub = await js.pull_subscribe(
                SUBJECT_PREFIX + ">", durable=DURABLE, stream=STREAM, config=consumer
            )
            while not self._stopping:
                try:
                    messages = await sub.fetch(batch=200, timeout=0.5)
                except nats.errors.TimeoutError:
                    continue
                ids = [json.loads(m.data)["eventId"] for m in messages]
                await asyncio.to_thread(self.relay, ids)
                for m in messages:
                    await m.ack()
                self.on_relayed()
        finally:
            await nc.close()

    def relay(self, event_ids: list[str]) -> int:
        """Relay these events' outbox rows (skipping any relayed already); returns deliveries made."""
        made = 0
        with self.store.read() as tx:
            marks = ", ".join("?" for _ in event_ids)
            rows = tx.all(
                f"""SELECT o.event_id, o.organization_id, o.canonical_name, o.payload, e.namespace, e.name,
                           e.version, e.chain_depth
                    FROM outbox o JOIN emits e ON e.event_id = o.event_id
                    WHERE o.event_id IN ({marks}) AND o.status IN ('queued', 'published')""",
                tuple(event_ids),
            )
        by_org: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            by_org.setdefault(str(row["organization_id"]), []).append(row)
        for org_id, org_rows in by_org.items():
            with self.store.write(org_id) as tx:
                now = now_text()
                subscriptions = subscription_rows.enabled_of(tx, org_id)
                for row in org_rows:
                    made += relay_event(tx, row, subscriptions, now) or 0
        return made
