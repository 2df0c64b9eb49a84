"""Request budgets on the real server (issue 15): a tenant's costly patterns answer with a clear
error instead of a long wait, and do not stall another organisation's requests.

The two attacks of the issue: a ``patternProperties`` key ``^(a+)+$`` beside a property named
``'a' * 26 + '!'`` (exponential for a backtracking engine), then a dry-run adding one optional
property; and an emit of 1,000 strings ``'a' * 29 + '!'`` against ``items.pattern "^(a|a)*$"``.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from support.registry_data import error_of

EVIL_NAME = "a" * 26 + "!"
#: A request answering later than this is a stall (the budgets are 100 ms–3 s; see docs/limits.md).
ANSWER_WITHIN = 15.0


def _pattern_properties_schema(**extra: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {EVIL_NAME: {"type": "string"}, **extra},
        "patternProperties": {"^(a+)+$": {"type": "string"}},
        "additionalProperties": False,
    }


_ARRAY_SCHEMA = {
    "type": "object",
    "properties": {"tags": {"type": "array", "items": {"type": "string", "pattern": "^(a|a)*$"}}},
    "required": ["tags"],
}
_ARRAY_PAYLOAD = {"tags": ["a" * 29 + "!"] * 1000}


def _setup_attacker(client: httpx.Client, namespace: str) -> None:
    for name, schema in (("evil.keys", _pattern_properties_schema()), ("evil.tags", _ARRAY_SCHEMA)):
        body = {"namespace": namespace, "name": name, "version": "1.0.0", "payloadSchema": schema}
        response = client.post("/registrations", json=body)
        assert response.status_code == 201, response.text


def _costly_dry_run(client: httpx.Client, namespace: str) -> httpx.Response:
    schema = _pattern_properties_schema(note={"type": "string"})
    body = {"namespace": namespace, "name": "evil.keys", "version": "1.1.0", "payloadSchema": schema}
    return client.post("/dry-run", json=body, timeout=ANSWER_WITHIN)


def _costly_emit(client: httpx.Client, namespace: str) -> httpx.Response:
    body = {"name": f"{namespace}.evil.tags", "payload": _ARRAY_PAYLOAD}
    return client.post("/emit", json=body, timeout=ANSWER_WITHIN)


def test_costly_pattern_properties_dry_run_answers_quickly(registry_server) -> None:
    # The checker reads patterns as ECMA-262 automata (rules/ecma.py), so the backtracking bomb
    # costs it nothing: the dry-run answers at once with the true verdict (the added optional
    # property cannot be on an old payload: additionalProperties is false and "note" does not match
    # the pattern). The budget's "too costly" verdict is covered by the compat deadline tests.
    tenant = registry_server.new_org("basic", "budget-dry")
    with registry_server.client(tenant["apiKey"]) as client:
        _setup_attacker(client, tenant["slug"])
        response = _costly_dry_run(client, tenant["slug"])
    assert response.status_code == 200, response.text
    verdict = response.json()
    assert verdict["semverBump"] == "minor"
    assert verdict["valid"] is True, verdict
    assert verdict["errors"] == []
    # The next judgements are served as usual.
    with registry_server.client(tenant["apiKey"]) as client:
        for _ in range(3):
            fine = client.post("/dry-run", json=_plain_candidate(tenant["slug"]))
            assert fine.status_code == 200 and fine.json()["valid"] is True, fine.text


def _plain_candidate(namespace: str) -> dict[str, Any]:
    schema = {"type": "object", "properties": {"id": {"type": "string"}}}
    return {"namespace": namespace, "name": "plain.event", "version": "1.0.0", "payloadSchema": schema}


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            text = (task / "children").read_text().split()
        except OSError:  # the thread ended meanwhile
            continue
        found.extend(int(child) for child in text)
    return found


def _workers(server_pid: int, expected: int) -> list[int]:
    """The judging workers (children of the forkserver child), once ``expected`` of them run."""
    found: list[int] = []
    for _ in range(100):  # workers start asynchronously; wait for them rather than guess
        found = [w for child in _children(server_pid) for w in _children(child)]
        if len(found) == expected:
            break
        time.sleep(0.1)
    return found


def test_a_killed_judging_worker_is_replaced(fresh_registry) -> None:
    server = fresh_registry("--judge-workers", "2")
    tenant = server.new_org("basic", "budget-kill")
    pid = server.process.pid
    assert pid is not None
    workers = _workers(pid, 2)
    assert len(workers) == 2, workers
    for worker in workers:
        os.kill(worker, signal.SIGKILL)
    with server.client(tenant["apiKey"]) as client:
        for _ in range(3):
            answer = client.post("/dry-run", json=_plain_candidate(tenant["slug"]))
            assert answer.status_code == 200 and answer.json()["valid"] is True, answer.text
    assert len(_workers(pid, 2)) == 2


def test_costly_pattern_over_many_values_is_one_clear_error(registry_server) -> None:
    tenant = registry_server.new_org("basic", "budget-emit")
    with registry_server.client(tenant["apiKey"]) as client:
        _setup_attacker(client, tenant["slug"])
        response = _costly_emit(client, tenant["slug"])
    assert response.status_code == 400, response.text
    error = error_of(response)
    assert error["code"] == "payload_invalid"
    assert "'^(a|a)*$'" in error["message"] and "100 ms" in error["message"]
    [problem] = error["details"]["errors"]
    assert problem["details"]["pattern"] == "^(a|a)*$"
    assert problem["details"]["budgetMs"] == 100


def test_one_tenants_costly_requests_do_not_stall_another(registry_server) -> None:
    attacker = registry_server.new_org("basic", "budget-attacker")
    victim = registry_server.new_org("pro", "budget-victim")
    with registry_server.client(attacker["apiKey"]) as client:
        _setup_attacker(client, attacker["slug"])

    stop = threading.Event()
    attack_answers: list[int] = []

    def attack(kind: int) -> None:
        with registry_server.client(attacker["apiKey"]) as client:
            while not stop.is_set():
                call = _costly_dry_run if kind == 0 else _costly_emit
                attack_answers.append(call(client, attacker["slug"]).status_code)

    attackers = [threading.Thread(target=attack, args=(i % 2,)) for i in range(4)]
    for thread in attackers:
        thread.start()
    waits: list[float] = []
    statuses: list[int] = []
    try:
        time.sleep(0.5)  # let the attack get going
        with registry_server.client(victim["apiKey"]) as client:
            for i in range(60):
                started = time.perf_counter()
                response = client.post(
                    "/emit",
                    json={
                        "name": "platformxe.generic",
                        "payload": {"kind": "user.signed_up", "summary": f"victim {i}", "data": {}},
                    },
                    timeout=ANSWER_WITHIN,
                )
                waits.append(time.perf_counter() - started)
                statuses.append(response.status_code)
                time.sleep(0.05)
    finally:
        stop.set()
        for thread in attackers:
            thread.join(60)
    assert statuses == [202] * 60
    # Isolation, not speed: the p99 is measured in bench/isolation.py; here no victim request may
    # wait for the attacker's work (a second is ten times the p99 target).
    assert max(waits) < 1.0, sorted(waits)[-5:]
    assert attack_answers and set(attack_answers) <= {200, 400, 429}, attack_answers


_CLOSED = {"type": "object", "properties": {"id": {"type": "string"}}, "additionalProperties": False}


def test_past_the_checker_budget_a_minor_bump_is_not_proven(fresh_registry) -> None:
    server = fresh_registry("--compare-budget", "0")
    tenant = server.new_org("basic", "budget-compare")
    ns = tenant["slug"]
    grown = {**_CLOSED, "properties": {"id": {"type": "string"}, "note": {"type": "string"}}}
    with server.client(tenant["apiKey"]) as client:
        first = {"namespace": ns, "name": "thing.done", "version": "1.0.0", "payloadSchema": _CLOSED}
        assert client.post("/registrations", json=first).status_code == 201
        minor = {**first, "version": "1.1.0", "payloadSchema": grown}
        verdict = client.post("/dry-run", json=minor).json()
        assert verdict["valid"] is False and verdict["semverBump"] == "minor"
        [change] = verdict["changes"]
        assert change["kind"] == "not_proven" and "too costly to compare" in change["message"]
        assert [e["code"] for e in verdict["errors"]] == ["minor_must_be_backwards_compatible"]
        assert verdict["suggestedVersion"] == "2.0.0"
        refused = client.post("/registrations", json=minor)
        assert refused.status_code == 400
        assert "too costly to compare" in error_of(refused)["message"]
        # A patch (equal bar descriptions) and a major need no comparison: still accepted.
        patch = {**first, "version": "1.0.1", "payloadSchema": {**_CLOSED, "description": "v1"}}
        assert client.post("/registrations", json=patch).status_code == 201
        major = {**minor, "version": "2.0.0"}
        assert client.post("/registrations", json=major).status_code == 201


def test_past_the_wall_clock_backstop_the_answer_is_clear_and_workers_are_replaced(fresh_registry) -> None:
    server = fresh_registry()
    tenant = server.new_org("pro", "budget-backstop")
    ns = tenant["slug"]
    body = {
        "namespace": ns,
        "name": "evil.tags",
        "version": "1.0.0",
        "payloadSchema": _ARRAY_SCHEMA,
        "payloadExample": _ARRAY_PAYLOAD,
    }
    with server.client(tenant["apiKey"]) as client:
        registered = client.post("/registrations", json={**body, "payloadExample": None})
        assert registered.status_code == 201, registered.text
    # Patterns now get 30 s of regex time, a judgement 1 ms of wall clock: only the backstop can
    # stop the costly example and payload below (pebble checks its timeouts every 0.1 s).
    server.process.extra_args = ("--judge-workers", "2", "--judge-timeout", "0.001", "--regex-budget", "30")
    server.process.restart()
    with server.client(tenant["apiKey"]) as client:
        body["version"] = "2.0.0"
        refused = client.post("/dry-run", json=body, timeout=ANSWER_WITHIN)
        assert refused.status_code == 400, refused.text
        error = error_of(refused)
        assert error["code"] == "invalid_json_schema"
        assert error["details"] == {"field": "payloadSchema", "budgetMs": 1}
        assert "budget of 1 ms" in error["message"]
        # In a batch (one judging task for all), the costly candidate gets exactly that answer too:
        # past the batch's backstop every candidate is judged again on its own.
        batch = client.post("/dry-run/batch", json={"candidates": [body, body]}, timeout=ANSWER_WITHIN)
        assert batch.status_code == 200, batch.text
        assert batch.json()["results"] == [{"status": 400, **refused.json()}] * 2
        # A large payload is validated in a worker too: past the backstop, payload_invalid.
        too_slow = client.post("/emit", json={"name": f"{ns}.evil.tags", "payload": _ARRAY_PAYLOAD})
        assert too_slow.status_code == 400, too_slow.text
        assert error_of(too_slow)["code"] == "payload_invalid"
        assert "budget of 1 ms" in error_of(too_slow)["message"]
        # Small emits are validated in the request's thread and unaffected; the server is fine.
        small = {"name": "platformxe.generic", "payload": {"kind": "small"}}
        assert client.post("/emit", json=small).status_code == 202
    pid = server.process.pid
    assert pid is not None
    assert len(_workers(pid, 2)) == 2
