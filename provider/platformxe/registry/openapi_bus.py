"""The bus's part of the OpenAPI document: subscriptions, one emit's deliveries, replays.

Written like ``openapi.py`` (plain dicts, the same error shape); ``openapi.document()`` merges
``bus_schemas()`` and ``bus_paths()`` in. Kept apart so the bus's entries sit next to nothing else.
"""

from __future__ import annotations

from typing import Any

from platformxe.registry.openapi_parts import UNAUTHENTICATED as _UNAUTHENTICATED
from platformxe.registry.openapi_parts import body as _body
from platformxe.registry.openapi_parts import error as _error
from platformxe.registry.openapi_parts import obj as _obj
from platformxe.registry.openapi_parts import ok as _ok
from platformxe.registry.openapi_parts import ref as _ref

BASE = "/v1/events/custom"
_TIMESTAMP = {"type": "string", "format": "date-time", "description": "RFC 3339, UTC, with a Z suffix"}
_EVENT_REF = {
    "type": "string",
    "description": "<namespace>.<name>@<version>, exact (version included)",
    "pattern": "^[a-z][a-z0-9_-]{1,30}\\.[a-z][a-z0-9_.-]{1,60}@(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)$",
}
_SECRET = {
    "type": "string",
    "pattern": "^whsec_[A-Za-z0-9+/]+={0,2}$",
    "description": "whsec_ + base64 of 24-64 random bytes (the Standard Webhooks form)",
}


_SUB_ID = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]
_EVENT_ID = [{"name": "eventId", "in": "path", "required": True, "schema": {"type": "string"}}]
_SUB_404 = _error(["not_found"], "no such subscription in this organisation (another organisation's id too)")
_EMIT_404 = _error(
    ["not_found"], "no such emitted event in this organisation (another organisation's id too)"
)


def bus_schemas() -> dict[str, Any]:
    """Component schemas of the bus."""
    workflow = _obj(
        ["emit"],
        {
            "emit": {"type": "string", "description": "<namespace>.<name>[@<version>] to emit on each event"},
            "payloadPointer": {"type": "string", "description": "JSON pointer into the event's payload"},
        },
    )
    subscription_properties: dict[str, Any] = {
        "id": {"type": "string", "pattern": "^sub_[0-9a-f]+$"},
        "kind": {"type": "string", "enum": ["webhook", "workflow"]},
        "url": {"type": ["string", "null"]},
        "events": {"type": "array", "items": {"type": "string"}},
        "canonicalNames": {"type": "array", "items": {"type": "string"}},
        "kinds": {"type": "array", "items": {"type": "string"}},
        "workflow": {"anyOf": [workflow, {"type": "null"}]},
        "description": {"type": ["string", "null"]},
        "enabled": {"type": "boolean"},
        "disabledReason": {"type": ["string", "null"], "description": "why the bus disabled it (410 Gone)"},
        "createdAt": _TIMESTAMP,
        "updatedAt": _TIMESTAMP,
    }
    required = list(subscription_properties)
    attempt = _obj(
        ["at", "durationMs"],
        {
            "at": _TIMESTAMP,
            "statusCode": {"type": "integer"},
            "error": {"type": "string"},
            "durationMs": {"type": "integer", "minimum": 0},
        },
    )
    return {
        "SubscriptionCreate": _obj(
            ["events"],
            {
                "url": {
                    "type": "string",
                    "maxLength": 2048,
                    "description": "https:// (see --allow-private-webhooks)",
                },
                "events": {"type": "array", "minItems": 1, "maxItems": 100, "items": _EVENT_REF},
                "kinds": {
                    "anyOf": [
                        {"type": "array", "maxItems": 100, "items": {"type": "string", "minLength": 1}},
                        {"type": "null"},
                    ]
                },
                "description": {"type": ["string", "null"], "maxLength": 1000},
                "enabled": {"type": "boolean", "default": True},
                "secret": {"anyOf": [_SECRET, {"type": "null"}]},
                "kind": {"type": "string", "enum": ["webhook", "workflow"], "default": "webhook"},
                "workflow": workflow,
            },
        ),
        "SubscriptionUpdate": {
            **_obj(
                [],
                {
                    "url": {"type": "string", "maxLength": 2048},
                    "events": {"type": "array", "minItems": 1, "maxItems": 100, "items": _EVENT_REF},
                    "kinds": {
                        "anyOf": [
                            {"type": "array", "maxItems": 100, "items": {"type": "string", "minLength": 1}},
                            {"type": "null"},
                        ]
                    },
                    "description": {"type": ["string", "null"], "maxLength": 1000},
                    "enabled": {"type": "boolean"},
                    "workflow": workflow,
                },
            ),
            "minProperties": 1,
        },
        "Subscription": _obj(required, subscription_properties),
        "SubscriptionWithSecret": _obj([*required, "secret"], {**subscription_properties, "secret": _SECRET}),
        "SubscriptionList": _obj(
            ["items", "nextCursor"],
            {
                "items": {"type": "array", "items": _ref("Subscription")},
                "nextCursor": {"type": ["string", "null"]},
            },
        ),
        "SubscriptionDeleted": _obj(
            ["id", "deleted"], {"id": {"type": "string"}, "deleted": {"const": True}}
        ),
        "RotatedSecret": _obj(["id", "secret"], {"id": {"type": "string"}, "secret": _SECRET}),
        "ReplayRequest": _obj(["since"], {"since": {"type": "string", "format": "date-time"}}),
        "ReplayQueued": _obj(["queued"], {"queued": {"type": "integer", "minimum": 0}}),
        "EmitReplayQueued": _obj(
            ["eventId", "queued"],
            {"eventId": {"type": "string"}, "queued": {"type": "integer", "minimum": 0}},
        ),
        "DeliveryAttempt": attempt,
        "Delivery": _obj(
            ["subscriptionId", "status", "attempts", "nextAttemptAt"],
            {
                "subscriptionId": {"type": "string"},
                "status": {"type": "string", "enum": ["PENDING", "DELIVERED", "FAILED"]},
                "attempts": {"type": "array", "items": _ref("DeliveryAttempt")},
                "nextAttemptAt": {"anyOf": [_TIMESTAMP, {"type": "null"}]},
                "federation": {
                    **_ref("FederatedDelivery"),
                    "description": "only on a federated delivery (docs/federation.md): its peer and outcome",
                },
            },
        ),
        "EmitDeliveries": _obj(
            [
                "eventId",
                "canonicalName",
                "name",
                "version",
                "deliveryStatus",
                "chainDepth",
                "causationId",
                "createdAt",
                "deliveries",
            ],
            {
                "eventId": {"type": "string"},
                "canonicalName": {"type": "string"},
                "name": {"type": "string"},
                "version": {"type": "string"},
                "deliveryStatus": {"type": "string", "enum": ["QUEUED", "RELAYED", "DELIVERED", "FAILED"]},
                "chainDepth": {"type": "integer", "minimum": 0, "maximum": 50},
                "causationId": {"type": ["string", "null"]},
                "createdAt": _TIMESTAMP,
                "deliveries": {"type": "array", "items": _ref("Delivery")},
            },
        ),
    }


