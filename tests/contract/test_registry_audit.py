"""Regressions found by the registry audit: each test fails on the code before its fix."""

from __future__ import annotations

import httpx

from support.registry_data import FAVORITED_PAYLOAD, error_of, register, registration_body


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


def _unknown_field(response: httpx.Response, field: str) -> dict:
    assert response.status_code == 400, response.text
    error = error_of(response)
    assert error["code"] == "invalid_request", error
    assert error["details"]["field"] == field, error
    assert field in error["message"], error
    return error


def test_unknown_body_fields_are_refused(registry_server, org, api: httpx.Client) -> None:
    ns = org["slug"]
    # A misspelt status must not silently publish.
    body = registration_body(ns, stauts="draft")
    error = _unknown_field(api.post("/registrations", json=body), "stauts")
    assert "status" in error["details"]["accepted"]
    _unknown_field(api.post("/dry-run", json=body), "stauts")
    assert api.get(f"/registrations/{ns}/property.favorited/versions/1.0.0").status_code == 404
    register(api, ns)
    # A snake_case idempotency key must not create two events.
    emit = {"name": f"{ns}.property.favorited", "payload": FAVORITED_PAYLOAD, "idempotency_key": "k1"}
    error = _unknown_field(api.post("/emit", json=emit), "idempotency_key")
    assert "idempotencyKey" in error["message"]
    assert api.get("/health").json()["emits"]["thisMonth"] == 0
    # Schemas are immutable per version: PATCH says so instead of answering 200.
    path = f"/registrations/{ns}/property.favorited/versions/1.0.0"
    error = _unknown_field(api.patch(path, json={"payloadSchema": {}}), "payloadSchema")
    assert "immutable" in error["message"] and error["details"]["accepted"] == ["status", "description"]
    # The accepted lists are exactly the OpenAPI document's (closed) request bodies.
    schemas = httpx.get(registry_server.url + "/v1/openapi.json").json()["components"]["schemas"]
    bodies = {s: v for s, v in schemas.items() if v.get("additionalProperties") is False}
    accepted = set(error["details"]["accepted"])
    assert any(set(v["properties"]) == accepted for v in bodies.values())


def _nested(opening: str, closing: str, levels: int, inner: str = "{}") -> str:
    return opening * levels + inner + closing * levels


def _post_raw(api: httpx.Client, path: str, text: str) -> httpx.Response:
    return api.post(path, content=text.encode(), headers={"Content-Type": "application/json"})


def test_deeply_nested_json_is_a_clear_400(org, api: httpx.Client) -> None:
    ns = org["slug"]
    register(api, ns)
    emit_name = f"{ns}.property.favorited"
    for levels in (200, 990, 3000, 50_000):
        deep = _nested("[", "]", levels, "1")
        error = error_of(_post_raw(api, "/emit", f'{{"name": "{emit_name}", "payload": {deep}}}'))
        assert (error["code"], error["details"]["field"]) == ("invalid_request", "payload"), error
        schema = _nested('{"not": ', "}", levels)
        text = f'{{"namespace": "{ns}", "name": "x.y", "version": "1.0.0", "payloadSchema": {schema}}}'
        response = _post_raw(api, "/dry-run", text)
        assert response.status_code == 400, response.text
        error = error_of(response)
        assert (error["code"], error["details"]["field"]) == ("invalid_json_schema", "payloadSchema")
        # The same schema sent as JSON text, and a deep example.
        as_text = {"namespace": ns, "name": "x.y", "version": "1.0.0", "payloadSchema": schema}
        response = api.post("/registrations", json=as_text)
        assert response.status_code == 400 and error_of(response)["details"]["field"] == "payloadSchema"
        example = f'{{"namespace": "{ns}", "name": "x.y", "version": "1.0.0", "payloadSchema": {{}}, '
        response = _post_raw(api, "/dry-run", example + f'"payloadExample": {deep}}}')
        assert error_of(response)["details"]["field"] == "payloadExample", response.text
    # Below the JSON cap, a deep schema is judged by the rules (depth <= 5), not a crash.
    shallow = _nested('{"not": ', "}", 120)
    text = f'{{"namespace": "{ns}", "name": "x.y", "version": "1.0.0", "payloadSchema": {shallow}}}'
    verdict = _post_raw(api, "/dry-run", text)
    assert verdict.status_code == 200, verdict.text
    assert "schema_too_deep" in [e["code"] for e in verdict.json()["errors"]]


