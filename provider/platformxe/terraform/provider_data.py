"""What every resource and data source receives once the provider is configured.

:class:`ProviderData` holds the SDK client and the settings of the provider block, plus the
little state one provider process keeps between calls (the versions it planned, the versions it
archived). Resources call the registry through ``client`` (the SDK) inside
:func:`~platformxe.terraform.diagnostics.registry_call`, so a failure is always a diagnostic.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

from platformxe.client import Client, PlatformXeError
from platformxe.model.custom_event import EventVersion
from platformxe.tfplugin.diagnostics import DiagnosticError

log = logging.getLogger("platformxe.terraform")

__all__ = [
    "DryRunBatcher",
    "PlanChecks",
    "PlannedVersions",
    "ProspectiveCreates",
    "ProviderData",
    "RegistrationSnapshot",
    "configured",
]


class PlanChecks(StrEnum):
    """The provider's ``plan_checks`` setting."""

    REMOTE = "remote"
    OFFLINE = "offline"
    OFF = "off"


class PlannedVersions:
    """The order in which one provider process plans new versions of each event.

    Terraform plans a resource after the resources it depends on, in the plan process and again in
    the apply process, so with ``depends_on`` a lower version is always seen first; without it the
    order is random. A version's answer is what was recorded before its *first* record, so a
    resource planned twice in one process (a replacement) is judged the same way both times.
    """

    def __init__(self) -> None:
        self._order: dict[tuple[str, str], list[str | None]] = {}
        self._lock = threading.Lock()

    def __call__(self, namespace: str, name: str, version: str | None) -> list[str | None]:
        """Record ``version`` (None: unknown) and return the versions recorded before it."""
        with self._lock:
            order = self._order.setdefault((namespace, name), [])
            if version is None:
                order.append(None)
                return []
            if version not in order:
                order.append(version)
            return [v for v in order[: order.index(version)] if v != version]


class RegistrationSnapshot:
    """The organisation's registrations as one paged list returned them, for ReadResource.

    A refresh reads every resource of a configuration; one list call (pages of 500) answers all
    of them instead of one GET each. The snapshot is taken on the first read after configuration
    (each Terraform walk configures the provider anew, so a walk never sees an older one) and is
    dropped whenever this process writes (register, update, archive, restore), so a read after
    its own write sees the write. Drift is seen exactly as by a GET: a version missing from the
    list is gone (Terraform plans a create), a changed status is an update.

    When the list call fails the snapshot is given up and reads fall back to one GET each, so a
    failure reads exactly as before (the GET's own error).
    """

    _UNAVAILABLE: ClassVar[dict[tuple[str, str, str], dict[str, Any]]] = {}

    def __init__(self) -> None:
        self._rows: dict[tuple[str, str, str], dict[str, Any]] | None = None
        self._lock = threading.Lock()
        self.loads = 0  # how many list walks this process made (tests and the bench read it)

    def lookup(
        self, ref: EventVersion, load: Callable[[], Iterable[Mapping[str, Any]]]
    ) -> tuple[bool, dict[str, Any] | None]:
        """``(True, registration of ref or None when not registered)``, ``(False, None)`` without a snapshot.

        ``load`` lists every registration of the organisation (called once, under a lock).
        """
        rows = self._rows_from(load)
        if rows is self._UNAVAILABLE:
            return False, None
        found = rows.get((ref.namespace, ref.name, ref.version))
        return True, None if found is None else dict(found)

    def versions(self, load: Callable[[], Iterable[Mapping[str, Any]]]) -> set[tuple[str, str, str]] | None:
        """(namespace, name, version) of every registration in the snapshot (taken now if there is
        none yet, with ``load`` as in :meth:`lookup`); None without a snapshot."""
        rows = self._rows_from(load)
        return None if rows is self._UNAVAILABLE else set(rows)

    def _rows_from(
        self, load: Callable[[], Iterable[Mapping[str, Any]]]
    ) -> dict[tuple[str, str, str], dict[str, Any]]:
        with self._lock:
            if self._rows is None:
                try:
                    rows = {(r["namespace"], r["name"], r["version"]): dict(r) for r in load()}
                except Exception:
                    rows = self._UNAVAILABLE
                self.loads += 1
                self._rows = rows
            return self._rows

    def drop(self) -> None:
        """This process wrote: the next read lists again."""
        with self._lock:
            self._rows = None


