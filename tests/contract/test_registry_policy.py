"""Compatibility policy per event: stored, settable, used by dry-run and registration, logged."""

from __future__ import annotations

from typing import Any

from support.registry_data import FAVORITED_SCHEMA, error_of, register

#: The quickstart schema left open (no additionalProperties), as many tenants write it.
OPEN: dict[str, Any] = {k: v for k, v in FAVORITED_SCHEMA.items() if k != "additionalProperties"}
#: 1.1.0: an optional typed property added to the open object.
OPEN_WITH_NOTE: dict[str, Any] = {**OPEN, "properties": {**OPEN["properties"], "note": {"type": "string"}}}


def _dry_run(api: Any, ns: str, **extra: Any) -> dict[str, Any]:
    body = {
        "namespace": ns,
        "name": "property.favorited",
        "version": "1.1.0",
        "payloadSchema": OPEN_WITH_NOTE,
    }
    response = api.post("/dry-run", json={**body, **extra})
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_the_policy_decides_whether_an_optional_property_on_an_open_object_is_minor(org, api) -> None:
    ns = org["slug"]
    register(api, ns, payloadSchema=OPEN)
    path = f"/registrations/{ns}/property.favorited/policy"
    fresh = api.get(path)
    assert fresh.status_code == 200, fresh.text
    assert fresh.json() == {
        "namespace": ns,
        "name": "property.favorited",
        "compatibilityPolicy": "strict",
        "updatedAt": None,
    }
    strict = _dry_run(api, ns)
    assert strict["compatibilityPolicy"] == "strict" and not strict["valid"]
    assert [e["code"] for e in strict["errors"]] == ["minor_must_be_backwards_compatible"]
    assert "strict compatibility policy" in strict["errors"][0]["message"]
    # a dry-run may ask for another policy without storing it
    asked = _dry_run(api, ns, compatibilityPolicy="lenient")
    assert asked["compatibilityPolicy"] == "lenient" and asked["valid"], asked["errors"]
    assert api.get(path).json()["compatibilityPolicy"] == "strict"

    changed = api.put(path, json={"compatibilityPolicy": "lenient"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["compatibilityPolicy"] == "lenient" and changed.json()["updatedAt"]
    assert _dry_run(api, ns)["compatibilityPolicy"] == "lenient"
    register(api, ns, version="1.1.0", payloadSchema=OPEN_WITH_NOTE)

    log = api.get("/lifecycle-events", params={"limit": 500}).json()["items"]
    changes = [e for e in log if e["data"].get("reason") == "compatibility_policy_changed"]
    assert len(changes) == 1
    assert changes[0]["type"] == "CUSTOM_EVENT_INVALIDATED"
    assert (changes[0]["data"]["previousPolicy"], changes[0]["data"]["compatibilityPolicy"]) == (
        "strict",
        "lenient",
    )
    # setting the same policy again changes nothing and logs nothing
    assert api.put(path, json={"compatibilityPolicy": "lenient"}).status_code == 200
    log_again = api.get("/lifecycle-events", params={"limit": 500}).json()["items"]
    assert len([e for e in log_again if e["data"].get("reason") == "compatibility_policy_changed"]) == 1


def test_a_registration_may_carry_the_policy(org, api) -> None:
    ns = org["slug"]
    register(api, ns, payloadSchema=OPEN)
    register(api, ns, version="1.1.0", payloadSchema=OPEN_WITH_NOTE, compatibilityPolicy="lenient")
    assert (
        api.get(f"/registrations/{ns}/property.favorited/policy").json()["compatibilityPolicy"] == "lenient"
    )


def test_bad_policies_and_other_tenants_are_refused(org, api, registry_server) -> None:
    ns = org["slug"]
    path = f"/registrations/{ns}/property.favorited/policy"
    missing = api.get(path)
    assert missing.status_code == 404 and error_of(missing)["code"] == "event_not_registered"
    register(api, ns, payloadSchema=OPEN)
    bad = api.put(path, json={"compatibilityPolicy": "loose"})
    assert bad.status_code == 400
    error = error_of(bad)
    assert error["code"] == "invalid_request" and error["details"]["field"] == "compatibilityPolicy"
    assert '"strict"' in error["message"] and '"lenient"' in error["message"]
    unknown = api.put(path, json={"policy": "lenient"})
    assert unknown.status_code == 400 and error_of(unknown)["code"] == "invalid_request"
    bad_dry_run = api.post(
        "/dry-run",
        json={"namespace": ns, "name": "property.favorited", "version": "1.1.0", "payloadSchema": OPEN,
              "compatibilityPolicy": 3},
    )  # fmt: skip
    assert (
        bad_dry_run.status_code == 400 and error_of(bad_dry_run)["details"]["field"] == "compatibilityPolicy"
    )
    other = registry_server.new_org("pro", "pro")
    with registry_server.client(other["apiKey"]) as theirs:
        hidden = theirs.get(path)
        assert hidden.status_code == 404 and error_of(hidden)["code"] == "event_not_registered"
        assert theirs.put(path, json={"compatibilityPolicy": "lenient"}).status_code == 404
    assert api.get(path).json()["compatibilityPolicy"] == "strict"
