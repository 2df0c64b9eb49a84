"""The SDK's retry rules, through its real httpx transport stack with httpx.MockTransport at the bottom."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from platformxe.client import Client, RetryPolicy, errors, parse_retry_after

Handler = Callable[[httpx.Request], httpx.Response]


class Scripted:
    """Answers requests from a script (one answer or exception factory per attempt) and records them."""

    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, type) and issubclass(answer, Exception):
            raise answer("scripted failure", request=request)  # type: ignore[call-arg]
        assert isinstance(answer, httpx.Response)
        return answer


def make_client(script: Scripted, sleeps: list[float], **kwargs: Any) -> Client:
    policy = RetryPolicy(max_retries=kwargs.pop("max_retries", 3), random=lambda: 0.5)
    return Client(
        "http://registry.test",
        "pxe_k",
        transport=httpx.MockTransport(script),
        sleep=sleeps.append,
        retry_policy=policy,
        **kwargs,
    )


OK_HEALTH = httpx.Response(200, json={"plan": "BASIC", "registrations": {"used": 1, "limit": 5}})
QUEUED = httpx.Response(202, json={"eventId": "evt_1", "status": "queued", "duplicate": False})


def err(status: int, code: str = "internal_error", headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status, json={"error": {"code": code, "message": code, "details": {}}}, headers=headers
    )


# --- Retry-After parsing -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("3", 3.0),
        (" 0 ", 0.0),
        ("1.5", 1.5),
        ("120", 120.0),
        (None, None),
        ("", None),
        ("soon", None),
        ("-4", None),
        ("nan", None),
        ("inf", None),
    ],
)
def test_retry_after_delta_seconds(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header) == seconds


def test_retry_after_http_date_in_the_future_past_and_without_zone() -> None:
    now = datetime(2026, 5, 4, 10, 0, 0, tzinfo=UTC)
    clock = now.timestamp
    assert parse_retry_after(
        format_datetime(now + timedelta(seconds=7), usegmt=True), now=clock
    ) == pytest.approx(7)
    assert parse_retry_after("Mon, 04 May 2026 09:59:00 GMT", now=clock) == 0.0
    assert parse_retry_after("Mon, 04 May 2026 10:00:30 -0000", now=clock) == pytest.approx(30)
    assert parse_retry_after("Mon, 99 Foo 2026 10:00:30 GMT", now=clock) is None


def test_backoff_is_exponential_capped_and_jittered_in_the_upper_half() -> None:
    low = RetryPolicy(random=lambda: 0.0)
    high = RetryPolicy(random=lambda: 0.999999)
    assert [low.backoff(n) for n in range(1, 7)] == [0.25, 0.5, 1.0, 2.0, 4.0, 4.0]
    assert [round(high.backoff(n), 3) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    policy = RetryPolicy(retry_after_cap=60.0, random=lambda: 0.5)
    assert policy.delay(1, 3.0) == 3.0
    assert policy.delay(1, 3600.0) == 60.0
    assert policy.delay(2, None) == 0.75


# --- Which answers are retried ---------------------------------------------------------------


def test_429_is_retried_honouring_retry_after_then_succeeds() -> None:
    script = Scripted(err(429, "rate_limited", {"Retry-After": "2"}), err(429, "rate_limited"), OK_HEALTH)
    sleeps: list[float] = []
    with make_client(script, sleeps) as client:
        health = client.events.custom.health()
    assert health.registrations.limit == 5
    assert sleeps == [2.0, 0.75 * 1]  # Retry-After, then backoff for the 2nd retry (1.0 * 0.75)
    assert len(script.requests) == 3


def test_5xx_on_get_is_retried_up_to_max_retries_then_raises_server_error() -> None:
    script = Scripted(*(err(503) for _ in range(4)))
    sleeps: list[float] = []
    with make_client(script, sleeps) as client, pytest.raises(errors.ServerError) as info:
        client.events.custom.get("acme", "a.b", "1.0.0")
    assert len(script.requests) == 4
    assert sleeps == [0.375, 0.75, 1.5]
    assert info.value.attempts == 4 and info.value.uncertain_retry is True


def test_429_exhausted_raises_rate_limited() -> None:
    script = Scripted(err(429, "rate_limited"), err(429, "rate_limited"))
    sleeps: list[float] = []
    with make_client(script, sleeps, max_retries=1) as client, pytest.raises(errors.RateLimited):
        client.events.custom.health()
    assert len(sleeps) == 1


def test_4xx_other_than_429_is_never_retried() -> None:
    script = Scripted(err(404, "event_not_registered"))
    sleeps: list[float] = []
    with make_client(script, sleeps) as client, pytest.raises(errors.EventNotRegistered):
        client.events.custom.get("acme", "a.b")
    assert sleeps == [] and len(script.requests) == 1


def test_emit_without_idempotency_key_is_not_retried_after_a_5xx() -> None:
    script = Scripted(err(502, "bus_relay_failed"))
    sleeps: list[float] = []
    with make_client(script, sleeps) as client, pytest.raises(errors.BusRelayFailed):
        client.events.custom.emit(name="acme.a", payload={})
    assert len(script.requests) == 1


def test_emit_without_key_is_not_retried_after_a_read_timeout_but_is_after_a_refused_connection() -> None:
    script = Scripted(httpx.ReadTimeout)
    with make_client(script, []) as client, pytest.raises(errors.RequestTimeout):
        client.events.custom.emit(name="acme.a", payload={})
    assert len(script.requests) == 1
    # A refused connection never reached the server, so resending cannot double the emit.
    script = Scripted(httpx.ConnectError, QUEUED)
    with make_client(script, []) as client:
        assert client.events.custom.emit(name="acme.a", payload={}).status == "queued"
    assert len(script.requests) == 2


def test_emit_with_idempotency_key_is_retried_with_the_same_key() -> None:
    script = Scripted(err(500), httpx.ReadTimeout, QUEUED)
    sleeps: list[float] = []
    with make_client(script, sleeps) as client:
        result = client.events.custom.emit(name="acme.a", payload={"x": 1}, idempotency_key="k-1")
    assert result.event_id == "evt_1"
    assert len(sleeps) == 2
    bodies = [r.content for r in script.requests]
    assert len(set(bodies)) == 1 and b'"idempotencyKey":"k-1"' in bodies[0]


def test_429_on_emit_without_key_is_retried_because_the_server_did_nothing() -> None:
    script = Scripted(err(429, "rate_limited", {"Retry-After": "0"}), QUEUED)
    sleeps: list[float] = []
    with make_client(script, sleeps) as client:
        client.events.custom.emit(name="acme.a", payload={})
    assert sleeps == [0.0]


def test_max_retries_zero_sends_once() -> None:
    script = Scripted(err(503))
    with make_client(script, [], max_retries=0) as client, pytest.raises(errors.ServerError) as info:
        client.events.custom.health()
    assert info.value.attempts == 1 and info.value.uncertain_retry is False


# --- Retried registrations adopt their own earlier success ------------------------------------------


REGISTRATION = {
    "namespace": "acme",
    "name": "a.b",
    "version": "1.0.0",
    "schemaHash": "ab" * 32,
    "status": "published",
}


def already_exists(same: bool) -> httpx.Response:
    details = {"schemaHash": "ab" * 32, "sameSchema": same, "existing": REGISTRATION}
    return httpx.Response(
        400, json={"error": {"code": "version_already_exists", "message": "exists", "details": details}}
    )


def register(client: Client) -> Any:
    return client.events.custom.register(
        namespace="acme", name="a.b", version="1.0.0", payload_schema={"type": "object"}
    )


def test_register_retried_after_a_5xx_adopts_the_version_it_created() -> None:
    script = Scripted(err(503), already_exists(True))
    with make_client(script, []) as client:
        assert register(client).schema_hash == "ab" * 32
    assert len(script.requests) == 2


def test_register_of_an_existing_version_without_an_uncertain_retry_still_raises() -> None:
    with (
        make_client(Scripted(already_exists(True)), []) as client,
        pytest.raises(errors.VersionAlreadyExists),
    ):
        register(client)
    # A 429 refusal means the first attempt did nothing: the version existed before this call.
    script = Scripted(err(429, "rate_limited"), already_exists(True))
    with make_client(script, []) as client, pytest.raises(errors.VersionAlreadyExists):
        register(client)


def test_register_retried_onto_a_different_schema_raises() -> None:
    client = make_client(Scripted(err(503), already_exists(False)), [])
    with client, pytest.raises(errors.VersionAlreadyExists) as info:
        register(client)
    assert info.value.uncertain_retry is True and info.value.details["sameSchema"] is False


def test_a_connection_dropped_mid_answer_is_retried_for_get_but_not_for_a_keyless_emit() -> None:
    script = Scripted(httpx.RemoteProtocolError, OK_HEALTH)
    with make_client(script, []) as client:
        assert client.events.custom.health().plan == "BASIC"
    script = Scripted(httpx.RemoteProtocolError)
    with make_client(script, []) as client, pytest.raises(errors.TransportError) as info:
        client.events.custom.emit(name="acme.a", payload={})
    assert type(info.value) is errors.TransportError
    assert isinstance(info.value.__cause__, httpx.RemoteProtocolError)
    assert len(script.requests) == 1
