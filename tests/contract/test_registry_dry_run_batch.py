"""``POST /dry-run/batch`` and the SDK's ``dry_run_batch`` against the real registry server:
every candidate judged exactly as ``POST /dry-run`` judges it, one by one (on both backends)."""

from __future__ import annotations

from typing import Any

import httpx

from platformxe.client import ApiError, Client
from support.registry_data import (
    FAVORITED_SCHEMA,
    registration_body,
    with_optional_note,
    with_required_reason,
)


def candidates(namespace: str) -> list[Any]:
    """A mix: new events, compatible and breaking bumps over a registered version, broken rules,
    a malformed body and a non-object."""
    return [
        registration_body(namespace, "batch.new"),
        registration_body(
            namespace, "batch.base", "1.1.0", payloadSchema=with_optional_note(FAVORITED_SCHEMA)
        ),
        registration_body(
            namespace, "batch.base", "1.1.0", payloadSchema=with_required_reason(FAVORITED_SCHEMA)
        ),
        registration_body(
            namespace, "batch.base", "2.0.0", payloadSchema=with_required_reason(FAVORITED_SCHEMA)
        ),
        registration_body(namespace, "batch.base", "1.0.0"),  # registered already
        registration_body(namespace, "Batch Bad Name"),
        registration_body("platformxe", "batch.reserved"),
        registration_body(namespace, "batch.example", payloadExample={"propertyId": 5}),
        {"namespace": namespace, "name": "batch.incomplete"},
        {**registration_body(namespace, "batch.extra"), "stauts": "draft"},
        "not an object",
    ]


def test_every_verdict_and_refusal_is_what_dry_run_answers_one_by_one(
    api: httpx.Client, org: dict[str, str]
) -> None:
    ns = org["slug"]
    assert api.post("/registrations", json=registration_body(ns, "batch.base")).status_code == 201
    batch = candidates(ns)
    answer = api.post("/dry-run/batch", json={"candidates": batch})
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert len(results) == len(batch)
    for body, result in zip(batch, results, strict=True):
        alone = api.post("/dry-run", json=body)
        if alone.status_code == 200:
            assert result == {"verdict": alone.json()}, body
        else:
            assert result == {"status": alone.status_code, **alone.json()}, body
    verdicts = [r["verdict"] for r in results if "verdict" in r]
    assert {v["valid"] for v in verdicts} == {True, False}  # the mix holds both kinds
    assert any(r.get("status") == 400 for r in results)
    # nothing was stored
    assert api.get(f"/registrations/{ns}/batch.new/versions/1.0.0").status_code == 404


def test_a_malformed_batch_names_the_field_and_the_limit(api: httpx.Client, org: dict[str, str]) -> None:
    for body in ({}, {"candidates": []}, {"candidates": "x"}, {"candidates": [{}] * 101}, {"items": []}):
        answer = api.post("/dry-run/batch", json=body)
        assert answer.status_code == 400, body
        error = answer.json()["error"]
        assert error["code"] == "invalid_request"
        assert error["details"]["field"] in ("candidates", "items")
    assert "1 to 100" in api.post("/dry-run/batch", json={"candidates": []}).json()["error"]["message"]


def test_the_sdk_batch_equals_dry_run_one_by_one(registry_server: Any, org: dict[str, str]) -> None:
    ns = org["slug"]
    with Client(registry_server.url, org["apiKey"], max_retries=0) as client:
        custom = client.events.custom
        custom.register(registration_body(ns, "batch.base"))
        snake = [
            {"namespace": ns, "name": "batch.sdk", "version": "1.0.0", "payload_schema": FAVORITED_SCHEMA},
            {
                "namespace": ns,
                "name": "batch.base",
                "version": "1.1.0",
                "payload_schema": with_required_reason(FAVORITED_SCHEMA),
            },
            {
                "namespace": "platformxe",
                "name": "batch.sdk",
                "version": "1.0.0",
                "payload_schema": FAVORITED_SCHEMA,
            },
        ]
        results = custom.dry_run_batch(snake)
        assert len(results) == len(snake)
        for spec, result in zip(snake, results, strict=True):
            try:
                alone: Any = custom.dry_run(spec)
            except ApiError as exc:
                assert (
                    isinstance(result, type(exc))
                    and result.code == exc.code
                    and result.message == exc.message
                )
            else:
                assert not isinstance(result, Exception) and result.to_dict() == alone.to_dict()
