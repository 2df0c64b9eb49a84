"""The SDK surface: configuration, argument spellings, result objects, paging, import cost."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import httpx
import pytest

import platformxe
from platformxe.client import ApiObject, Client, ConfigurationError, Page


class Recorder:
    """Records every request and answers with a fixed body (or one computed from the request)."""

    def __init__(self, answer: Any = None, status: int = 200) -> None:
        self.answer = answer if answer is not None else {}
        self.status = status
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        body = self.answer(request) if callable(self.answer) else self.answer
        return httpx.Response(self.status, json=body)

    @property
    def last_json(self) -> Any:
        return json.loads(self.requests[-1].content)


def client_for(recorder: Recorder, **kwargs: Any) -> Client:
    return Client("http://registry.test", "pxe_topsecret", transport=httpx.MockTransport(recorder), **kwargs)


SCHEMA = {"type": "object", "properties": {"propertyId": {"type": "string"}}}


# --- configuration --------------------------------------------------------------------------------


def test_endpoint_and_key_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLATFORMXE_ENDPOINT", "http://env.test:8780/")
    monkeypatch.setenv("PLATFORMXE_API_KEY", "pxe_env")
    recorder = Recorder({"plan": "FREE"})
    client = Client(transport=httpx.MockTransport(recorder))
    assert client.endpoint == "http://env.test:8780"
    client.events.custom.health()
    assert str(recorder.requests[0].url) == "http://env.test:8780/v1/events/custom/health"
    assert recorder.requests[0].headers["Authorization"] == "Bearer pxe_env"


@pytest.mark.parametrize(
    ("env", "value", "kwargs"),
    [("PLATFORMXE_ENDPOINT", None, {"api_key": "k"}), ("PLATFORMXE_API_KEY", None, {"endpoint": "http://x"})],
)
def test_a_missing_endpoint_or_key_names_the_environment_variable(
    monkeypatch: pytest.MonkeyPatch, env: str, value: None, kwargs: dict[str, str]
) -> None:
    monkeypatch.delenv("PLATFORMXE_ENDPOINT", raising=False)
    monkeypatch.delenv("PLATFORMXE_API_KEY", raising=False)
    with pytest.raises(ConfigurationError, match=env):
        Client(**kwargs)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("http://127.0.0.1:8780", "http://127.0.0.1:8780"),
        ("http://127.0.0.1:8780/", "http://127.0.0.1:8780"),
        ("http://127.0.0.1:8780/v1", "http://127.0.0.1:8780"),
        ("http://127.0.0.1:8780/v1/", "http://127.0.0.1:8780"),
        ("https://api.example.com/platformxe/v1/events/custom", "https://api.example.com/platformxe"),
        (" https://api.example.com ", "https://api.example.com"),
    ],
)
def test_endpoint_normalisation(given: str, expected: str) -> None:
    assert Client(given, "k").endpoint == expected


def test_an_endpoint_with_a_path_prefix_keeps_it_on_the_wire() -> None:
    recorder = Recorder({"plan": "PRO"})
    client = Client("https://gw.test/platformxe/v1", "k", transport=httpx.MockTransport(recorder))
    client.events.custom.health()
    assert str(recorder.requests[0].url) == "https://gw.test/platformxe/v1/events/custom/health"


@pytest.mark.parametrize("bad", ["127.0.0.1:8780", "ftp://host", "http://", "http://h/?x=1"])
def test_a_malformed_endpoint_is_a_configuration_error(bad: str) -> None:
    with pytest.raises(ConfigurationError, match="endpoint"):
        Client(bad, "k")


def test_bad_numbers_are_configuration_errors() -> None:
    with pytest.raises(ConfigurationError, match="timeout"):
        Client("http://h", "k", timeout=0)
    with pytest.raises(ConfigurationError, match="max_retries"):
        Client("http://h", "k", max_retries=-1)


def test_the_api_key_never_shows_in_repr_or_vars() -> None:
    client = Client("http://h:1", "pxe_topsecret", organization_id="org_1")
    shown = repr(client) + repr(vars(client)) + repr(client.events) + repr(vars(client._core))
    assert "pxe_topsecret" not in shown
    assert repr(client) == "platformxe.Client(endpoint='http://h:1', organization_id='org_1')"


def test_platformxe_client_is_the_lazy_top_level_export() -> None:
    assert platformxe.Client is Client


def test_importing_the_sdk_does_not_import_httpx_or_the_rules_engine() -> None:
    code = (
        "import sys, platformxe.client; c = platformxe.Client('http://h', 'k'); "
        "print(sorted(m for m in ('httpx', 'platformxe.rules', 'jsonschema') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "[]"


def test_organization_id_is_checked_against_the_key_before_the_first_call() -> None:
    def answer(request: httpx.Request) -> dict[str, Any]:
        if request.url.path.endswith("/platformxe/generic/versions/latest"):
            return {"organizationId": "org_real", "namespace": "platformxe", "name": "generic"}
        return {"plan": "BASIC"}

    recorder = Recorder(answer)
    with pytest.raises(ConfigurationError, match=r"org_wrong.*org_real"):
        client_for(recorder, organization_id="org_wrong").events.custom.health()
    good = client_for(recorder, organization_id="org_real")
    assert good.events.custom.health().plan == "BASIC"
    good.events.custom.health()
    assert sum(r.url.path.endswith("/latest") for r in recorder.requests) == 2  # once per client


def test_a_closed_client_refuses_to_send() -> None:
    client = client_for(Recorder())
    client.close()
    with pytest.raises(ConfigurationError, match="closed"):
        client.events.custom.health()


# --- argument spellings ---------------------------------------------------------------------------


def test_register_accepts_snake_case_keywords() -> None:
    recorder = Recorder({"canonicalName": "TENANT_CUSTOM:org_x:acme.a@1.0.0"}, status=201)
    result = client_for(recorder).events.custom.register(
        namespace="acme",
        name="a",
        version="1.0.0",
        payload_schema=SCHEMA,
        payload_example={"propertyId": "p"},
    )
    assert recorder.last_json == {
        "namespace": "acme",
        "name": "a",
        "version": "1.0.0",
        "payloadSchema": SCHEMA,
        "payloadExample": {"propertyId": "p"},
    }
    assert recorder.requests[0].method == "POST"
    assert recorder.requests[0].url.path == "/v1/events/custom/registrations"
    assert result.canonical_name == result.canonicalName == result["canonicalName"]


def test_register_accepts_camel_case_keywords_and_one_dict_like_the_typescript_sdk() -> None:
    recorder = Recorder(status=201)
    custom = client_for(recorder).events.custom
    custom.register(namespace="acme", name="a", version="1.0.0", payloadSchema=SCHEMA, status="draft")
    first = recorder.last_json
    custom.register(
        {"namespace": "acme", "name": "a", "version": "1.0.0", "payloadSchema": SCHEMA, "status": "draft"}
    )
    assert (
        recorder.last_json
        == first
        == {
            "namespace": "acme",
            "name": "a",
            "version": "1.0.0",
            "payloadSchema": SCHEMA,
            "status": "draft",
        }
    )


def test_giving_one_field_in_two_spellings_is_a_type_error_naming_it() -> None:
    custom = client_for(Recorder()).events.custom
    with pytest.raises(TypeError, match="payloadSchema"):
        custom.register(namespace="a", name="b", version="1.0.0", payload_schema={}, payloadSchema={})
    with pytest.raises(TypeError, match="idempotencyKey"):
        custom.emit(name="a.b", payload={}, idempotency_key="1", idempotencyKey="2")
    with pytest.raises(TypeError, match="'name'"):
        custom.emit({"name": "a.b", "payload": {}}, name="a.c")


def test_unknown_and_missing_arguments_are_type_errors() -> None:
    custom = client_for(Recorder()).events.custom
    with pytest.raises(TypeError, match="payloadShema"):
        custom.register(namespace="a", name="b", version="1.0.0", payloadShema={})
    with pytest.raises(TypeError, match="missing required argument 'payload_schema'"):
        custom.register(namespace="a", name="b", version="1.0.0")
    with pytest.raises(TypeError, match="missing required argument 'payload'"):
        custom.emit("a.b")
    with pytest.raises(TypeError, match="status= and/or description="):
        custom.update("a", "b", "1.0.0")
    with pytest.raises(TypeError, match="dict of fields"):
        custom.register(["namespace"])  # type: ignore[arg-type]


def test_emit_the_seed_python_snippet_verbatim() -> None:
    recorder = Recorder(
        {
            "eventId": "evt_1",
            "canonicalName": "TENANT_CUSTOM:org_x:platformxe.generic@1.0.0",
            "status": "queued",
        }
    )
    client = client_for(recorder)
    client.events.custom.emit(
        name="platformxe.generic",
        payload={
            "kind": "user.signed_up",
            "summary": "New user joined",
            "data": {"userId": "usr_123", "plan": "free"},
        },
    )
    assert recorder.last_json["name"] == "platformxe.generic"
    assert recorder.last_json["payload"]["data"] == {"userId": "usr_123", "plan": "free"}
    assert recorder.requests[0].url.path == "/v1/events/custom/emit"


def test_emit_positional_dict_and_explicit_null_payload() -> None:
    recorder = Recorder(status=202)
    custom = client_for(recorder).events.custom
    custom.emit({"name": "acme.a", "payload": {"x": 1}, "version": "1.0.0", "idempotencyKey": "k"})
    assert recorder.last_json == {
        "name": "acme.a",
        "payload": {"x": 1},
        "version": "1.0.0",
        "idempotencyKey": "k",
    }
    custom.emit("acme.a", None)
    assert recorder.last_json == {"name": "acme.a", "payload": None}


def test_a_payload_that_is_not_json_is_a_type_error_before_sending() -> None:
    recorder = Recorder()
    with pytest.raises(TypeError, match="not valid JSON"):
        client_for(recorder).events.custom.emit("acme.a", {"when": object()})
    assert recorder.requests == []


def test_get_update_archive_build_quoted_paths_and_bodies() -> None:
    recorder = Recorder({"status": "archived"})
    custom = client_for(recorder).events.custom
    custom.get("acme", "property.favorited")
    custom.get({"namespace": "acme", "name": "a", "version": "1.2.3"})
    custom.update("acme", "a", "1.0.0", description="new words")
    custom.archive("acme", "a", "1.0.0")
    custom.get("acme", "a/../../x", "1.0.0")
    seen = [(r.method, r.url.raw_path.decode()) for r in recorder.requests]
    base = "/v1/events/custom/registrations"
    assert seen == [
        ("GET", f"{base}/acme/property.favorited/versions/latest"),
        ("GET", f"{base}/acme/a/versions/1.2.3"),
        ("PATCH", f"{base}/acme/a/versions/1.0.0"),
        ("DELETE", f"{base}/acme/a/versions/1.0.0"),
        ("GET", f"{base}/acme/a%2F..%2F..%2Fx/versions/1.0.0"),
    ]
    assert json.loads(recorder.requests[2].content) == {"description": "new words"}


def test_dry_run_and_its_typescript_alias_return_the_verdict() -> None:
    verdict_body = {"valid": True, "semverBump": "initial", "schemaHash": "0" * 64, "errors": []}
    recorder = Recorder(verdict_body)
    custom = client_for(recorder).events.custom
    verdict = custom.dry_run(namespace="acme", name="a", version="1.0.0", payload_schema=SCHEMA)
    assert verdict.valid is True and verdict.semver_bump == "initial" and verdict.semverBump == "initial"
    assert (
        custom.dryRun({"namespace": "acme", "name": "a", "version": "1.0.0", "payloadSchema": SCHEMA})
        == verdict_body
    )
    assert recorder.requests[0].url.path == "/v1/events/custom/dry-run"


# --- result objects and paging -----------------------------------------------------------------------


def test_api_object_reads_both_spellings_nested_objects_and_lists() -> None:
    h = ApiObject(
        {
            "plan": "BASIC",
            "registrations": {"used": 4, "limit": 5},
            "emits": {"thisMonth": 9812, "monthlyLimit": 10000},
            "recentFailures": [{"deliveryStatus": "FAILED", "eventId": None}],
        }
    )
    assert h.registrations.used == 4
    assert h.emits.this_month == 9812 and h.emits.monthlyLimit == 10000
    assert h.recent_failures[0].delivery_status == "FAILED"
    assert h["emits"]["thisMonth"] == 9812 and h["recent_failures"][0]["eventId"] is None
    assert "monthly_limit" in h.emits and "nope" not in h
    assert h.get("missing", 7) == 7
    assert h.to_dict()["registrations"] == {"used": 4, "limit": 5}
    copy = h.to_dict()
    copy["plan"] = "PRO"
    assert h.plan == "BASIC"
    assert "this_month" in dir(h.emits)
    with pytest.raises(AttributeError, match=r"no field 'plann'.*plan"):
        _ = h.plann
    with pytest.raises(AttributeError, match="read-only"):
        h.plan = "PRO"


def test_list_returns_a_page_and_iter_all_follows_the_cursor() -> None:
    pages = {
        None: {"items": [{"version": "1.0.0"}, {"version": "1.1.0"}], "nextCursor": "c1"},
        "c1": {"items": [{"version": "2.0.0"}], "nextCursor": "c2"},
        "c2": {"items": [], "nextCursor": None},
    }
    recorder = Recorder(lambda r: pages[r.url.params.get("cursor")])
    custom = client_for(recorder).events.custom
    page = custom.list(namespace="acme", limit=2)
    assert isinstance(page, Page) and len(page) == 2 and page.next_cursor == "c1"
    assert [r.version for r in page] == ["1.0.0", "1.1.0"]
    assert dict(recorder.requests[0].url.params) == {"namespace": "acme", "limit": "2"}
    versions = [r.version for r in custom.iter_all(namespace="acme", page_size=2)]
    assert versions == ["1.0.0", "1.1.0", "2.0.0"]
    assert [r.url.params.get("cursor") for r in recorder.requests[1:]] == [None, "c1", "c2"]
    assert custom.list_all == custom.iter_all


def test_lifecycle_events_pages_and_iterator() -> None:
    pages = {
        None: {"items": [{"id": "1", "type": "CUSTOM_EVENT_GENERIC_SEEDED"}], "nextCursor": "a"},
        "a": {"items": [{"id": "2", "type": "CUSTOM_EVENT_REQUESTED"}], "nextCursor": None},
    }
    recorder = Recorder(lambda r: pages[r.url.params.get("cursor")])
    custom = client_for(recorder).events.custom
    assert custom.lifecycle_events(limit=1).items[0].type == "CUSTOM_EVENT_GENERIC_SEEDED"
    assert [e.id for e in custom.iter_lifecycle_events(page_size=1)] == ["1", "2"]
    assert recorder.requests[0].url.path == "/v1/events/custom/lifecycle-events"


def test_request_is_the_plain_low_level_call() -> None:
    recorder = Recorder({"items": [], "nextCursor": None})
    client = client_for(recorder)
    body = client.request(
        "GET", "/v1/events/custom/registrations", params={"status": "draft", "cursor": None}
    )
    assert body == {"items": [], "nextCursor": None} and type(body) is dict
    assert dict(recorder.requests[0].url.params) == {"status": "draft"}
    assert recorder.requests[0].headers["User-Agent"].startswith("platformxe-python/")
