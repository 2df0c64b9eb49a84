"""The marketplace's part of the OpenAPI document (docs/marketplace.md).

Written like ``openapi_bus.py``; ``openapi.document()`` merges ``marketplace_schemas()`` and
``marketplace_paths()`` in.
"""

from __future__ import annotations

from typing import Any

from platformxe.registry import parameters
from platformxe.registry.openapi_parts import UNAUTHENTICATED as _UNAUTHENTICATED
from platformxe.registry.openapi_parts import body as _body
from platformxe.registry.openapi_parts import error as _error
from platformxe.registry.openapi_parts import links as _links
from platformxe.registry.openapi_parts import obj as _obj
from platformxe.registry.openapi_parts import ok as _ok
from platformxe.registry.openapi_parts import ref as _ref
from platformxe.rules import marketplace as market_rules
from platformxe.rules.codes import HTTP_STATUS
from platformxe.rules.names import RESERVED_NAMESPACES

BASE = "/v1/events/custom"
_TIMESTAMP = {"type": "string", "format": "date-time", "description": "RFC 3339, UTC, with a Z suffix"}
_NAMESPACE = {
    **parameters.PATH_NAMESPACE.schema(),
    "not": {"enum": sorted(RESERVED_NAMESPACES)},
    "description": "reserved namespaces are refused (reserved_namespace)",
}
_NAME = parameters.PATH_NAME.schema()
_VERSION = {"type": "string", "pattern": f"^{parameters.VERSION_CORE}$"}
_TAG = {"type": "string", "pattern": market_rules.TAG_RE.pattern}
_RULE_CODES = sorted(str(code) for code, status in HTTP_STATUS.items() if status == 400)

_PLAN = _error(
    ["plan_upgrade_required"],
    "the caller's plan (Free or Basic, named in details.plan) cannot publish or fork",
)
_LISTING_404 = _error(["not_found"], "no such listing (or, for DELETE, another organisation's listing)")
_BAD_ID = _error(["invalid_request"], "the listing id in the path is not lst_ and 24 hex digits")
_TOO_LARGE = _error(["payload_too_large"], "the request body exceeds 2 MiB")


def marketplace_schemas() -> dict[str, Any]:
    """Component schemas of the marketplace."""
    listing_properties: dict[str, Any] = {
        "id": {"type": "string", "pattern": "^lst_[0-9a-f]+$"},
        "organizationId": {"type": "string", "description": "the publishing organisation"},
        "namespace": {"type": "string"},
        "name": {"type": "string"},
        "version": {"type": "string"},
        "title": {"type": "string"},
        "summary": {"type": ["string", "null"]},
        "tags": {"type": "array", "items": {"type": "string"}},
        "description": {"type": ["string", "null"], "description": "the listed version's description"},
        "payloadSchema": {"type": ["object", "boolean"], "description": "the listed version's schema"},
        "schemaHash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "schemaFlavour": {"type": "string", "enum": ["json-schema-2020-12", "openapi-3.1"]},
        "mine": {"type": "boolean", "description": "whether the caller's organisation published it"},
        "createdAt": _TIMESTAMP,
    }
    return {
        "ListingCreate": _obj(
            ["namespace", "name", "version", "title"],
            {
                "namespace": _NAMESPACE,
                "name": _NAME,
                "version": _VERSION,
                "title": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": market_rules.MAX_TITLE,
                    "pattern": f"^{market_rules.TITLE_CORE}$",
                    "description": "not blank, no control characters",
                },
                "summary": {
                    "type": ["string", "null"],
                    "maxLength": market_rules.MAX_SUMMARY,
                    "pattern": f"^{market_rules.SUMMARY_CORE}$",
                },
                "tags": {
                    "anyOf": [
                        {
                            "type": "array",
                            "maxItems": market_rules.MAX_TAGS,
                            "uniqueItems": True,
                            "items": _TAG,
                        },
                        {"type": "null"},
                    ]
                },
            },
        ),
        "Listing": _obj(list(listing_properties), listing_properties),
        "ListingList": _obj(
            ["items", "nextCursor"],
            {
                "items": {"type": "array", "items": _ref("Listing")},
                "nextCursor": {"type": ["string", "null"], "pattern": f"^{parameters.OPAQUE_CURSOR_CORE}$"},
            },
        ),
        "ListingDeleted": _obj(
            ["id", "deleted"], {"id": {"type": "string"}, "deleted": {"type": "boolean", "const": True}}
        ),
        "ForkRequest": _obj(
            ["namespace"],
            {
                "namespace": _NAMESPACE,
                "name": {
                    "anyOf": [_NAME, {"type": "null"}],
                    "description": "absent or null: the listed event's name",
                },
                "version": {"anyOf": [_VERSION, {"type": "null"}], "description": "absent or null: 1.0.0"},
            },
        ),
        "ForkedFrom": _obj(
            ["listingId", "organizationId", "namespace", "name", "version", "schemaHash"],
            {
                "listingId": {"type": "string"},
                "organizationId": {"type": "string"},
                "namespace": {"type": "string"},
                "name": {"type": "string"},
                "version": {"type": "string"},
                "schemaHash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            },
        ),
    }


