"""Where CPU-heavy judging runs: a pool of worker processes, so no request holds the GIL against others.

Judging a dry-run or a registration (metaschema check, example validation, the compatibility
checker) and validating a large payload are pure-Python CPU work; in the server's own process
they would hold the GIL for their whole length and every other tenant's request would wait. So
they run in a :class:`Judge`: ``pebble.ProcessPool`` worker processes (``--judge-workers``, started
with the server from a forkserver that has the rules engine preloaded, lowered CPU priority so
the server's own request handling wins the CPU).

Budgets (docs/limits.md): inside a worker, pattern matches draw on the request's regex budget
(:mod:`platformxe.rules.budget`) and the compatibility checker gets a deadline. The worker's
wall-clock timeout is the backstop for work no budget can interrupt: past it pebble kills the
worker and starts a new one, and the request gets its answer anyway — a dry-run/registration is
judged again with the checker's deadline already passed (verdict "not proven: the schemas are too
costly to compare"); a payload is refused with ``payload_invalid`` naming the budget.

``workers=0`` judges in the calling thread (for tools and tests that want no processes).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from platformxe.registry.errors import ApiError
from platformxe.rules import budget
from platformxe.rules.codes import Code
from platformxe.rules.payload import validate_payload
from platformxe.rules.types import Candidate, ExistingVersion, OrgContext, Problem, Verdict
from platformxe.rules.verdict import dry_run_verdict

log = logging.getLogger("platformxe.registry")

#: Worker processes by default: one per core, at most 4 (the server needs a core too).
DEFAULT_WORKERS = max(1, min(4, os.cpu_count() or 1))
#: Wall-clock backstop of one dry-run/registration judgement (checker budget + schema checks).
VERDICT_TIMEOUT_SECONDS = 3.0
#: Wall-clock backstop of one payload validation in a worker.
PAYLOAD_TIMEOUT_SECONDS = 2.0
#: Payloads at least this large (compact JSON bytes) are validated in a worker; smaller ones in
#: the request's thread, where every pattern match releases the GIL and the budget bounds them.
POOL_PAYLOAD_BYTES = 16_384
#: Worker processes run at this nice increment: requests served by the server process come first.
WORKER_NICENESS = 5

_PRELOAD = ["platformxe.rules", "platformxe.rules.compat", "platformxe.registry.judging", "jsonschema"]


class JudgingFailed(Exception):
    """A worker died or the pool is closed: the request cannot be judged now (503, retry)."""


class _PoolBroken(JudgingFailed):
    """The pool itself is unusable; a new one is started."""


def _discard(pool: Any) -> None:
    pool.stop()
    pool.join(timeout=10)


def judge_verdict(
    candidate: Candidate,
    existing: Sequence[ExistingVersion],
    org: OrgContext | None,
    compare_seconds: float | None,
    regex_seconds: float = budget.DRY_RUN_REGEX_BUDGET_SECONDS,
    policy: str = "strict",
) -> Verdict:
    """The dry-run verdict on the request's budgets, under the event's compatibility ``policy``
    (runs in a worker, or inline)."""
    deadline = None if compare_seconds is None else time.monotonic() + compare_seconds
    with budget.spending(regex_seconds):
        return dry_run_verdict(candidate, existing, org, policy=policy, deadline=deadline)


def judge_verdicts(
    items: Sequence[tuple[Candidate, Sequence[ExistingVersion], OrgContext | None, str]],
    compare_seconds: float | None,
    regex_seconds: float = budget.DRY_RUN_REGEX_BUDGET_SECONDS,
) -> list[Verdict]:
    """:func:`judge_verdict` for each ``(candidate, existing, org, policy)``, each on its own budgets
    (one worker task for a whole batch: one round trip to the worker instead of one per candidate)."""
    return [
        judge_verdict(candidate, existing, org, compare_seconds, regex_seconds, policy)
        for candidate, existing, org, policy in items
    ]


def judge_payload(
    schema: Any, payload: Any, regex_seconds: float = budget.DEFAULT_REGEX_BUDGET_SECONDS
) -> list[Problem]:
    """Every way ``payload`` fails ``schema`` on the emit's regex budget."""
    with budget.spending(regex_seconds):
        return validate_payload(schema, payload)


def _worker_started() -> None:
    with contextlib.suppress(OSError):  # not permitted on some systems; priority is a nicety
        os.nice(WORKER_NICENESS)


def _warm() -> int:
    return os.getpid()


