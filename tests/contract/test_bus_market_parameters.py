"""The bus's, the marketplace's and federation's path and query parameters over HTTP: checked as published.

Every list's empty cursor is its first page (as an absent one); a malformed id is a 400 naming the
parameter and what it accepts (a well-formed unknown id stays 404); bad filters name themselves.
"""

from __future__ import annotations

import pytest

from support.registry_data import error_of

BASE = "/v1/events/custom"


@pytest.mark.parametrize(
    "path",
    [
        "/subscriptions",
        "/marketplace/listings",
        "/registrations",
        "/lifecycle-events",
        "/federation/groups",
        "/federation/invitations",
    ],
)
def test_an_empty_cursor_is_the_first_page(registry_server, path: str) -> None:
    org = registry_server.new_org("pro", "cur")
    with registry_server.client(org["apiKey"]) as client:
        first = client.get(path)
        empty = client.get(path, params={"cursor": ""})
        assert first.status_code == empty.status_code == 200, empty.text
        assert empty.json() == first.json()
        if path == "/lifecycle-events":
            assert client.get(path, params={"since": ""}).json() == first.json()


@pytest.mark.parametrize(
    ("method", "path", "field"),
    [
        ("GET", "/subscriptions/sub_1", "id"),
        ("PATCH", "/subscriptions/SUB_0123456789abcdef01234567", "id"),
        ("DELETE", "/subscriptions/sub_0123456789abcdef0123456", "id"),
        ("POST", "/subscriptions/x/rotate-secret", "id"),
        ("POST", "/subscriptions/x/replay", "id"),
        ("GET", "/emits/evt_1", "eventId"),
        ("POST", "/emits/evt_1/replay", "eventId"),
        ("GET", "/marketplace/listings/lst_1", "id"),
        ("DELETE", "/marketplace/listings/lst_1", "id"),
        ("POST", "/marketplace/listings/lst_1/fork", "id"),
        ("GET", "/federation/groups/fgr_1", "id"),
        ("DELETE", f"/federation/groups/fgr_{'0' * 24}/pushes/fpu_1", "pushId"),
        ("DELETE", f"/federation/groups/fgr_{'0' * 24}/https-peers/x", "peerId"),
        ("POST", "/federation/invitations/fin_1/accept", "id"),
    ],
)
def test_a_malformed_id_is_a_400_naming_the_parameter(
    registry_server, method: str, path: str, field: str
) -> None:
    org = registry_server.new_org("pro", "ids")
    with registry_server.client(org["apiKey"]) as client:
        answer = client.request(
            method, path, json={"since": "2026-01-01T00:00:00Z"} if method != "GET" else None
        )
    assert answer.status_code == 400, answer.text
    error = error_of(answer)
    assert error["code"] == "invalid_request" and error["details"]["field"] == field
    assert error["details"]["in"] == "path" and "hex digits" in error["details"]["accepted"]


@pytest.mark.parametrize(
    "path",
    [
        f"/subscriptions/sub_{'0' * 24}",
        f"/emits/evt_{'0' * 32}",
        f"/marketplace/listings/lst_{'0' * 24}",
    ],
)
def test_a_well_formed_unknown_id_is_404(registry_server, path: str) -> None:
    org = registry_server.new_org("pro", "ids")
    with registry_server.client(org["apiKey"]) as client:
        answer = client.get(path)
    assert answer.status_code == 404 and error_of(answer)["code"] == "not_found"


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"tag": ""}, "tag", "invalid_request"),
        ({"tag": "Not-A-Tag"}, "tag", "invalid_request"),
        ({"namespace": ""}, "namespace", "invalid_namespace"),
        ({"q": "x" * 201}, "q", "invalid_request"),
        ({"limit": "0"}, "limit", "invalid_request"),
        ({"cursor": "not-ours"}, "cursor", "invalid_request"),
    ],
)
def test_browse_filters_are_checked_as_published(registry_server, params, field: str, code: str) -> None:
    org = registry_server.new_org("free", "brw")
    with registry_server.client(org["apiKey"]) as client:
        answer = client.get("/marketplace/listings", params=params)
        assert client.get("/marketplace/listings", params={"q": ""}).status_code == 200
    assert answer.status_code == 400, answer.text
    error = error_of(answer)
    assert (error["code"], error["details"]["field"]) == (code, field) and error["details"]["accepted"]
