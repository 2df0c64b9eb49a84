"""Small builders for registry requests used across the contract tests."""

from __future__ import annotations

import time
from typing import Any

import httpx

#: The reference example schema (lettings.property.favorited 1.0.0).
FAVORITED_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "propertyId": {"type": "string", "maxLength": 64},
        "subjectId": {"type": "string", "maxLength": 64},
        "favoritedAt": {"type": "string", "format": "date-time"},
    },
    "required": ["propertyId", "subjectId"],
    "additionalProperties": False,
}

FAVORITED_PAYLOAD: dict[str, Any] = {
    "propertyId": "p_123",
    "subjectId": "sub_456",
    "favoritedAt": "2026-05-04T10:00:00Z",
}


def with_optional_note(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` plus an optional string property ``note`` (a backwards-compatible change)."""
    return {**schema, "properties": {**schema["properties"], "note": {"type": "string"}}}


def with_required_reason(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` plus a new *required* property ``reason`` (clearly breaking)."""
    return {
        **schema,
        "properties": {**schema["properties"], "reason": {"type": "string"}},
        "required": [*schema["required"], "reason"],
    }


def registration_body(
    namespace: str, name: str = "property.favorited", version: str = "1.0.0", **extra: Any
) -> dict[str, Any]:
    """A registration request body (defaults to the quickstart example)."""
    body: dict[str, Any] = {
        "namespace": namespace,
        "name": name,
        "version": version,
        "payloadSchema": FAVORITED_SCHEMA,
    }
    body.update(extra)
    return body


def register(
    client: httpx.Client,
    namespace: str,
    name: str = "property.favorited",
    version: str = "1.0.0",
    **extra: Any,
) -> dict[str, Any]:
    """Register and assert 201; returns the registration."""
    response = client.post("/registrations", json=registration_body(namespace, name, version, **extra))
    assert response.status_code == 201, response.text
    return dict(response.json())


def error_of(response: httpx.Response) -> dict[str, Any]:
    """The ``error`` object of an error response (asserting the shape every error shares)."""
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "details"}, error
    assert isinstance(error["message"], str) and error["message"], error
    return dict(error)


def all_codes(response: httpx.Response) -> list[str]:
    """Every problem code listed in ``details.errors`` of an error response."""
    return [p["code"] for p in error_of(response)["details"].get("errors", [])]


def with_description(schema: dict[str, Any], text: str) -> dict[str, Any]:
    """``schema`` with another top-level ``description`` (a patch-level change)."""
    return {**schema, "description": text}


def settle(client: httpx.Client, response: httpx.Response, timeout: float = 30.0) -> None:
    """Wait until the bus has settled an accepted emit (its relay/delivery lifecycle rows written).

    The bus works after the 202, so a test that snapshots the lifecycle log right after an emit
    would race it; a refused emit (no eventId) has nothing to settle.
    """
    if response.status_code != 202:
        return
    path = f"/emits/{response.json()['eventId']}"
    deadline = time.monotonic() + timeout
    while client.get(path).json().get("deliveryStatus") not in ("DELIVERED", "FAILED"):
        assert time.monotonic() < deadline, f"the bus never settled {path}"
        time.sleep(0.05)
