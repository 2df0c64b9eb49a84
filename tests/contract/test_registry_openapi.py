"""The OpenAPI document at /v1/openapi.json matches the running service.

- every route the app serves is documented, and every documented operation is served;
- every schema in it is a valid JSON Schema 2020-12 document;
- real responses of the server (successes and errors) carry a documented status and validate
  against the documented response schema.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012 as _SPEC

from platformxe.registry.app import api_routes
from support.registry_data import FAVORITED_PAYLOAD, registration_body

DOC_URI = "urn:platformxe:openapi"
METHODS = {"get", "post", "patch", "delete", "put"}


@pytest.fixture(scope="module")
def openapi(registry_server) -> dict[str, Any]:
    response = httpx.get(registry_server.url + "/v1/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


def test_every_route_is_documented_and_every_operation_served(openapi) -> None:
    served = {
        (route.path, method.lower())
        for route in api_routes()
        for method in (route.methods or ())
        if method != "HEAD"  # Starlette adds HEAD to every GET
    }
    documented = {
        (path, method) for path, item in openapi["paths"].items() for method in item if method in METHODS
    }
    assert served == documented


def test_document_schemas_are_valid_2020_12(openapi) -> None:
    assert openapi["openapi"] == "3.1.0"
    for schema in openapi["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            assert operation["responses"], (path, method)
            for response in operation["responses"].values():
                for media in response.get("content", {}).values():
                    Draft202012Validator.check_schema(media["schema"])


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _validate(openapi: dict[str, Any], template: str, method: str, response: httpx.Response) -> None:
    operation = openapi["paths"][template][method]
    status = str(response.status_code)
    assert status in operation["responses"], f"{method.upper()} {template} answered undocumented {status}"
    pointer = "/".join(
        [
            "#",
            "paths",
            _escape(template),
            method,
            "responses",
            status,
            "content",
            _escape("application/json"),
            "schema",
        ]
    )
    registry = Registry().with_resource(DOC_URI, Resource.from_contents(openapi, default_specification=_SPEC))
    validator = Draft202012Validator({"$ref": DOC_URI + pointer}, registry=registry)
    errors = sorted(validator.iter_errors(response.json()), key=lambda e: list(e.path))
    assert not errors, f"{method.upper()} {template} {status}: " + "; ".join(e.message for e in errors[:5])


def test_real_responses_match_the_document(openapi, registry_server, org, api) -> None:
    ns = org["slug"]
    base = "/v1/events/custom"
    version_path = base + "/registrations/{namespace}/{name}/versions/{version}"
    checks: list[tuple[str, str, httpx.Response]] = []

    def check(template: str, method: str, response: httpx.Response) -> None:
        checks.append((template, method, response))

    check("/healthz", "get", httpx.get(registry_server.url + "/healthz"))
    check(base + "/dry-run", "post", api.post("/dry-run", json=registration_body(ns)))
    check(base + "/dry-run", "post", api.post("/dry-run", json=registration_body("auth", version="x")))
    check(base + "/dry-run", "post", api.post("/dry-run", json={"namespace": ns}))
    batch = {"candidates": [registration_body(ns), registration_body("auth", version="x"), {"namespace": ns}]}
    check(base + "/dry-run/batch", "post", api.post("/dry-run/batch", json=batch))
    check(base + "/dry-run/batch", "post", api.post("/dry-run/batch", json={"candidates": []}))
    check(
        base + "/registrations",
        "post",
        api.post("/registrations", json=registration_body(ns, payloadExample=FAVORITED_PAYLOAD)),
    )
    check(base + "/registrations", "post", api.post("/registrations", json=registration_body(ns)))  # exists
    check(base + "/registrations", "post", api.post("/registrations", json=registration_body("x", name="Y")))
    check(base + "/registrations", "get", api.get("/registrations", params={"limit": 1}))
    check(base + "/registrations", "get", api.get("/registrations", params={"limit": 0}))
    one = f"/registrations/{ns}/property.favorited/versions/1.0.0"
    check(version_path, "get", api.get(one))
    check(version_path, "get", api.get(f"/registrations/{ns}/property.favorited/versions/latest"))
    check(version_path, "get", api.get(f"/registrations/{ns}/nothing/versions/1.0.0"))
    check(version_path, "get", api.get(f"/registrations/{ns}/nothing/versions/bad"))
    check(version_path, "patch", api.patch(one, json={"description": "d"}))
    check(version_path, "patch", api.patch(one, json={"status": "draft"}))
    check(
        version_path,
        "patch",
        api.patch("/registrations/platformxe/generic/versions/1.0.0", json={"status": "archived"}),
    )
    check(
        base + "/emit",
        "post",
        api.post("/emit", json={"name": f"{ns}.property.favorited", "payload": FAVORITED_PAYLOAD}),
    )
    check(base + "/emit", "post", api.post("/emit", json={"name": f"{ns}.property.favorited", "payload": {}}))
    check(base + "/emit", "post", api.post("/emit", json={"name": f"{ns}.nope", "payload": {}}))
    check(
        base + "/emit",
        "post",
        api.post("/emit", json={"name": "platformxe.generic", "payload": {"kind": "k" * 270_000}}),
    )
    check(base + "/health", "get", api.get("/health"))
    check(base + "/health", "get", httpx.get(registry_server.url + base + "/health"))
    check(base + "/lifecycle-events", "get", api.get("/lifecycle-events", params={"limit": 2}))
    check(base + "/lifecycle-events", "get", api.get("/lifecycle-events", params={"cursor": "x"}))
    check(version_path, "delete", api.delete(one))
    check(
        base + "/emit",
        "post",
        api.post("/emit", json={"name": f"{ns}.property.favorited", "payload": FAVORITED_PAYLOAD}),
    )
    check(version_path, "delete", api.delete("/registrations/platformxe/generic/versions/1.0.0"))

    statuses = {r.status_code for _, _, r in checks}
    assert {200, 201, 202, 400, 401, 403, 404, 409, 413} <= statuses
    for template, method, response in checks:
        _validate(openapi, template, method, response)


def test_unknown_route_error_matches_the_error_schema(openapi, registry_server) -> None:
    response = httpx.get(registry_server.url + "/v1/nothing")
    registry = Registry().with_resource(DOC_URI, Resource.from_contents(openapi, default_specification=_SPEC))
    validator = Draft202012Validator({"$ref": DOC_URI + "#/components/schemas/Error"}, registry=registry)
    validator.validate(response.json())


def test_a_405_allows_every_method_of_the_resource(openapi, registry_server, org) -> None:
    """``Allow`` lists every method the document gives the path (HEAD comes with GET)."""
    ns = org["slug"]
    examples = {
        "{namespace}": ns,
        "{name}": "property.favorited",
        "{version}": "1.0.0",
    }
    headers = {"Authorization": f"Bearer {org['apiKey']}"}
    for template, item in openapi["paths"].items():
        path = template
        for placeholder, value in examples.items():
            path = path.replace(placeholder, value)
        documented = {m.upper() for m in item if m in METHODS}
        unused = next(m for m in ("PUT", "PATCH", "DELETE", "POST") if m not in documented)
        response = httpx.request(unused, registry_server.url + path, headers=headers)
        assert response.status_code == 405, (unused, template, response.text)
        allowed = {m.strip() for m in response.headers["Allow"].split(",")}
        expected = documented | ({"HEAD"} if "GET" in documented else set())
        assert allowed == expected, (template, response.headers["Allow"])
        assert response.json()["error"]["code"] == "method_not_allowed"


def test_the_api_refuses_what_the_document_refuses(openapi, org, api) -> None:
    """Nullability and closed bodies as published: null schema/status, empty PATCH, bad parameters."""
    ns = org["slug"]
    candidate = openapi["components"]["schemas"]["DryRunRequest"]["properties"]
    assert "null" not in candidate["payloadSchema"]["type"] and "enum" in candidate["status"]
    for body, code, field in (
        (registration_body(ns, payloadSchema=None), "invalid_json_schema", "payloadSchema"),
        (registration_body(ns, payloadSchema=[{"type": "object"}]), "invalid_json_schema", "payloadSchema"),
        (registration_body(ns, status=None), "invalid_request", "status"),
    ):
        for path in ("/dry-run", "/registrations"):
            response = api.post(path, json=body)
            assert response.status_code == 400, (path, response.text)
            error = response.json()["error"]
            assert (error["code"], error["details"]["field"]) == (code, field), error
    one = f"/registrations/{ns}/nothing.here/versions/1.0.0"
    assert api.patch(one, json={}).status_code == 400
    response = api.patch(one, json={"status": None, "description": "d"})
    assert response.status_code == 400 and response.json()["error"]["details"]["field"] == "status"
    # Parameters: each refusal names the parameter and the seed's code where there is one.
    for path, params, code, field in (
        ("/registrations", {"status": ""}, "invalid_request", "status"),
        ("/registrations", {"namespace": "Acme"}, "invalid_namespace", "namespace"),
        ("/registrations", {"cursor": "not-a-position"}, "invalid_request", "cursor"),
        ("/registrations", {"limit": "0"}, "invalid_request", "limit"),
        (f"/registrations/{ns}/x/versions/1.0.0", {}, "invalid_name", "name"),
        (f"/registrations/{ns}/ok.name/versions/1.0.4294967296", {}, "invalid_version_format", "version"),
        ("/lifecycle-events", {"since": "-1"}, "invalid_request", "since"),
    ):
        response = api.get(path, params=params)
        assert response.status_code == 400, (path, params, response.text)
        error = response.json()["error"]
        assert (error["code"], error["details"]["field"]) == (code, field), error
        assert error["details"]["accepted"]


def test_a_registrations_cursor_is_a_position_any_well_formed_one_continues_after(org, api) -> None:
    ns = org["slug"]
    for name in ("cursor.a", "cursor.b", "cursor.c"):
        assert api.post("/registrations", json=registration_body(ns, name=name)).status_code == 201
    first = api.get("/registrations", params={"namespace": ns, "limit": 1}).json()
    assert first["nextCursor"] == f"{ns}/cursor.a/1.0.0"
    # A position that was never an item is still a place to continue from.
    after = api.get("/registrations", params={"namespace": ns, "cursor": f"{ns}/cursor.aa/0.0.0"}).json()
    assert [i["name"] for i in after["items"]] == ["cursor.b", "cursor.c"]