class _Pending:
    __slots__ = ("body", "error", "finished", "lead", "verdict")

    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body
        self.verdict: Any = None
        self.error: BaseException | None = None
        self.finished = False
        self.lead = False


def _body_key(body: Mapping[str, Any]) -> str:
    """Equal for equal dry-run bodies (the JSON the SDK would send)."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)


class ProspectiveCreates:
    """The dry-run bodies of the creates a reattach server's validate walk saw, for its plan walk.

    ``platformxe terraform`` serves a whole command from one process (docs/provider.md,
    "Performance"): Terraform validates every resource before it configures the provider for the
    plan walk, and then plans them at most 10 at a time, one dry-run round trip per few resources.
    ValidateResourceConfig records here the candidate each configuration would be judged as if
    created (configuration only, no answer of any kind); the first ConfigureProvider of the process
    takes the records (once: later walks record nothing), and the plan walk's :class:`DryRunBatcher`
    judges the ones not registered yet in batches of 100 while Terraform starts planning. A plan
    whose dry-run body is one of them waits for that answer instead of sending its own; every
    other dry-run goes out as before. A process that is configured before it validates anything
    (every process Terraform starts itself) never records.
    """

    #: Most bodies kept (a configuration larger than this is planned as without the records).
    LIMIT = 2000

    def __init__(self) -> None:
        self._bodies: dict[str, dict[str, Any]] | None = {}
        self._lock = threading.Lock()

    @property
    def recording(self) -> bool:
        """False once the records were taken (nothing more is kept)."""
        return self._bodies is not None

    def record(self, body: Mapping[str, Any]) -> None:
        """A validated configuration's create candidate (ignored once the records were taken)."""
        with self._lock:
            if self._bodies is not None and len(self._bodies) < self.LIMIT:
                self._bodies.setdefault(_body_key(body), dict(body))

    def take(self) -> list[dict[str, Any]]:
        """The recorded bodies, the first time only; recording stops."""
        with self._lock:
            bodies, self._bodies = self._bodies, None
        return list(bodies.values()) if bodies else []