def marketplace_paths() -> dict[str, Any]:
    """Paths of the marketplace (their path and query parameters come from the routes)."""
    return {
        BASE + "/marketplace/listings": {
            "post": {
                "operationId": "publishListing",
                "summary": "List one published version of the caller's own event (Pro and Enterprise)",
                "requestBody": _body("ListingCreate"),
                "responses": {
                    "201": {
                        **_ok("the listing", _ref("Listing")),
                        "links": _links(("getListing", "unpublishListing", "forkListing"), "id", "/id"),
                    },
                    "400": _error(
                        [
                            "invalid_request",
                            "invalid_namespace",
                            "invalid_name",
                            "invalid_version_format",
                            "reserved_namespace",
                        ],
                        "a malformed field (title, summary, tags, or the version's reference)",
                    ),
                    "401": _UNAUTHENTICATED,
                    "402": _PLAN,
                    "404": _error(
                        ["event_not_registered"], "the version is not registered in this organisation"
                    ),
                    "409": _error(
                        ["event_not_published", "listing_already_exists"],
                        "the version is draft or archived, or already listed",
                    ),
                    "413": _TOO_LARGE,
                },
            },
            "get": {
                "operationId": "browseListings",
                "summary": "Browse every organisation's listings of published versions, oldest first (every plan)",
                "responses": {
                    "200": _ok("a page", _ref("ListingList")),
                    "400": _error(
                        ["invalid_request", "invalid_namespace"], "bad q, namespace, tag, limit or cursor"
                    ),
                    "401": _UNAUTHENTICATED,
                },
            },
        },
        BASE + "/marketplace/listings/{id}": {
            "get": {
                "operationId": "getListing",
                "summary": "One listing (any organisation's, while its version is published)",
                "responses": {
                    "200": _ok("the listing", _ref("Listing")),
                    "400": _BAD_ID,
                    "401": _UNAUTHENTICATED,
                    "404": _LISTING_404,
                },
            },
            "delete": {
                "operationId": "unpublishListing",
                "summary": "Remove the caller's own listing (forks already made stay)",
                "responses": {
                    "200": _ok("removed", _ref("ListingDeleted")),
                    "400": _BAD_ID,
                    "401": _UNAUTHENTICATED,
                    "404": _LISTING_404,
                },
            },
        },
        BASE + "/marketplace/listings/{id}/fork": {
            "post": {
                "operationId": "forkListing",
                "summary": "Register the listed schema in the caller's namespace (Pro and Enterprise)",
                "description": "The new version is an ordinary registration: every registration rule "
                "applies and its error answers as POST /registrations would.",
                "requestBody": _body("ForkRequest"),
                "responses": {
                    "201": _ok("the new registration, with forkedFrom", _ref("Registration")),
                    "400": _error(
                        _RULE_CODES,
                        "a malformed field or id, or the registration breaks a rule (allowlist, names, "
                        "semver, an existing version)",
                    ),
                    "401": _UNAUTHENTICATED,
                    "402": _error(
                        ["plan_upgrade_required", "registration_quota_exceeded"],
                        "the plan cannot fork, or its registration cap is reached",
                    ),
                    "404": _LISTING_404,
                    "413": _TOO_LARGE,
                },
            },
        },
    }
