"""The bus's pure parts: retry schedule and Retry-After, signing, webhook URL checks, matching."""

from __future__ import annotations

import json
import random
import time
from email.utils import formatdate

import pytest
from standardwebhooks.webhooks import Webhook

from platformxe import verify_webhook
from platformxe.client import WebhookVerificationError
from platformxe.registry.bus import schedule, signing
from platformxe.registry.bus.matching import matches
from platformxe.registry.bus.settings import DEFAULT_RETRY_SCHEDULE, parse_retry_schedule
from platformxe.registry.bus.urls import WebhookUrlRefused, check_shape, check_url
from platformxe.registry.bus.workflow import resolve_pointer


def test_the_default_schedule_is_the_contracts() -> None:
    assert DEFAULT_RETRY_SCHEDULE == (0, 5, 300, 1800, 7200, 18000, 36000, 36000)


def test_each_delay_is_jittered_within_ten_percent_and_exhaustion_is_none() -> None:
    rng = random.Random(7)
    delays = [schedule.next_delay(i, DEFAULT_RETRY_SCHEDULE, None, rng) for i in range(8)]
    for delay, base in zip(delays, DEFAULT_RETRY_SCHEDULE, strict=True):
        assert delay is not None and base * 0.9 <= delay <= base * 1.1
    assert len({round(d or 0, 6) for d in delays[1:]}) == 7  # jitter makes them differ
    assert schedule.next_delay(8, DEFAULT_RETRY_SCHEDULE, None) is None


def test_retry_after_wins_when_it_asks_for_longer() -> None:
    assert schedule.next_delay(1, (0, 5), 60.0, random.Random(1)) == 60.0
    delay = schedule.next_delay(1, (0, 5), 1.0, random.Random(1))
    assert delay is not None and 4.5 <= delay <= 5.5
    assert schedule.parse_retry_after("120") == 120.0
    http_date = schedule.parse_retry_after(formatdate(time.time() + 30, usegmt=True))
    assert http_date is not None and 25 <= http_date <= 31
    assert schedule.parse_retry_after("soon") is None and schedule.parse_retry_after(None) is None
    assert schedule.parse_retry_after("99999999") == schedule.MAX_RETRY_AFTER


def test_retry_schedule_flag() -> None:
    assert parse_retry_schedule("0,1,2.5") == (0.0, 1.0, 2.5)
    for bad in ("", "a,b", "-1"):
        with pytest.raises(ValueError, match="retry-schedule"):
            parse_retry_schedule(bad)


def test_our_signature_is_the_reference_librarys() -> None:
    secret = signing.new_secret()
    body = b'{"eventId":"evt_1","payload":{"a":1}}'
    now = int(time.time())
    header = signing.signature_header([secret], "evt_1", now, body)
    headers = {"webhook-id": "evt_1", "webhook-timestamp": str(now), "webhook-signature": header}
    assert Webhook(secret).verify(body, headers) == json.loads(body)
    assert verify_webhook(secret, headers, body) == json.loads(body)
    other = signing.new_secret()
    with pytest.raises(WebhookVerificationError, match="no webhook-signature"):
        verify_webhook(other, headers, body)
    with pytest.raises(WebhookVerificationError, match="away from now"):
        verify_webhook(secret, {**headers, "webhook-timestamp": str(now - 3600)}, body)
    with pytest.raises(WebhookVerificationError, match="webhook-id"):
        verify_webhook(secret, {"webhook-timestamp": str(now), "webhook-signature": header}, body)
    # Two secrets during a rotation: either one verifies.
    both = signing.signature_header([other, secret], "evt_1", now, body)
    assert verify_webhook(secret, {**headers, "webhook-signature": both}, body) == json.loads(body)


def test_secret_form() -> None:
    secret = signing.new_secret()
    assert secret.startswith("whsec_") and signing.secret_key(secret) is not None
    assert len(signing.secret_key(secret) or b"") == 32
    assert signing.secret_key("whsec_" + "QUJD") is None  # 3 bytes: too short
    assert signing.secret_key("nope") is None and signing.secret_key("whsec_!!!") is None


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/",
        "ftp://example.com/",
        "https://user:pw@example.com/",
        "https:///nohost",
        "https://127.0.0.1/",
        "https://10.0.0.8/",
        "https://192.168.1.1/",
        "https://172.16.0.1/",
        "https://169.254.169.254/",
        "https://[::1]/",
        "https://[fe80::1]/",
        "https://[::ffff:127.0.0.1]/",
        "https://0.0.0.0/",
        "https://localhost/",
    ],
)
def test_refused_urls(url: str) -> None:
    with pytest.raises(WebhookUrlRefused):
        check_url(url, allow_private=False)


def test_the_operator_may_allow_private_and_http() -> None:
    check_url("http://127.0.0.1:8080/hook", allow_private=True)
    assert check_shape("https://example.com/x", False) == ("example.com", 443)
    with pytest.raises(WebhookUrlRefused):
        check_url("ftp://127.0.0.1/", allow_private=True)


def test_matching_is_exact_and_kinds_route_generic() -> None:
    generic = "TENANT_CUSTOM:org_1:platformxe.generic@1.0.0"
    sub = {"canonical_names": json.dumps([generic]), "kinds": json.dumps(["a"])}
    event = {
        "canonical_name": generic,
        "namespace": "platformxe",
        "name": "generic",
        "payload": '{"kind":"a"}',
    }
    assert matches(sub, event)
    assert not matches(sub, {**event, "payload": '{"kind":"b"}'})
    assert matches({**sub, "kinds": "[]"}, {**event, "payload": '{"kind":"b"}'})
    assert not matches(sub, {**event, "canonical_name": "TENANT_CUSTOM:org_2:platformxe.generic@1.0.0"})


def test_json_pointer_projection() -> None:
    doc = {"order": {"id": "o1", "lines": [{"sku": "a/b"}]}, "x~y": 1}
    assert resolve_pointer(doc, "") == doc
    assert resolve_pointer(doc, "/order/id") == "o1"
    assert resolve_pointer(doc, "/order/lines/0/sku") == "a/b"
    assert resolve_pointer(doc, "/x~0y") == 1
    assert resolve_pointer(doc, "/nope") is not None and resolve_pointer(doc, "/nope") != doc


def test_serve_refuses_bad_bus_flags_with_a_message() -> None:
    import subprocess
    import sys

    for flags, said in (
        (["--retry-schedule", "soon"], "--retry-schedule"),
        (["--delivery-timeout", "0"], "--delivery-timeout"),
        (["--bus", "redis://x"], "nats://"),
    ):
        run = subprocess.run(
            [sys.executable, "-m", "platformxe.cli.main", "serve", "--db", ":memory:", "--port", "0", *flags],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 2 and said in run.stderr and "Traceback" not in run.stderr, run.stderr