class DryRunBatcher:
    """Coalesces the dry-runs of concurrent PlanResourceChange calls into batch requests.

    Terraform plans up to 10 resources at once. The first dry-run goes out at once, alone; the
    candidates arriving while a request is in flight wait and then go together in one
    ``POST /dry-run/batch`` (at most :data:`BATCH_MAX`), sent by the first of them, so a lone
    call never waits for a timer, no caller waits for more than the request in flight and its own
    (plus, in a burst, a few milliseconds for the rest of it: :meth:`_settle`), and a plan of N new
    events makes far fewer than N round trips. Each candidate is judged by the
    registry exactly as ``POST /dry-run`` would judge it, and each caller gets its own verdict or
    its own exception. A registry without the batch route (404) is asked one by one from then on.
    """

    BATCH_MAX = 100
    #: A request answered this recently means a burst is under way (see :meth:`_settle`).
    BURST_GAP_SECONDS = 0.05
    #: The longest a leader waits for the rest of its burst.
    SETTLE_SECONDS = 0.004

    def __init__(self, client: Client) -> None:
        self._client = client
        self._cond = threading.Condition()
        self._queue: list[_Pending] = []
        self._sending = False
        self._batch_route = True
        self.requests = 0  # dry-run requests sent (single or batch), for tests and the bench
        #: answers judged ahead (see :meth:`prefetch`): body key → pending item; verdict None = ask
        self._prefetched: dict[str, _Pending] = {}
        #: (when, how many candidates) of the last answered request, and whether a leader waits
        self._answered: tuple[float, int] = (0.0, 0)
        self._settling = False

    def prefetch(
        self, bodies: Sequence[Mapping[str, Any]], registered: Callable[[], set[tuple[str, str, str]] | None]
    ) -> None:
        """Judge ``bodies`` now, in a background thread, for :meth:`judge` calls that will ask them.

        ``registered`` gives the (namespace, name, version) registered already (None when they
        cannot be listed: then nothing is judged ahead): their bodies are left to the plan (a
        version in state plans no dry-run at all). A body whose batch fails, or whose own answer
        is an error, is asked again by its plan, which so gets its own answer.
        """
        items = [_Pending(dict(b)) for b in bodies]
        if not items:
            return
        with self._cond:
            for item in items:
                self._prefetched.setdefault(_body_key(item.body), item)
        threading.Thread(
            target=self._prefetch, args=(items, registered), name="platformxe-dry-runs", daemon=True
        ).start()

    def _prefetch(
        self, items: list[_Pending], registered: Callable[[], set[tuple[str, str, str]] | None]
    ) -> None:
        try:
            known = registered()
            if known is None:  # the registrations could not be listed: every plan asks its own
                return
            wanted = [
                i
                for i in items
                if (i.body.get("namespace"), i.body.get("name"), i.body.get("version")) not in known
            ]
            for start in range(0, len(wanted), self.BATCH_MAX):
                chunk = wanted[start : start + self.BATCH_MAX]
                outcomes = self._send(chunk) if len(chunk) > 1 else [self._one(chunk[0])]
                with self._cond:
                    for item, (verdict, error) in zip(chunk, outcomes, strict=True):
                        item.verdict = verdict if error is None else None
                        item.finished = True
                    self._cond.notify_all()
        except Exception:
            log.debug("dry-runs judged ahead failed; each plan asks its own")
        finally:
            with self._cond:
                for item in items:
                    item.finished = True
                self._cond.notify_all()
        log.debug(
            "dry-runs judged ahead",
            extra={"tf": {"bodies": len(items), "requests": self.requests}},
        )

    def forget_prefetched(self) -> None:
        """This process wrote: answers judged ahead may be stale, plans ask their own."""
        with self._cond:
            self._prefetched.clear()

    def judge(self, body: Mapping[str, Any]) -> Any:
        """The verdict (SDK ``ApiObject``) for one dry-run body; raises what ``dry_run`` raises."""
        mine = _Pending(dict(body))
        with self._cond:
            ahead = self._prefetched.get(_body_key(mine.body)) if self._prefetched else None
            if ahead is not None:
                while not ahead.finished:
                    self._cond.wait()
                if ahead.verdict is not None:
                    return ahead.verdict
            self._queue.append(mine)
            if not self._sending:
                self._sending = mine.lead = True
            elif self._settling:
                self._cond.notify_all()  # a leader waits for the rest of its burst
            while not mine.finished:
                if not mine.lead:
                    self._cond.wait()
                    continue
                mine.lead = False
                self._settle()
                batch = self._queue[: self.BATCH_MAX]
                del self._queue[: self.BATCH_MAX]
                self._cond.release()
                try:
                    outcomes = self._send(batch)
                finally:
                    self._cond.acquire()
                for item, (verdict, error) in zip(batch, outcomes, strict=True):
                    item.verdict, item.error, item.finished = verdict, error, True
                self._answered = (time.monotonic(), len(batch))
                if self._queue:
                    self._queue[0].lead = True  # the next batch is sent by its first caller
                else:
                    self._sending = False
                self._cond.notify_all()
        if mine.error is not None:
            raise mine.error
        return mine.verdict

    def _settle(self) -> None:
        """In a burst, let the rest of it join the leader's request (called holding the lock).

        When the previous request was answered moments ago, its callers' resources are done and
        Terraform is sending the next ones, a few milliseconds apart: the leader waits (at most
        :data:`SETTLE_SECONDS`) until as many calls as that request carried are queued, so one
        request carries them instead of a lone one followed by the rest. A call that finds no
        recent answer — the first of a plan, or a lone one — is sent at once.
        """
        answered_at, size = self._answered
        wanted = min(size, self.BATCH_MAX)
        now = time.monotonic()
        if wanted <= 1 or now - answered_at > self.BURST_GAP_SECONDS:
            return
        deadline = now + self.SETTLE_SECONDS
        self._settling = True
        try:
            while len(self._queue) < wanted:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
        finally:
            self._settling = False

    def _send(self, batch: list[_Pending]) -> list[tuple[Any, BaseException | None]]:
        """One request for ``batch``: each item's (verdict, None) or (None, exception)."""
        self.requests += 1
        try:
            if len(batch) > 1 and self._batch_route:
                try:
                    results = self._client.events.custom.dry_run_batch([item.body for item in batch])
                    return [(None, r) if isinstance(r, BaseException) else (r, None) for r in results]
                except PlatformXeError as exc:
                    if getattr(exc, "status", None) != 404:
                        raise
                    self._batch_route = False  # an older registry: one by one
            return [self._one(item) for item in batch]
        except Exception as exc:  # the whole request failed: every caller gets the failure
            return [(None, exc) for _ in batch]

    def _one(self, item: _Pending) -> tuple[Any, BaseException | None]:
        try:
            return self._client.events.custom.dry_run(item.body), None
        except Exception as exc:
            return None, exc