def test_non_finite_numbers_are_refused_with_their_pointer(org, api: httpx.Client) -> None:
    ns = org["slug"]
    register(api, ns, payloadSchema={})
    response = _post_raw(
        api, "/emit", f'{{"name": "{ns}.property.favorited", "payload": {{"a": [1, 1e400]}}}}'
    )
    error = error_of(response)
    assert response.status_code == 400 and error["code"] == "invalid_request", error
    assert (error["details"]["field"], error["details"]["pointer"]) == ("payload", "/a/1")
    assert api.get("/health").json()["emits"]["thisMonth"] == 0
    example = {
        "namespace": ns,
        "name": "x.y",
        "version": "1.0.0",
        "payloadSchema": {},
        "payloadExample": "-1e999",
    }
    error = error_of(api.post("/registrations", json=example))
    assert error["details"]["field"] == "payloadExample", error
    # Large but finite numbers are fine.
    ok = _post_raw(api, "/emit", f'{{"name": "{ns}.property.favorited", "payload": {{"a": 1e300}}}}')
    assert ok.status_code == 202, ok.text


def test_version_numbers_beyond_the_bound_agree_between_dry_run_and_register(org, api: httpx.Client) -> None:
    ns = org["slug"]
    for version in ("99999999999999999999.0.0", "9999999999.0.0", "2147483648.0.0"):
        body = registration_body(ns, name="big.version", version=version)
        verdict = api.post("/dry-run", json=body)
        assert verdict.status_code == 200, verdict.text
        assert [e["code"] for e in verdict.json()["errors"]] == ["invalid_version_format"]
        assert "2147483647" in verdict.json()["errors"][0]["message"]
        error = error_of(api.post("/registrations", json=body))
        assert error["code"] == "invalid_version_format" and "2147483647" in error["message"], error
        got = api.get(f"/registrations/{ns}/big.version/versions/{version}")
        assert got.status_code == 400 and error_of(got)["code"] == "invalid_version_format"
        emitted = api.post("/emit", json={"name": f"{ns}.big.version", "payload": {}, "version": version})
        assert emitted.status_code in (400, 404) and emitted.status_code != 500, emitted.text
    top = register(api, ns, name="big.version", version="2147483647.0.0")
    assert top["version"] == "2147483647.0.0"
    listed = api.get("/registrations", params={"namespace": ns, "name": "big.version"})
    assert [r["version"] for r in listed.json()["items"]] == ["2147483647.0.0"]


