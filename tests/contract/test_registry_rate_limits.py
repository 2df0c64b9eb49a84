"""Per-organisation rate limits on the real server (issue 15): 429 ``rate_limited`` with
``Retry-After`` past an operator-set limit, counted per organisation, only on write endpoints;
the in-flight cap; and the SDK waiting out a 429 by itself."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import platformxe
from support.registry_data import FAVORITED_PAYLOAD, FAVORITED_SCHEMA, error_of, register

CLI = [sys.executable, "-m", "platformxe.cli.main"]
GENERIC = {"name": "platformxe.generic", "payload": {"kind": "tick"}}


def _dry_run_body(namespace: str) -> dict[str, object]:
    return {"namespace": namespace, "name": "a.event", "version": "1.0.0", "payloadSchema": FAVORITED_SCHEMA}


def test_write_limit_answers_429_with_retry_after_per_organisation(fresh_registry) -> None:
    server = fresh_registry("--rate-limit", "basic.write=3/minute")
    first, second = server.new_org("basic", "rl-a"), server.new_org("basic", "rl-b")
    with server.client(first["apiKey"]) as client:
        for _ in range(3):
            assert client.post("/dry-run", json=_dry_run_body(first["slug"])).status_code == 200
        refused = client.post("/dry-run", json=_dry_run_body(first["slug"]))
        assert refused.status_code == 429, refused.text
        retry_after = int(refused.headers["Retry-After"])
        assert 1 <= retry_after <= 60
        error = error_of(refused)
        assert error["code"] == "rate_limited"
        assert error["details"] == {
            "plan": "basic",
            "kind": "write",
            "limit": "3 per 1 minute",
            "retryAfterSeconds": retry_after,
        }
        assert "Retry-After" in error["message"] and "Basic plan" in error["message"]
        # The same organisation's registrations share the write limit ...
        again = client.post("/registrations", json=_dry_run_body(first["slug"]))
        assert again.status_code == 429
        # ... and so do the bus's writes (every method but GET is a write).
        assert client.post("/subscriptions", json={}).status_code == 429
        # ... reads are not limited, and nothing was registered by the refused request.
        listed = client.get("/registrations", params={"namespace": first["slug"]})
        assert listed.status_code == 200 and listed.json()["items"] == []
        assert client.post("/emit", json=GENERIC).status_code == 202  # emits are another class
    with server.client(second["apiKey"]) as client:  # another organisation keeps its own budget
        assert client.post("/dry-run", json=_dry_run_body(second["slug"])).status_code == 200


def test_the_openapi_document_lists_429_with_retry_after_on_every_authenticated_operation(
    registry_server,
) -> None:
    import httpx

    document = httpx.get(registry_server.url + "/v1/openapi.json", timeout=30).json()
    operations = [
        (path, method, op)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if isinstance(op, dict) and "responses" in op
    ]
    for path, method, op in operations:
        if op.get("security") == []:
            assert "429" not in op["responses"], (method, path)
            continue
        answer = op["responses"]["429"]
        assert answer["headers"]["Retry-After"]["required"] is True, (method, path)
        assert "rate_limited" in answer["description"]
    emit = document["paths"]["/v1/events/custom/emit"]["post"]["responses"]["429"]["description"]
    assert "free 50/second;600/minute" in emit


def test_emit_limit_refuses_then_accepts_after_retry_after(fresh_registry) -> None:
    server = fresh_registry("--rate-limit", "pro.emit=2 per 5 seconds", "--rate-limit", "*.write=off")
    tenant = server.new_org("pro", "rl-emit")
    with server.client(tenant["apiKey"]) as client:
        register(client, tenant["slug"])
        body = {"name": f"{tenant['slug']}.property.favorited", "payload": FAVORITED_PAYLOAD}
        statuses = [client.post("/emit", json=body).status_code for _ in range(3)]
        assert statuses == [202, 202, 429]
        refused = client.post("/emit", json=body)
        assert refused.status_code == 429
        time.sleep(int(refused.headers["Retry-After"]))
        assert client.post("/emit", json=body).status_code == 202
        # A refused emit is not a failure of the payload: health lists no failure for it.
        assert client.get("/health").json()["recentFailures"] == []


def test_the_sdk_waits_out_429_and_succeeds(fresh_registry) -> None:
    server = fresh_registry("--rate-limit", "pro.emit=2/second")
    tenant = server.new_org("pro", "rl-sdk")
    with platformxe.Client(server.url, tenant["apiKey"], max_retries=5) as sdk:
        answers = [sdk.events.custom.emit("platformxe.generic", {"kind": f"tick {i}"}) for i in range(6)]
    assert [a.status for a in answers] == ["queued"] * 6
    assert len({a.event_id for a in answers}) == 6


def test_in_flight_cap_refuses_parallel_requests_of_one_organisation(fresh_registry) -> None:
    # A dry-run whose example spends a 0.8 s regex budget keeps one request in flight that long
    # (at least: one match may overrun its timeout, so the backstop is moved out of the way).
    server = fresh_registry("--max-in-flight", "1", "--regex-budget", "0.8", "--judge-timeout", "30")
    busy, other = server.new_org("basic", "rl-busy"), server.new_org("basic", "rl-other")
    tags = {"type": "array", "items": {"type": "string", "pattern": "^(a|a)*$"}}
    slow = {
        "namespace": busy["slug"],
        "name": "slow.event",
        "version": "1.0.0",
        "payloadSchema": {"type": "object", "properties": {"tags": tags}},
        "payloadExample": {"tags": ["a" * 29 + "!"]},
    }
    started = threading.Event()
    answers: list[int] = []

    def costly() -> None:
        with server.client(busy["apiKey"]) as client:
            started.set()
            answers.append(client.post("/dry-run", json=slow).status_code)

    thread = threading.Thread(target=costly)
    thread.start()
    started.wait()
    time.sleep(0.5)  # the costly dry-run is being judged (its example spends ≥ 0.8 s matching)
    with server.client(busy["apiKey"]) as client:
        refused = client.get("/health")
    with server.client(other["apiKey"]) as client:
        assert client.get("/health").status_code == 200
    thread.join(60)
    assert answers == [200]
    assert refused.status_code == 429, refused.text
    assert refused.headers["Retry-After"] == "1"
    assert error_of(refused)["details"]["limit"] == "1 in flight"


def test_bad_rate_limit_option_is_refused_with_the_accepted_forms(tmp_path) -> None:
    proc = subprocess.run(
        [*CLI, "serve", "--db", str(tmp_path / "r.db"), "--rate-limit", "gold.emit=5/second"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert "TIER.KIND=LIMITS" in proc.stderr and "free, basic, pro, enterprise" in proc.stderr
    assert "Traceback" not in proc.stderr