def _payload_over_budget(seconds: float) -> list[Problem]:
    return [
        Problem(
            Code.PAYLOAD_INVALID,
            f"payload: validating it took longer than this request's budget of "
            f"{budget.milliseconds(seconds)} ms, so it is refused; simplify the schema's patterns "
            "(avoid nested or overlapping repetition) or send a smaller payload",
            "payload",
            details={"keyword": "pattern", "budgetMs": budget.milliseconds(seconds)},
        )
    ]


def _unbudgeted_matching(schema: Any) -> bool:
    """True when the schema combines ``unevaluatedProperties`` with ``patternProperties``:
    jsonschema matches those keys itself (no budget, GIL held), so such payloads go to a worker."""
    seen: set[str] = set()
    stack = [schema]
    while stack and len(seen) < 2:
        node = stack.pop()
        if isinstance(node, dict):
            seen.update(k for k in ("unevaluatedProperties", "patternProperties") if k in node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return len(seen) == 2


class Judge:
    """Runs judgements in worker processes (or inline when ``workers`` is 0)."""

    def __init__(
        self,
        workers: int = DEFAULT_WORKERS,
        *,
        verdict_timeout: float = VERDICT_TIMEOUT_SECONDS,
        payload_timeout: float = PAYLOAD_TIMEOUT_SECONDS,
        compare_seconds: float = budget.COMPARE_BUDGET_SECONDS,
        emit_regex_seconds: float = budget.DEFAULT_REGEX_BUDGET_SECONDS,
        verdict_regex_seconds: float = budget.DRY_RUN_REGEX_BUDGET_SECONDS,
    ) -> None:
        self.workers = workers
        self.verdict_timeout = verdict_timeout
        self.payload_timeout = payload_timeout
        self.compare_seconds = compare_seconds
        self.emit_regex_seconds = emit_regex_seconds
        self.verdict_regex_seconds = verdict_regex_seconds
        self._pool: Any = None
        self._lock = threading.Lock()
        #: One organisation's judgements run at most this many at a time, so another
        #: organisation always finds a free worker (with one worker, none is reserved).
        self.per_org = max(1, workers - 1)
        self._org_slots: dict[str, threading.BoundedSemaphore] = {}
        self._closed = False

    def start(self) -> Judge:
        """Start the worker processes and wait until each has imported the rules engine."""
        if self.workers <= 0 or self._pool is not None:
            return self
        self._pool = self._new_pool()
        return self

    def _new_pool(self) -> Any:
        # deferred: pebble (~50 ms, bench/deferred_imports.py); a registry judging inline
        # (workers = 0) and every module that only names the Judge never load it
        import pebble

        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        pool = pebble.ProcessPool(max_workers=self.workers, context=context, initializer=_worker_started)
        warm = [pool.schedule(_warm) for _ in range(self.workers)]
        for future in warm:
            future.result(timeout=60)
        return pool

    def close(self) -> None:
        """Stop the workers (in-flight judgements are abandoned)."""
        with self._lock:
            pool, self._pool = self._pool, None
            self._closed = True
        if pool is not None:
            pool.stop()
            pool.join(timeout=10)

    def _healthy_pool(self, broken: Any = None) -> Any:
        """The pool, replaced by a new one when it is ``broken`` or no longer active.

        pebble replaces a worker it kills itself (a timeout), but a worker killed from outside
        while idle (the OOM killer, an operator) leaves the pool in its error state for good.
        """
        with self._lock:
            pool = self._pool
            if pool is None or self._closed:
                return pool
            if pool is broken or not pool.active:
                log.warning("the judging pool lost its workers; starting new ones")
                self._pool = self._new_pool()
                threading.Thread(target=_discard, args=(pool,), daemon=True).start()
            return self._pool

    def _slots(self, org_id: str) -> threading.BoundedSemaphore:
        with self._lock:
            slots = self._org_slots.get(org_id)
            if slots is None:
                slots = self._org_slots[org_id] = threading.BoundedSemaphore(self.per_org)
            return slots

    def _run(self, org_id: str, fn: Callable[..., Any], args: tuple[Any, ...], timeout: float) -> Any:
        """``fn(*args)`` in a worker; TimeoutError past ``timeout`` (the worker is replaced)."""
        pool = self._healthy_pool()
        if pool is None:
            return fn(*args)
        with self._slots(org_id):
            try:
                return self._in_worker(pool, fn, args, timeout)
            except _PoolBroken:
                # Once, on a new pool: the request did nothing yet that a retry could repeat.
                return self._in_worker(self._healthy_pool(broken=pool), fn, args, timeout)

    def _in_worker(self, pool: Any, fn: Callable[..., Any], args: tuple[Any, ...], timeout: float) -> Any:
        # deferred with the pool (see _new_pool): only a registry with workers gets here
        from concurrent.futures.process import BrokenProcessPool

        from pebble import ProcessExpired

        if pool is None:
            raise JudgingFailed("the judging pool is closed (the server is stopping)")
        try:
            future = pool.schedule(fn, args=args, timeout=timeout)
        except RuntimeError as exc:  # the pool is in its error state (or stopping)
            raise _PoolBroken(str(exc)) from exc
        try:
            return future.result()
        except concurrent.futures.TimeoutError:
            raise
        except BrokenProcessPool as exc:
            raise _PoolBroken(str(exc)) from exc
        except (ProcessExpired, concurrent.futures.CancelledError) as exc:
            raise JudgingFailed(f"a judging worker stopped ({exc})") from exc

    def verdict(
        self,
        candidate: Candidate,
        existing: Sequence[ExistingVersion],
        org: OrgContext | None,
        policy: str = "strict",
    ) -> Verdict:
        """The dry-run verdict under the event's compatibility ``policy``; past the backstop,
        judged again without the checker."""
        args = (candidate, tuple(existing), org, self.compare_seconds, self.verdict_regex_seconds, policy)
        org_id = org.organization_id if org is not None else ""
        try:
            result: Verdict = self._run(org_id, judge_verdict, args, self.verdict_timeout)
            return result
        except concurrent.futures.TimeoutError:
            log.warning(
                "a verdict of organisation %s ran past %.1f s; its worker was replaced",
                org_id,
                self.verdict_timeout,
            )
        # Deadline already passed: the checker is not run, the verdict says "not proven".
        try:
            retry: Verdict = self._run(
                org_id,
                judge_verdict,
                (*args[:3], 0.0, self.verdict_regex_seconds, policy),
                self.verdict_timeout,
            )
        except concurrent.futures.TimeoutError:
            raise ApiError(
                400,
                str(Code.INVALID_JSON_SCHEMA),
                f"checking payloadSchema took longer than this request's budget of "
                f"{budget.milliseconds(self.verdict_timeout)} ms; simplify the schema (fewer or simpler "
                "patterns, fewer combinators)",
                {"field": "payloadSchema", "budgetMs": budget.milliseconds(self.verdict_timeout)},
            ) from None
        return retry

    def verdicts(
        self,
        org_id: str,
        items: Sequence[tuple[Candidate, Sequence[ExistingVersion], OrgContext | None, str]],
    ) -> list[Verdict | ApiError]:
        """:meth:`verdict` for each ``(candidate, existing, org, policy)``: the verdict, or the
        :class:`ApiError` :meth:`verdict` raises for it. ``JudgingFailed`` is raised as there.

        With workers, the whole batch is one task (each candidate still on its own budgets and
        deadline) whose backstop is the sum of the candidates' own; a batch that runs past it, or
        fails in any other way, is judged again one candidate at a time exactly as :meth:`verdict`
        judges one, so every answer is the one a single dry-run would get.
        """
        if len(items) > 1 and self._pool is not None:
            args = (
                tuple((c, tuple(e), o, p) for c, e, o, p in items),
                self.compare_seconds,
                self.verdict_regex_seconds,
            )
            try:
                batch: list[Verdict] = self._run(
                    org_id, judge_verdicts, args, self.verdict_timeout * len(items)
                )
                return list(batch)
            except concurrent.futures.TimeoutError:
                log.warning(
                    "a batch of %d verdicts of organisation %s ran past %.1f s; judging them one by one",
                    len(items),
                    org_id,
                    self.verdict_timeout * len(items),
                )
            except JudgingFailed:
                raise
            except Exception:
                log.exception("a batch of verdicts failed; judging them one by one")
        results: list[Verdict | ApiError] = []
        for candidate, existing, org, policy in items:
            try:
                results.append(self.verdict(candidate, existing, org, policy))
            except ApiError as error:
                results.append(error)
        return results

    def payload(self, org_id: str, schema: Any, payload: Any, size: int) -> list[Problem]:
        """Validation problems of an emit's payload (large payloads in a worker)."""
        if self._pool is None or (size < POOL_PAYLOAD_BYTES and not _unbudgeted_matching(schema)):
            return judge_payload(schema, payload, self.emit_regex_seconds)
        try:
            result: list[Problem] = self._run(
                org_id, judge_payload, (schema, payload, self.emit_regex_seconds), self.payload_timeout
            )
            return result
        except concurrent.futures.TimeoutError:
            log.warning("a payload validation ran past %.1f s; its worker was replaced", self.payload_timeout)
            return _payload_over_budget(self.payload_timeout)


#: Judging in the calling thread: the default of code that is not given the server's judge.
INLINE = Judge(workers=0)
