"""Every 2020-12 ``format`` is asserted by the running registry, on emits, examples and bumps.

A real registry process (tests/support/registry_process.py) with an event whose payload uses the
formats people reach for beyond dates and e-mail addresses: a value outside its format is
refused with ``payload_invalid``, the problem pointing at the field and naming the format; an
example outside it is ``payload_example_does_not_match_schema``; and adding a format to an
existing string field is not a minor change (``minor_must_be_backwards_compatible``, with a
counterexample payload), while removing one is.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from support.registry_data import error_of, register, registration_body

RETRY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "jobId": {"type": "string", "format": "uuid"},
        "retryAfter": {"type": "string", "format": "duration"},
        "failedAt": {"type": "string", "format": "json-pointer"},
        "parentStep": {"type": "string", "format": "relative-json-pointer"},
        "callback": {"type": "string", "format": "uri-template"},
        "docs": {"type": "string", "format": "iri"},
        "owner": {"type": "string", "format": "idn-email"},
        "link": {"type": "string", "format": "uri"},
    },
    "required": ["jobId", "retryAfter"],
}

RETRY_PAYLOAD: dict[str, Any] = {
    "jobId": "123e4567-e89b-12d3-a456-426614174000",
    "retryAfter": "PT30S",
    "failedAt": "/steps/2/input",
    "parentStep": "1/name",
    "callback": "https://hooks.example.com/jobs/{jobId}{?attempt}",
    "docs": "https://例子.测试/重试",
    "owner": "δοκιμή@example.com",
    "link": "https://example.com/jobs/1",
}

NAME = "job.retry_scheduled"

BAD_VALUES = [
    ("retryAfter", "30 seconds", "duration"),
    ("retryAfter", "P1DT", "duration"),
    ("failedAt", "steps/2", "json-pointer"),
    ("failedAt", "/steps/~2", "json-pointer"),
    ("parentStep", "-1/name", "relative-json-pointer"),
    ("callback", "https://hooks.example.com/{jobId", "uri-template"),
    ("docs", "not an iri", "iri"),
    ("owner", "nobody", "idn-email"),
    ("link", "https://example.com/jobs/1\n", "uri"),
    ("jobId", "123e4567e89b12d3a456426614174000", "uuid"),
]


def _emit(api: Any, ns: str, payload: Any) -> Any:
    return api.post("/emit", json={"name": f"{ns}.{NAME}", "payload": payload})


def test_a_payload_in_every_format_is_accepted(org, api) -> None:
    ns = org["slug"]
    register(api, ns, name=NAME, payloadSchema=RETRY_SCHEMA, payloadExample=RETRY_PAYLOAD)
    accepted = _emit(api, ns, RETRY_PAYLOAD)
    assert accepted.status_code == 202, accepted.text


@pytest.mark.parametrize(("field", "value", "fmt"), BAD_VALUES)
def test_a_value_outside_its_format_is_refused_naming_field_and_format(org, api, field, value, fmt) -> None:
    ns = org["slug"]
    register(api, ns, name=NAME, payloadSchema=RETRY_SCHEMA)
    refused = _emit(api, ns, {**RETRY_PAYLOAD, field: value})
    assert refused.status_code == 400, refused.text
    error = error_of(refused)
    assert error["code"] == "payload_invalid"
    [problem] = error["details"]["errors"]
    assert problem["code"] == "payload_invalid"
    assert problem["pointer"] == f"/{field}"
    assert f"is not a valid {fmt}, expected " in problem["message"], problem  # what would be accepted
    assert 'rule "format"' in problem["message"]
    assert "Traceback" not in refused.text


def test_an_example_outside_its_format_is_refused(org, api) -> None:
    ns = org["slug"]
    body = registration_body(
        ns, name=NAME, payloadSchema=RETRY_SCHEMA, payloadExample={**RETRY_PAYLOAD, "retryAfter": "soon"}
    )
    refused = api.post("/registrations", json=body)
    assert refused.status_code == 400, refused.text
    error = error_of(refused)
    assert error["code"] == "payload_example_does_not_match_schema"
    assert any(
        p.get("pointer") == "/retryAfter" and "duration" in p["message"] for p in error["details"]["errors"]
    )


def test_adding_a_format_is_not_a_minor_change_and_removing_one_is(org, api) -> None:
    ns = org["slug"]
    loose = copy.deepcopy(RETRY_SCHEMA)
    del loose["properties"]["retryAfter"]["format"]
    register(api, ns, name=NAME, payloadSchema=loose)

    verdict = api.post(
        "/dry-run", json=registration_body(ns, name=NAME, version="1.1.0", payloadSchema=RETRY_SCHEMA)
    )
    assert verdict.status_code == 200, verdict.text
    body = verdict.json()
    assert body["valid"] is False
    assert "minor_must_be_backwards_compatible" in {e["code"] for e in body["errors"]}
    [change] = [c for c in body["changes"] if c["breaking"]]
    assert change["path"] == "/properties/retryAfter/format"
    assert change["witness"]["retryAfter"] == "not-a-duration"

    refused = api.post(
        "/registrations", json=registration_body(ns, name=NAME, version="1.1.0", payloadSchema=RETRY_SCHEMA)
    )
    assert refused.status_code == 400 and error_of(refused)["code"] == "minor_must_be_backwards_compatible"
    register(api, ns, name=NAME, version="2.0.0", payloadSchema=RETRY_SCHEMA)
    register(api, ns, name=NAME, version="2.1.0", payloadSchema=loose)  # a format removed: minor