@dataclass
class ProviderData:
    """The configured provider: SDK client, settings, and this process's memory."""

    client: Client
    endpoint: str
    checks: PlanChecks
    organization_id: str | None
    planned_alongside: PlannedVersions = field(default_factory=PlannedVersions)
    #: What ReadResource reads (see :class:`RegistrationSnapshot`).
    snapshot: RegistrationSnapshot = field(default_factory=RegistrationSnapshot)
    #: How the plan's dry-runs reach the registry (see :class:`DryRunBatcher`).
    dry_runs: DryRunBatcher = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    #: Versions this process archived (a destroy, or the delete half of a replacement) → the status
    #: they had, so a refused re-registration of the same version can put it back.
    _archived: dict[EventVersion, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.dry_runs = DryRunBatcher(self.client)

    def record_archived(self, ref: EventVersion, previous_status: str) -> None:
        """Remember that this process archived a version that had ``previous_status``."""
        with self._lock:
            self._archived[ref] = previous_status

    def restore_archived(self, ref: EventVersion) -> str:
        """Undo this process's archive of a version whose re-registration was refused.

        Terraform replaces delete-then-create: when the create of the same version is refused (its
        schema or example changed, only known at apply), the archive must not be the one lasting
        effect. Returns a sentence for the error's detail ("" when this process archived nothing).
        """
        with self._lock:
            previous = self._archived.pop(ref, None)
        if previous is None or previous == "archived":
            return ""
        try:
            self.client.events.custom.update(ref.namespace, ref.name, ref.version, status=previous)
        except PlatformXeError as exc:
            self.snapshot.drop()
            self.dry_runs.forget_prefetched()
            return (
                f"This apply archived {ref.label} to replace it, and restoring it to {previous} failed ({exc}); "
                f'restore it by setting its status back to "{previous}" (docs/registry.md, PATCH of the version).'
            )
        self.snapshot.drop()
        self.dry_runs.forget_prefetched()
        return (
            f"This apply had archived {ref.label} to replace it; the provider restored it to {previous}, so the "
            "registry is as before. It is no longer in Terraform state: bump the version to register the "
            "change, or import the registered version."
        )

    def forget_archived(self, ref: EventVersion) -> None:
        """The version was registered again (or adopted): nothing to restore."""
        with self._lock:
            self._archived.pop(ref, None)


def configured(provider_data: Any) -> ProviderData:
    """The configured provider's data, or one clear error when Terraform has not configured it."""
    if not isinstance(provider_data, ProviderData):
        raise DiagnosticError(
            "The PlatformXe provider is not configured",
            "Terraform called the provider before configuring it; check the provider block.",
        )
    return provider_data
