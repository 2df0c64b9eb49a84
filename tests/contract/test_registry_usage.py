"""GET …/versions/{version}/usage: how much one version is emitted, read before archiving it."""

from __future__ import annotations

from support.registry_data import FAVORITED_PAYLOAD, error_of, register


def test_usage_counts_the_emits_of_that_version_in_the_last_seven_days(org, api) -> None:
    ns = org["slug"]
    register(api, ns)
    path = f"/registrations/{ns}/property.favorited/versions/1.0.0/usage"
    fresh = api.get(path)
    assert fresh.status_code == 200, fresh.text
    body = fresh.json()
    assert (body["version"], body["status"], body["recentEmits7d"], body["lastEmittedAt"]) == (
        "1.0.0",
        "published",
        0,
        None,
    )
    assert body["canonicalName"] == f"TENANT_CUSTOM:{org['organizationId']}:{ns}.property.favorited@1.0.0"
    for _ in range(3):
        sent = api.post("/emit", json={"name": f"{ns}.property.favorited", "payload": FAVORITED_PAYLOAD})
        assert sent.status_code == 202, sent.text
    used = api.get(path).json()
    assert used["recentEmits7d"] == 3
    register(api, ns, version="1.0.1")
    newer = api.get(f"/registrations/{ns}/property.favorited/versions/1.0.1/usage").json()
    assert newer["recentEmits7d"] == 0  # counted per version
    assert used["lastEmittedAt"] is not None and used["lastEmittedAt"] >= used["since"]
    # Reading usage is read-only: it changes neither the version nor the month's emit count.
    assert api.get("/health").json()["emits"]["thisMonth"] == 3
    assert api.get(f"/registrations/{ns}/property.favorited/versions/1.0.0").json()["status"] == "published"


def test_usage_of_a_missing_version_or_of_another_org_is_a_404(org, api, registry_server) -> None:
    ns = org["slug"]
    register(api, ns)
    other = registry_server.new_org("pro", "pro")
    with registry_server.client(other["apiKey"]) as theirs:
        # Another organisation cannot read this one's version (404, never data).
        hidden = theirs.get(f"/registrations/{ns}/property.favorited/versions/1.0.0/usage")
        assert hidden.status_code == 404 and error_of(hidden)["code"] == "event_not_registered"
    missing = api.get(f"/registrations/{ns}/property.favorited/versions/9.9.9/usage")
    assert missing.status_code == 404 and error_of(missing)["code"] == "event_not_registered"
    bad = api.get(f"/registrations/{ns}/property.favorited/versions/v1/usage")
    assert bad.status_code == 400 and error_of(bad)["code"] == "invalid_version_format"