def bus_paths() -> dict[str, Any]:
    """Paths of the bus."""
    bad = _error(
        ["invalid_request", "invalid_webhook_url"], "a malformed field, or a url that may not be called"
    )
    return {
        BASE + "/subscriptions": {
            "post": {
                "operationId": "createSubscription",
                "summary": "Subscribe a webhook (or a built-in workflow) to exact event versions",
                "requestBody": _body("SubscriptionCreate"),
                "responses": {
                    "201": _ok(
                        "the subscription, with its secret (shown only now)", _ref("SubscriptionWithSecret")
                    ),
                    "400": bad,
                    "401": _UNAUTHENTICATED,
                    "402": _error(
                        ["subscription_quota_exceeded"], "the plan's cap on subscriptions is reached"
                    ),
                    "404": _error(["event_not_registered"], "an entry of events is not a registered version"),
                },
            },
            "get": {
                "operationId": "listSubscriptions",
                "summary": "List subscriptions, oldest first (never with secrets)",
                "parameters": [
                    {
                        "name": "limit",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50},
                    },
                    {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": _ok("a page", _ref("SubscriptionList")),
                    "400": _error(["invalid_request"], "bad limit or cursor"),
                    "401": _UNAUTHENTICATED,
                },
            },
        },
        BASE + "/subscriptions/{id}": {
            "parameters": _SUB_ID,
            "get": {
                "operationId": "getSubscription",
                "summary": "One subscription",
                "responses": {
                    "200": _ok("the subscription", _ref("Subscription")),
                    "401": _UNAUTHENTICATED,
                    "404": _SUB_404,
                },
            },
            "patch": {
                "operationId": "updateSubscription",
                "summary": "Change url, events, kinds, description, enabled (or a workflow's target)",
                "requestBody": _body("SubscriptionUpdate"),
                "responses": {
                    "200": _ok("the subscription", _ref("Subscription")),
                    "400": bad,
                    "401": _UNAUTHENTICATED,
                    "404": _error(
                        ["not_found", "event_not_registered"],
                        "no such subscription, or an unregistered event",
                    ),
                },
            },
            "delete": {
                "operationId": "deleteSubscription",
                "summary": "Delete a subscription; its pending deliveries end as failed",
                "responses": {
                    "200": _ok("deleted", _ref("SubscriptionDeleted")),
                    "401": _UNAUTHENTICATED,
                    "404": _SUB_404,
                },
            },
        },
        BASE + "/subscriptions/{id}/rotate-secret": {
            "parameters": _SUB_ID,
            "post": {
                "operationId": "rotateSubscriptionSecret",
                "summary": "A new signing secret; the old one keeps signing too for 24 h",
                "responses": {
                    "200": _ok("the new secret", _ref("RotatedSecret")),
                    "401": _UNAUTHENTICATED,
                    "404": _SUB_404,
                },
            },
        },
        BASE + "/subscriptions/{id}/replay": {
            "parameters": _SUB_ID,
            "post": {
                "operationId": "replaySubscription",
                "summary": "Try every delivery to this subscription that failed since a time again",
                "requestBody": _body("ReplayRequest"),
                "responses": {
                    "202": _ok("queued", _ref("ReplayQueued")),
                    "400": _error(
                        ["invalid_request"], "since is not RFC 3339, or the subscription is disabled"
                    ),
                    "401": _UNAUTHENTICATED,
                    "404": _SUB_404,
                },
            },
        },
        BASE + "/emits/{eventId}": {
            "parameters": _EVENT_ID,
            "get": {
                "operationId": "getEmit",
                "summary": "One emitted event: delivery status, chain depth, every delivery and attempt",
                "responses": {
                    "200": _ok("the event's deliveries", _ref("EmitDeliveries")),
                    "401": _UNAUTHENTICATED,
                    "404": _EMIT_404,
                },
            },
        },
        BASE + "/emits/{eventId}/replay": {
            "parameters": _EVENT_ID,
            "post": {
                "operationId": "replayEmit",
                "summary": "Try an emitted event's failed deliveries again",
                "responses": {
                    "202": _ok("queued", _ref("EmitReplayQueued")),
                    "401": _UNAUTHENTICATED,
                    "404": _EMIT_404,
                },
            },
        },
    }
