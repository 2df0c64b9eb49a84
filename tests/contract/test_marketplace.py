"""Marketplace API against a real server (docs/marketplace.md): publish, browse, unpublish, fork,
402 per plan, field validation, lifecycle events and tenant isolation."""

from __future__ import annotations

from contextlib import closing
from typing import Any

import httpx
import pytest
from test_registry_openapi import _validate

from support.registry_data import FAVORITED_SCHEMA, error_of, register

LISTINGS = "/marketplace/listings"


def _publish(client: httpx.Client, namespace: str, **extra: Any) -> dict[str, Any]:
    body = {"namespace": namespace, "name": "property.favorited", "version": "1.0.0", "title": "Favourites"}
    body.update(extra)
    response = client.post(LISTINGS, json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _publisher(server: Any, plan: str = "pro") -> tuple[dict[str, str], httpx.Client]:
    org = server.new_org(plan, "mk")
    client = server.client(org["apiKey"])
    register(client, org["slug"], description="a property was favourited")
    return org, client


def _types(client: httpx.Client) -> list[str]:
    return [e["type"] for e in client.get("/lifecycle-events", params={"limit": 500}).json()["items"]]


def test_publish_browse_and_unpublish(registry_server) -> None:
    org, client = _publisher(registry_server)
    reader = registry_server.new_org("free", "rd")
    with closing(client), registry_server.client(reader["apiKey"]) as other:
        made = _publish(
            client, org["slug"], summary="When a tenant stars a property", tags=["crm", "lettings"]
        )
        assert made["id"].startswith("lst_") and made["organizationId"] == org["organizationId"]
        assert made["payloadSchema"] == FAVORITED_SCHEMA and made["tags"] == ["crm", "lettings"]
        assert made["description"] == "a property was favourited" and made["mine"] is True
        # Browsing is open to every plan (a Free organisation here) and shows no emits.
        page = other.get(LISTINGS, params={"namespace": org["slug"]})
        assert page.status_code == 200, page.text
        [seen] = page.json()["items"]
        assert seen["id"] == made["id"] and seen["mine"] is False and page.json()["nextCursor"] is None
        assert set(seen) == set(made)
        assert [
            i["id"]
            for i in other.get(LISTINGS, params={"q": "STARS A", "namespace": org["slug"]}).json()["items"]
        ] == [made["id"]]
        assert (
            other.get(LISTINGS, params={"q": "nothing-like-it", "namespace": org["slug"]}).json()["items"]
            == []
        )
        assert [
            i["id"]
            for i in other.get(LISTINGS, params={"tag": "crm", "namespace": org["slug"]}).json()["items"]
        ] == [made["id"]]
        assert other.get(LISTINGS, params={"tag": "cr", "namespace": org["slug"]}).json()["items"] == []
        assert other.get(f"{LISTINGS}/{made['id']}").json()["id"] == made["id"]
        # The same version twice: 409 naming the existing listing.
        again = client.post(
            LISTINGS,
            json={"namespace": org["slug"], "name": "property.favorited", "version": "1.0.0", "title": "x"},
        )
        assert again.status_code == 409 and error_of(again)["code"] == "listing_already_exists"
        assert error_of(again)["details"]["existingListing"]["id"] == made["id"]
        # Only the owner unpublishes: another organisation's id is a 404, like an unknown one.
        foreign = other.delete(f"{LISTINGS}/{made['id']}")
        assert foreign.status_code == 404 and error_of(foreign)["code"] == "not_found"
        gone = client.delete(f"{LISTINGS}/{made['id']}")
        assert gone.status_code == 200 and gone.json() == {"id": made["id"], "deleted": True}
        assert other.get(LISTINGS, params={"namespace": org["slug"]}).json()["items"] == []
        assert client.delete(f"{LISTINGS}/{made['id']}").status_code == 404
        types = _types(client)
        assert "CUSTOM_EVENT_LISTING_PUBLISHED" in types and "CUSTOM_EVENT_LISTING_UNPUBLISHED" in types
        assert "CUSTOM_EVENT_LISTING_PUBLISHED" not in _types(other)


def test_browse_pages_and_hides_archived_versions(registry_server) -> None:
    org, client = _publisher(registry_server)
    with closing(client):
        ids = [_publish(client, org["slug"])["id"]]
        for name in ("a.one", "a.two"):
            register(client, org["slug"], name=name)
            ids.append(_publish(client, org["slug"], name=name)["id"])
        seen, cursor = [], None
        while True:
            params: dict[str, Any] = {"namespace": org["slug"], "limit": 2}
            if cursor:
                params["cursor"] = cursor
            page = client.get(LISTINGS, params=params).json()
            seen += [i["id"] for i in page["items"]]
            cursor = page["nextCursor"]
            if cursor is None:
                break
        assert seen == ids
        archived = client.delete(f"/registrations/{org['slug']}/a.one/versions/1.0.0")
        assert archived.status_code == 200, archived.text
        listed = client.get(LISTINGS, params={"namespace": org["slug"]}).json()["items"]
        assert [i["id"] for i in listed] == [ids[0], ids[2]]
        bad = client.get(LISTINGS, params={"cursor": "nope"})
        assert bad.status_code == 400 and error_of(bad)["details"]["field"] == "cursor"


@pytest.mark.parametrize(
    ("extra", "field", "accepted"),
    [
        ({"title": ""}, "title", "1 to 100"),
        ({"title": "x" * 101}, "title", "1 to 100"),
        ({"summary": "s" * 1001}, "summary", "at most 1000"),
        ({"tags": ["Bad Tag"]}, "tags", "^[a-z0-9][a-z0-9-]{0,29}$"),
        ({"tags": [f"t{i}" for i in range(11)]}, "tags", "at most 10"),
        ({"tags": ["a", "a"]}, "tags", "repeat"),
        ({"tags": "crm"}, "tags", "array"),
        ({"colour": "red"}, "colour", "namespace"),
    ],
)
def test_bad_listing_fields_name_the_field_and_what_is_accepted(
    registry_server, extra, field, accepted
) -> None:
    org, client = _publisher(registry_server)
    with closing(client):
        body = {
            "namespace": org["slug"],
            "name": "property.favorited",
            "version": "1.0.0",
            "title": "T",
            **extra,
        }
        response = client.post(LISTINGS, json=body)
        assert response.status_code == 400, response.text
        error = error_of(response)
        assert error["code"] == "invalid_request" and error["details"]["field"] == field
        assert accepted in error["message"]


def test_publish_needs_an_own_published_version(registry_server) -> None:
    org, client = _publisher(registry_server)
    with closing(client):
        missing = client.post(
            LISTINGS, json={"namespace": org["slug"], "name": "nope", "version": "1.0.0", "title": "T"}
        )
        assert missing.status_code == 404 and error_of(missing)["code"] == "event_not_registered"
        register(client, org["slug"], name="drafty", status="draft")
        draft = client.post(
            LISTINGS, json={"namespace": org["slug"], "name": "drafty", "version": "1.0.0", "title": "T"}
        )
        assert draft.status_code == 409 and error_of(draft)["code"] == "event_not_published"
        bad = client.post(LISTINGS, json={"namespace": "Bad", "name": "x", "version": "1.0", "title": "T"})
        assert bad.status_code == 400 and error_of(bad)["code"] == "invalid_namespace"


@pytest.mark.parametrize("plan", ["free", "basic"])
def test_free_and_basic_cannot_publish_or_fork(registry_server, plan) -> None:
    owner, client = _publisher(registry_server)
    low = registry_server.new_org(plan, "lo")
    with closing(client), registry_server.client(low["apiKey"]) as other:
        listing = _publish(client, owner["slug"])
        if plan == "basic":
            register(other, low["slug"])
        refused = other.post(
            LISTINGS,
            json={"namespace": low["slug"], "name": "property.favorited", "version": "1.0.0", "title": "T"},
        )
        assert refused.status_code == 402, refused.text
        error = error_of(refused)
        assert error["code"] == "plan_upgrade_required" and error["details"]["plan"] == plan
        assert plan.title() in error["message"] and "Pro" in error["message"]
        fork = other.post(f"{LISTINGS}/{listing['id']}/fork", json={"namespace": low["slug"]})
        assert fork.status_code == 402 and error_of(fork)["code"] == "plan_upgrade_required"
        assert error_of(fork)["details"]["plan"] == plan
        # Browsing stays open.
        assert other.get(LISTINGS, params={"namespace": owner["slug"]}).status_code == 200


def test_fork_registers_a_normal_registration_with_forked_from(registry_server) -> None:
    owner, client = _publisher(registry_server)
    forker = registry_server.new_org("enterprise", "fk")
    with closing(client), registry_server.client(forker["apiKey"]) as other:
        listing = _publish(client, owner["slug"])
        made = other.post(f"{LISTINGS}/{listing['id']}/fork", json={"namespace": forker["slug"]})
        assert made.status_code == 201, made.text
        reg = made.json()
        assert (reg["namespace"], reg["name"], reg["version"]) == (
            forker["slug"],
            "property.favorited",
            "1.0.0",
        )
        assert reg["organizationId"] == forker["organizationId"] and reg["status"] == "published"
        assert reg["payloadSchema"] == FAVORITED_SCHEMA and reg["schemaHash"] == listing["schemaHash"]
        assert reg["forkedFrom"] == {
            "listingId": listing["id"],
            "organizationId": owner["organizationId"],
            "namespace": owner["slug"],
            "name": "property.favorited",
            "version": "1.0.0",
            "schemaHash": listing["schemaHash"],
        }
        shown = other.get(f"/registrations/{forker['slug']}/property.favorited/versions/1.0.0").json()
        assert shown["forkedFrom"] == reg["forkedFrom"]
        assert (
            client.get(f"/registrations/{owner['slug']}/property.favorited/versions/1.0.0").json()[
                "forkedFrom"
            ]
            is None
        )
        # Named fork with its own version; then every registration rule applies.
        named = other.post(
            f"{LISTINGS}/{listing['id']}/fork",
            json={"namespace": forker["slug"], "name": "fav", "version": "2.0.0"},
        )
        assert named.status_code == 201 and named.json()["version"] == "2.0.0"
        twice = other.post(f"{LISTINGS}/{listing['id']}/fork", json={"namespace": forker["slug"]})
        assert twice.status_code == 400 and error_of(twice)["code"] == "version_already_exists"
        outside = other.post(f"{LISTINGS}/{listing['id']}/fork", json={"namespace": owner["slug"]})
        assert outside.status_code == 400 and error_of(outside)["code"] == "namespace_not_allowed"
        reserved = other.post(f"{LISTINGS}/{listing['id']}/fork", json={"namespace": "identity"})
        assert reserved.status_code == 400 and error_of(reserved)["code"] == "reserved_namespace"
        unknown = other.post(f"{LISTINGS}/lst_{'0' * 24}/fork", json={"namespace": forker["slug"]})
        assert unknown.status_code == 404 and error_of(unknown)["code"] == "not_found"
        # A malformed id is refused for its shape (the published pattern), naming the parameter.
        malformed = other.post(f"{LISTINGS}/lst_000/fork", json={"namespace": forker["slug"]})
        assert malformed.status_code == 400 and error_of(malformed)["details"]["field"] == "id"
        extra = other.post(
            f"{LISTINGS}/{listing['id']}/fork", json={"namespace": forker["slug"], "schema": {}}
        )
        assert extra.status_code == 400 and error_of(extra)["details"]["field"] == "schema"
        assert "CUSTOM_EVENT_FORKED" in _types(other) and "CUSTOM_EVENT_FORKED" not in _types(client)
        # The forker's copy is independent: unpublishing the listing leaves it in place.
        assert client.delete(f"{LISTINGS}/{listing['id']}").status_code == 200
        after = other.get(f"/registrations/{forker['slug']}/property.favorited/versions/1.0.0")
        assert after.status_code == 200 and after.json()["forkedFrom"]["listingId"] == listing["id"]
        assert (
            other.post(
                f"{LISTINGS}/{listing['id']}/fork", json={"namespace": forker["slug"], "name": "late"}
            ).status_code
            == 404
        )


def test_fork_counts_against_the_registration_quota(registry_server) -> None:
    owner, client = _publisher(registry_server)
    forker = registry_server.new_org("pro", "fq")
    with closing(client), registry_server.client(forker["apiKey"]) as other:
        listing = _publish(client, owner["slug"])
        for i in range(25):
            register(other, forker["slug"], name=f"filler.e{i}")
        capped = other.post(f"{LISTINGS}/{listing['id']}/fork", json={"namespace": forker["slug"]})
        assert capped.status_code == 402 and error_of(capped)["code"] == "registration_quota_exceeded"


def test_marketplace_answers_match_the_openapi_document(registry_server) -> None:
    openapi = httpx.get(registry_server.url + "/v1/openapi.json").json()
    base = "/v1/events/custom/marketplace/listings"
    owner, client = _publisher(registry_server)
    low = registry_server.new_org("basic", "oa")
    forker = registry_server.new_org("pro", "ob")
    with (
        closing(client),
        registry_server.client(low["apiKey"]) as basic,
        registry_server.client(forker["apiKey"]) as pro,
    ):
        body = {"namespace": owner["slug"], "name": "property.favorited", "version": "1.0.0", "title": "T"}
        made = client.post(LISTINGS, json=body)
        checks = [
            (base, "post", made),
            (base, "post", client.post(LISTINGS, json=body)),
            (base, "post", client.post(LISTINGS, json={**body, "title": ""})),
            (base, "post", client.post(LISTINGS, json={**body, "name": "nope"})),
            (base, "post", basic.post(LISTINGS, json=body)),
            (base, "get", pro.get(LISTINGS, params={"namespace": owner["slug"], "tag": "crm"})),
            (base, "get", pro.get(LISTINGS, params={"tag": "Bad"})),
            (base, "get", httpx.get(registry_server.url + base)),
        ]
        one = base + "/{id}"
        lid = made.json()["id"]
        checks += [
            (one, "get", pro.get(f"{LISTINGS}/{lid}")),
            (one, "get", pro.get(f"{LISTINGS}/lst_0")),
            (one + "/fork", "post", pro.post(f"{LISTINGS}/{lid}/fork", json={"namespace": forker["slug"]})),
            (one + "/fork", "post", pro.post(f"{LISTINGS}/{lid}/fork", json={"namespace": "identity"})),
            (one + "/fork", "post", basic.post(f"{LISTINGS}/{lid}/fork", json={"namespace": low["slug"]})),
            (one, "delete", pro.delete(f"{LISTINGS}/{lid}")),
            (one, "delete", client.delete(f"{LISTINGS}/{lid}")),
        ]
        assert {c[2].status_code for c in checks} >= {200, 201, 400, 401, 402, 404, 409}
        for template, method, response in checks:
            _validate(openapi, template, method, response)
