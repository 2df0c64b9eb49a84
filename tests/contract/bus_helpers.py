"""Helpers of the bus contract tests: set up a tenant with an event and wait for the bus."""

from __future__ import annotations

import time
from typing import Any

import httpx

from support.registry_data import register

SCHEMA = {"type": "object", "properties": {"n": {"type": "integer"}}, "additionalProperties": True}


def tenant_with_event(
    server: Any, plan: str = "pro", name: str = "order.placed"
) -> tuple[dict[str, str], httpx.Client, str]:
    """(org, client, "<ns>.<name>@1.0.0") with that event registered."""
    org = server.new_org(plan, "bus")
    with server.client(org["apiKey"]) as setup:
        register(setup, org["slug"], name, "1.0.0", payloadSchema=SCHEMA)
    # Not yet opened: the caller uses it in a ``with`` block.
    return org, server.client(org["apiKey"]), f"{org['slug']}.{name}@1.0.0"


def subscribe(client: httpx.Client, url: str, *events: str, **extra: Any) -> dict[str, Any]:
    """Create a webhook subscription and assert 201."""
    response = client.post("/subscriptions", json={"url": url, "events": list(events), **extra})
    assert response.status_code == 201, response.text
    return dict(response.json())


def emit(client: httpx.Client, ref: str, payload: Any, **extra: Any) -> dict[str, Any]:
    """Emit ``payload`` to ``ref`` (``ns.name@version``) and assert 202."""
    name, _, version = ref.partition("@")
    response = client.post("/emit", json={"name": name, "version": version, "payload": payload, **extra})
    assert response.status_code == 202, response.text
    return dict(response.json())


def wait_status(client: httpx.Client, event_id: str, *statuses: str, timeout: float = 30.0) -> dict[str, Any]:
    """Poll ``GET /emits/{id}`` until its deliveryStatus is one of ``statuses``."""
    deadline = time.monotonic() + timeout
    while True:
        body = client.get(f"/emits/{event_id}").json()
        if body.get("deliveryStatus") in statuses:
            return dict(body)
        assert time.monotonic() < deadline, f"{event_id} stayed {body.get('deliveryStatus')}: {body}"
        time.sleep(0.05)


def lifecycle(client: httpx.Client) -> list[dict[str, Any]]:
    """The organisation's whole lifecycle log."""
    items: list[dict[str, Any]] = []
    cursor = ""
    while True:
        page = client.get("/lifecycle-events", params={"limit": 500, "cursor": cursor}).json()
        items += page["items"]
        cursor = page["nextCursor"]
        if not cursor:
            return items
