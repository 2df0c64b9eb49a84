"""Regressions found by the registry audit: each test fails on the code before its fix."""

from __future__ import annotations

import httpx

from support.registry_data import FAVORITED_PAYLOAD, error_of, register


def test_latest_is_the_highest_published_version(org, api: httpx.Client) -> None:
    ns = org["slug"]
    for version in ("1.0.0", "1.0.1", "1.1.0", "2.0.0"):
        register(api, ns, version=version)
    register(api, ns, version="2.1.0", status="draft")
    latest = api.get(f"/registrations/{ns}/property.favorited/versions/latest")
    assert latest.status_code == 200, latest.text
    assert latest.json()["version"] == "2.0.0"
    # Emits without a pinned version go to the same version.
    emitted = api.post("/emit", json={"name": f"{ns}.property.favorited", "payload": FAVORITED_PAYLOAD})
    assert emitted.status_code == 202, emitted.text
    assert emitted.json()["version"] == "2.0.0"
    # The next legal major after the highest existing version (the draft 2.1.0) is 3.0.0.
    assert register(api, ns, version="3.0.0", status="draft")["version"] == "3.0.0"
    assert error_of(api.post("/registrations", json={}))["code"] == "invalid_request"
