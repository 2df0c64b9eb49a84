"""Sending deliveries: claim due ones, POST them signed, record every attempt, retry or settle.

One asyncio loop (in its own thread) keeps up to ``concurrency`` deliveries in flight over one
pooled ``aiohttp.ClientSession`` (httpx's async pool scans every connection on every request and
capped the deliverer near 100 deliveries/s; aiohttp's C parser and pool do not); database work
runs in worker threads so a slow commit never stalls the sends. Outcomes are written in batches,
one transaction per organisation.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from platformxe.registry import lifecycle_types
from platformxe.registry.bus import schedule, signing
from platformxe.registry.bus.settings import BusSettings
from platformxe.registry.bus.settle import settle
from platformxe.registry.bus.urls import WebhookUrlRefused, check_url
from platformxe.registry.clock import now_text
from platformxe.registry.storage import Store
from platformxe.registry.storage import deliveries as delivery_rows
from platformxe.registry.storage import lifecycle as lifecycle_log
from platformxe.registry.storage import subscriptions as subscription_rows

log = logging.getLogger("platformxe.bus")

#: Seconds a claim outlives the delivery timeout before another deliverer may take it over.
LEASE_MARGIN = 10.0
#: Seconds between looks for due deliveries when nothing wakes the loop.
POLL_INTERVAL = 0.05
#: Longest error text kept per attempt.
_ERROR_MAX = 300

#: ``workflow(detail) -> None`` (done) or an error text (failed for good); raises to retry.
WorkflowRunner = Callable[[dict[str, Any]], "str | None"]
#: ``federation(detail) -> (outcome, peer's event id, error text or None)`` (``bus/federation.py``).
FederationRunner = Callable[[dict[str, Any]], "tuple[str, str | None, str | None]"]
#: Subscriber kinds of federated deliveries (docs/federation.md).
FEDERATED_KINDS = ("federation", "https_peer")


@dataclass
class Outcome:
    """What one attempt came to."""

    detail: dict[str, Any]
    at: str
    duration_ms: int
    status_code: int | None = None
    error: str | None = None
    delivered: bool = False
    #: No retry: the receiver answered 410, or the subscription is gone, or a workflow refused.
    final: bool = False
    gone: bool = False
    retry_after: float | None = None
    #: A federated delivery's outcome once known (relayed, peer_not_registered, ...).
    federation_outcome: str | None = None
    relayed_event_id: str | None = None


def federation_gate(detail: dict[str, Any]) -> tuple[str, str] | None:
    """Why a federated delivery must not go out now — ``(outcome, error)`` — or None.

    Checked before every attempt, so leaving, a revoked invitation, a removed push or HTTPS peer,
    a deleted group or an owner no longer on Enterprise stop deliveries still pending at once.
    """
    sub_id = str(detail["subscription_id"])
    if detail.get("sub_kind") is None:
        if sub_id.startswith("fhp_"):
            return "https_peer_removed", "the HTTPS peer was removed (or its group deleted)"
        return "group_deleted", "the federation group was deleted"
    if str(detail.get("owner_plan") or "").lower() != "enterprise":
        return (
            "plan_upgrade_required",
            f"plan_upgrade_required: the owner's plan ({detail.get('owner_plan')}) does not include federation; "
            "pushes go out again on the Enterprise plan",
        )
    if not detail.get("push_live"):
        return "push_removed", "the group no longer pushes this version"
    if detail["sub_kind"] == "federation" and detail.get("membership_status") != "accepted":
        return "membership_ended", f"the membership ended ({detail.get('membership_status')})"
    return None


def delivery_body(detail: dict[str, Any]) -> bytes:
    """The compact JSON body of a delivery."""
    body = {
        "eventId": detail["event_id"],
        "canonicalName": detail["canonical_name"],
        "name": f"{detail['namespace']}.{detail['name']}",
        "version": detail["version"],
        "organizationId": detail["organization_id"],
        "occurredAt": detail["occurred_at"],
        "chainDepth": int(detail["chain_depth"]),
        "payload": json.loads(detail["payload"]),
    }
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def live_secrets(detail: dict[str, Any], now: str) -> list[str]:
    """The secrets that sign now: the current one, and the previous one during its 24 h overlap."""
    out = [str(detail["secret"])]
    if detail.get("previous_secret") and (detail.get("previous_secret_until") or "") > now:
        out.append(str(detail["previous_secret"]))
    return out


def delivery_headers(detail: dict[str, Any], body: bytes, now: str) -> dict[str, str]:
    """The Standard Webhooks headers (and ours) of one attempt."""
    timestamp = int(time.time())
    return {
        "content-type": "application/json",
        "webhook-id": str(detail["event_id"]),
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signing.signature_header(
            live_secrets(detail, now), str(detail["event_id"]), timestamp, body
        ),
        "platformxe-canonical-name": str(detail["canonical_name"]),
        "platformxe-chain-depth": str(int(detail["chain_depth"])),
    }


class Deliverer:
    """Delivers due deliveries of ``store`` until stopped."""

    def __init__(
        self,
        store: Store,
        settings: BusSettings,
        workflow: WorkflowRunner | None = None,
        federation: FederationRunner | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.workflow = workflow
        self.federation = federation
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._stopping = False
        self._outcomes: list[Outcome] = []
        self._in_flight = 0

    def wake(self) -> None:
        """Look for due deliveries now (safe from any thread)."""
        loop, event = self._loop, self._wake
        if loop is not None and event is not None:
            loop.call_soon_threadsafe(event.set)

    def stop(self) -> None:
        """Finish the deliveries in flight, write their outcomes and return from :meth:`run`."""
        self._stopping = True
        self.wake()

    def run(self) -> None:
        """Run the loop in the calling thread until :meth:`stop`."""
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        tasks: set[asyncio.Task[None]] = set()
        connector = aiohttp.TCPConnector(
            limit=self.settings.concurrency, limit_per_host=self.settings.concurrency
        )
        async with aiohttp.ClientSession(
            connector=connector, trust_env=False, auto_decompress=False
        ) as client:
            while not self._stopping:
                self._wake.clear()
                try:
                    await self._flush()
                    free = self.settings.concurrency - self._in_flight
                    if free > 0:
                        details = await asyncio.to_thread(self._claim, free)
                        for detail in details:
                            self._in_flight += 1
                            task = asyncio.create_task(self._attempt(client, detail))
                            tasks.add(task)
                            task.add_done_callback(tasks.discard)
                        if len(details) == free:
                            continue  # more may be due right away
                except Exception:
                    # A database hiccup must not end delivery; claims lapse and are taken again.
                    log.exception("bus: delivery pass failed; retrying")
                    await asyncio.sleep(1.0)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), POLL_INTERVAL)
            if tasks:
                await asyncio.gather(*tasks, return_exceptions=True)
            await self._flush()

    # -- claim ---------------------------------------------------------------------------------

    def _claim(self, limit: int) -> list[dict[str, Any]]:
        now = now_text()
        lease = schedule.text_in(self.settings.delivery_timeout + LEASE_MARGIN)
        with self.store.write() as tx:
            ids = delivery_rows.claim_due(tx, now, lease, limit)
        if not ids:
            return []
        with self.store.read() as tx:
            return delivery_rows.claimed_details(tx, ids)

    # -- one attempt -----------------------------------------------------------------------------

    async def _attempt(self, client: aiohttp.ClientSession, detail: dict[str, Any]) -> None:
        at = now_text()
        started = time.monotonic()
        try:
            outcome = await self._send(client, detail, at, started)
        except Exception as exc:  # never lose an outcome: a bug here becomes a failed attempt
            log.exception("bus: attempt of delivery %s failed unexpectedly", detail.get("delivery_id"))
            outcome = Outcome(detail, at, _ms(started), error=f"internal error: {type(exc).__name__}")
        self._outcomes.append(outcome)
        self._in_flight -= 1
        if self._wake is not None:
            self._wake.set()

    async def _send(
        self, client: aiohttp.ClientSession, detail: dict[str, Any], at: str, started: float
    ) -> Outcome:
        sub_id = str(detail["subscription_id"])
        if detail.get("sub_kind") in FEDERATED_KINDS or sub_id.startswith(("fin_", "fhp_")):
            stopped = federation_gate(detail)
            if stopped is not None:
                return Outcome(detail, at, 0, error=stopped[1], final=True, federation_outcome=stopped[0])
            if detail["sub_kind"] == "federation":
                return await self._run_federation(detail, at, started)
        if detail.get("sub_kind") is None:
            return Outcome(detail, at, 0, error="the subscription was deleted", final=True)
        if not detail.get("enabled"):
            return Outcome(detail, at, 0, error="the subscription is disabled", final=True)
        if detail["sub_kind"] == "workflow":
            return await self._run_workflow(detail, at, started)
        url = str(detail["url"])
        if not self.settings.allow_private_webhooks:
            try:
                await asyncio.to_thread(check_url, url, False)
            except WebhookUrlRefused as refused:
                return Outcome(detail, at, _ms(started), error=f"invalid_webhook_url: {refused}")
        body = delivery_body(detail)
        headers = delivery_headers(detail, body, at)
        timeout = aiohttp.ClientTimeout(total=self.settings.delivery_timeout)
        try:
            async with client.post(
                url, data=body, headers=headers, timeout=timeout, allow_redirects=False
            ) as response:
                code = response.status
                retry_header = response.headers.get("retry-after")
                await response.read()
        except TimeoutError:
            return Outcome(
                detail,
                at,
                _ms(started),
                error=f"no answer within {self.settings.delivery_timeout:g} s (timeout)",
            )
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            return Outcome(detail, at, _ms(started), error=f"{type(exc).__name__}: {exc}"[:_ERROR_MAX])
        if 200 <= code < 300:
            return Outcome(detail, at, _ms(started), status_code=code, delivered=True)
        if code == 410 and detail["sub_kind"] == "https_peer":
            # An HTTPS peer is the owner's configuration: a 410 ends this delivery, nothing more.
            return Outcome(detail, at, _ms(started), status_code=code, error="410 Gone", final=True)
        if code == 410:
            return Outcome(
                detail,
                at,
                _ms(started),
                status_code=code,
                error="410 Gone: the receiver asked for no more deliveries; subscription disabled",
                final=True,
                gone=True,
            )
        retry_after = schedule.parse_retry_after(retry_header) if code in (429, 503) else None
        return Outcome(
            detail, at, _ms(started), status_code=code, error=f"HTTP {code}", retry_after=retry_after
        )

    async def _run_workflow(self, detail: dict[str, Any], at: str, started: float) -> Outcome:
        if self.workflow is None:
            return Outcome(detail, at, 0, error="no workflow runner in this process")
        try:
            refused = await asyncio.to_thread(self.workflow, detail)
        except Exception as exc:
            log.exception("bus: workflow of delivery %s failed", detail.get("delivery_id"))
            return Outcome(detail, at, _ms(started), error=f"workflow failed: {type(exc).__name__}")
        if refused is not None:
            return Outcome(detail, at, _ms(started), error=refused[:_ERROR_MAX], final=True)
        return Outcome(detail, at, _ms(started), delivered=True)

    async def _run_federation(self, detail: dict[str, Any], at: str, started: float) -> Outcome:
        if self.federation is None:
            return Outcome(detail, at, 0, error="no federation relay in this process")
        try:
            outcome, relayed, refused = await asyncio.to_thread(self.federation, detail)
        except Exception as exc:
            log.exception("bus: federation relay of delivery %s failed", detail.get("delivery_id"))
            return Outcome(detail, at, _ms(started), error=f"federation relay failed: {type(exc).__name__}")
        if refused is not None:
            return Outcome(
                detail, at, _ms(started), error=refused[:_ERROR_MAX], final=True, federation_outcome=outcome
            )
        return Outcome(
            detail, at, _ms(started), delivered=True, federation_outcome=outcome, relayed_event_id=relayed
        )

    # -- outcomes ------------------------------------------------------------------------------

    async def _flush(self) -> None:
        if not self._outcomes:
            return
        batch, self._outcomes = self._outcomes, []
        await asyncio.to_thread(self.write_outcomes, batch)

    def write_outcomes(self, batch: list[Outcome]) -> None:
        """Record a batch of attempts, decide retries, disable gone subscriptions, settle emits."""
        by_org: dict[str, list[Outcome]] = defaultdict(list)
        for outcome in batch:
            by_org[str(outcome.detail["organization_id"])].append(outcome)
        for org_id, outcomes in by_org.items():
            with self.store.write(org_id) as tx:
                now = now_text()
                touched: list[str] = []
                for o in outcomes:
                    d = o.detail
                    delivery_rows.record_attempt(
                        tx, int(d["delivery_id"]), o.at, o.status_code, o.error, o.duration_ms
                    )
                    if o.delivered:
                        status, next_at = delivery_rows.DELIVERED, None
                    elif o.final:
                        status, next_at = delivery_rows.FAILED, None
                    else:
                        delay = schedule.next_delay(
                            int(d["attempt_count"]) + 1, self.settings.retry_schedule, o.retry_after
                        )
                        if delay is None:
                            status, next_at = delivery_rows.FAILED, None
                        else:
                            status, next_at = delivery_rows.PENDING, schedule.text_in(delay)
                    delivery_rows.finish_attempt(tx, int(d["delivery_id"]), status, next_at, o.error, now)
                    touched.append(str(d["event_id"]))
                    if d.get("sub_kind") in FEDERATED_KINDS or o.federation_outcome is not None:
                        _record_federated(tx, o, status, now)
                    if o.gone:
                        subscription_rows.update(
                            tx,
                            org_id,
                            str(d["subscription_id"]),
                            {
                                "enabled": 0,
                                "disabled_reason": "the receiver answered 410 Gone",
                                "updated_at": now,
                            },
                        )
                        touched += delivery_rows.fail_pending_of_subscription(
                            tx, str(d["subscription_id"]), "the subscription was disabled by a 410 Gone", now
                        )
                for event_id in dict.fromkeys(touched):
                    settle(tx, event_id, now)


def _record_federated(tx: Any, o: Outcome, status: str, now: str) -> None:
    """A federated delivery's outcome column, and once final its lifecycle row in the owner's log."""
    d = o.detail
    outcome = o.federation_outcome
    if outcome is None and status == delivery_rows.DELIVERED:
        outcome = "delivered"
    elif outcome is None and status == delivery_rows.FAILED:
        outcome = "failed"
    delivery_rows.set_federation_result(tx, int(d["delivery_id"]), outcome, o.relayed_event_id)
    if status == delivery_rows.PENDING:
        return
    target = (
        {"organizationId": d.get("peer_organization_id"), "invitationId": d["subscription_id"]}
        if str(d["subscription_id"]).startswith("fin_")
        else {"httpsPeerId": d["subscription_id"]}
    )
    lifecycle_log.append(
        tx,
        str(d["organization_id"]),
        lifecycle_types.FEDERATION_RELAYED
        if status == delivery_rows.DELIVERED
        else lifecycle_types.FEDERATION_RELAY_FAILED,
        str(d["canonical_name"]),
        now,
        {
            "eventId": d["event_id"],
            "groupId": d.get("group_id"),
            **target,
            "outcome": outcome,
            **({"relayedEventId": o.relayed_event_id} if o.relayed_event_id else {}),
            **({"error": o.error} if status == delivery_rows.FAILED and o.error else {}),
        },
    )


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