def test_bad_cursors_are_400(api: httpx.Client) -> None:
    import base64
    import json

    def cursor(position: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")

    for bad in (
        cursor(["a", "b", 10**30, 0, 0]),
        cursor(["a", "b", 2**31, 0, 0]),
        cursor(["a\x00", "b", 1, 0, 0]),
        cursor([[[[]]]]),
        "%%%",
        cursor("[" * 5000),
    ):
        response = api.get("/registrations", params={"cursor": bad})
        error = error_of(response)
        assert (response.status_code, error["code"], error["details"]["field"]) == (
            400,
            "invalid_request",
            "cursor",
        )
    for bad in ("1" * 30, "-1", "abc"):
        response = api.get("/lifecycle-events", params={"cursor": bad})
        assert response.status_code == 400 and error_of(response)["details"]["field"] == "cursor"


def test_an_empty_cursor_is_the_first_page(api: httpx.Client) -> None:
    # httpx and requests send a None parameter as ``cursor=``: a client that passes back a null
    # nextCursor must get the first page again, as with no cursor at all.
    for path in ("/registrations", "/lifecycle-events", "/subscriptions"):
        first = api.get(path, params={"limit": 2})
        empty = api.get(path, params={"limit": 2, "cursor": ""})
        assert first.status_code == empty.status_code == 200, (path, empty.text)
        assert empty.json() == first.json(), path
    since = api.get("/lifecycle-events", params={"limit": 2, "since": ""})
    assert (
        since.status_code == 200 and since.json() == api.get("/lifecycle-events", params={"limit": 2}).json()
    )


def _send(api: httpx.Client, method: str, path: str, body: object) -> httpx.Response:
    """Send ``body`` as ASCII-only JSON (httpx cannot encode lone surrogates itself)."""
    import json

    return api.request(method, path, content=json.dumps(body), headers={"Content-Type": "application/json"})


def test_nul_and_lone_surrogates_in_text_are_refused_on_every_backend(org, api: httpx.Client) -> None:
    ns = org["slug"]
    register(api, ns)
    emit_name = f"{ns}.property.favorited"
    for bad in ("a\x00b", "\ud800"):
        cases = [
            (
                "description",
                _send(api, "POST", "/registrations", registration_body(ns, "x.y", description=bad)),
            ),
            ("namespace", _send(api, "POST", "/dry-run", registration_body(ns + bad))),
            ("name", _send(api, "POST", "/emit", {"name": emit_name + bad, "payload": {}})),
            (
                "idempotencyKey",
                _send(
                    api,
                    "POST",
                    "/emit",
                    {"name": emit_name, "payload": FAVORITED_PAYLOAD, "idempotencyKey": bad},
                ),
            ),
            (
                "description",
                _send(
                    api,
                    "PATCH",
                    f"/registrations/{ns}/property.favorited/versions/1.0.0",
                    {"description": bad},
                ),
            ),
        ]
        for field, response in cases:
            assert response.status_code == 400, (field, response.text)
            error = error_of(response)
            assert (error["code"], error["details"]["field"]) == ("invalid_request", field), error
    response = api.get("/registrations", params={"namespace": "a\x00"})
    assert error_of(response)["details"]["field"] == "namespace", response.text
    # In a path, NUL fails the parameter's documented pattern: the seed's code for that parameter.
    for path, code, field in (
        (f"/registrations/{ns}/property%00favorited/versions/1.0.0", "invalid_name", "name"),
        (f"/registrations/{ns}%00/a/versions/1", "invalid_namespace", "namespace"),
    ):
        response = api.get(path)
        assert response.status_code == 400, response.text
        assert (error_of(response)["code"], error_of(response)["details"]["field"]) == (code, field)
    # A lone surrogate inside a payload is refused with its pointer ...
    response = _send(
        api, "POST", "/emit", {"name": emit_name, "payload": {**FAVORITED_PAYLOAD, "subjectId": "\udc00"}}
    )
    assert error_of(response)["details"]["pointer"] == "/subjectId", response.text
    # ... but NUL inside payload strings is ordinary JSON text, accepted and stored.
    payload = {**FAVORITED_PAYLOAD, "subjectId": "a\x00b"}
    assert _send(api, "POST", "/emit", {"name": emit_name, "payload": payload}).status_code == 202
    # A refused payload whose message quotes a NUL is recorded in the lifecycle log.
    refused = _send(api, "POST", "/emit", {"name": emit_name, "payload": {**FAVORITED_PAYLOAD, "x\x00": 1}})
    assert refused.status_code == 400 and error_of(refused)["code"] == "payload_invalid", refused.text
    log = api.get("/lifecycle-events", params={"limit": 500})
    assert log.status_code == 200
    assert log.json()["items"][-1]["type"] == "CUSTOM_EVENT_EMIT_REJECTED"
    assert log.json()["items"][-1]["data"]["code"] == "payload_invalid"
    example = registration_body(ns, "x.z", payloadSchema={"type": "object"}, payloadExample={"k": "a\x00"})
    assert _send(api, "POST", "/registrations", example).status_code == 201


def test_lifecycle_events_accept_since_as_the_cursor(registry_server, org, api: httpx.Client) -> None:
    register(api, org["slug"])  # a few more events after the organisation's first
    first = api.get("/lifecycle-events", params={"limit": 1}).json()
    assert first["items"] and first["nextCursor"] is not None
    via_cursor = api.get("/lifecycle-events", params={"cursor": first["nextCursor"]}).json()
    via_since = api.get("/lifecycle-events", params={"since": first["nextCursor"]})
    assert via_since.status_code == 200, via_since.text
    assert via_since.json() == via_cursor
    assert via_since.json()["items"][0]["id"] > first["items"][0]["id"]
    bad = api.get("/lifecycle-events", params={"since": "yesterday"})
    assert bad.status_code == 400 and error_of(bad)["details"]["field"] == "since"
    # Both mean "after this id": the page starts after the later one.
    later = str(first["items"][0]["id"] + 1)
    both = api.get("/lifecycle-events", params={"since": first["nextCursor"], "cursor": later})
    assert both.status_code == 200 and both.json()["items"][0]["id"] > int(later), both.text
    document = httpx.get(registry_server.url + "/v1/openapi.json").json()
    operation = next(p["get"] for path, p in document["paths"].items() if path.endswith("/lifecycle-events"))
    assert {"cursor", "since"} <= {p["name"] for p in operation["parameters"]}
