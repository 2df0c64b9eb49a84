"""The bus's part of the OpenAPI document: subscriptions, one emit's deliveries, replays.

Written like ``openapi.py`` (plain dicts, the same error shape); ``openapi.document()`` merges
``bus_schemas()`` and ``bus_paths()`` in. Kept apart so the bus's entries sit next to nothing else.
"""

from __future__ import annotations

from typing import Any

from platformxe import rules
from platformxe.registry import clock, parameters
from platformxe.registry import service_subscriptions as service
from platformxe.registry.bus import signing, urls
from platformxe.registry.openapi_parts import UNAUTHENTICATED as _UNAUTHENTICATED
from platformxe.registry.openapi_parts import body as _body
from platformxe.registry.openapi_parts import error as _error
from platformxe.registry.openapi_parts import links as _links
from platformxe.registry.openapi_parts import obj as _obj
from platformxe.registry.openapi_parts import ok as _ok
from platformxe.registry.openapi_parts import ref as _ref

BASE = "/v1/events/custom"
_TIMESTAMP = {"type": "string", "format": "date-time", "description": "RFC 3339, UTC, with a Z suffix"}
#: Text without NUL (unpaired surrogates are refused anywhere in a body too).
_TEXT = {"type": "string", "pattern": "^[^\\u0000]*$"}
_EVENT_REF = {
    "type": "string",
    "description": "<namespace>.<name>@<version>, exact (version included)",
    "pattern": f"^{parameters.EVENT_REF_CORE}$",
}
_GENERIC_REF = f"{rules.GENERIC_NAMESPACE}.{rules.GENERIC_NAME}@{rules.GENERIC_VERSION}"
_SECRET = {
    "type": "string",
    "pattern": f"^{signing.SECRET_CORE}$",
    "description": "whsec_ + the padded base64 of 24-64 random bytes (the Standard Webhooks form)",
}
_URL = {
    "type": "string",
    "maxLength": urls.MAX_URL_LENGTH,
    "pattern": f"^{urls.WEBHOOK_URL_CORE}$",
    "description": "https://host[:port][/path][?query] (a DNS name or IPv4 address; no credentials, "
    "fragment or IPv6 literal). http:// and private, loopback or link-local hosts only when the "
    "service runs with --allow-private-webhooks (else 400 invalid_webhook_url, as for a host that "
    "does not resolve)",
}
_EVENTS = {"type": "array", "minItems": 1, "maxItems": service.MAX_EVENTS, "items": _EVENT_REF}
_KINDS = {
    "anyOf": [
        {
            "type": "array",
            "maxItems": service.MAX_KINDS,
            "items": {**_TEXT, "minLength": 1},
            "description": f"route {_GENERIC_REF} by its payload's kind; non-empty kinds need "
            f"{_GENERIC_REF} in events",
        },
        {"type": "null"},
    ]
}
_DESCRIPTION = {"type": ["string", "null"], "maxLength": service.MAX_DESCRIPTION, "pattern": _TEXT["pattern"]}
#: Non-empty kinds route only the generic event, so events must list it.
_KINDS_NEED_GENERIC = {
    "if": {"required": ["kinds"], "properties": {"kinds": {"type": "array", "minItems": 1}}},
    "then": {"properties": {"events": {"contains": {"const": _GENERIC_REF}}}},
}
#: The operations on one subscription (the links of a created one).
SUBSCRIPTION_OPERATIONS = (
    "getSubscription",
    "updateSubscription",
    "deleteSubscription",
    "rotateSubscriptionSecret",
    "replaySubscription",
)
#: The operations on one emitted event (the links of POST /emit's answer).
EMIT_OPERATIONS = ("getEmit", "replayEmit")
_SUB_404 = _error(["not_found"], "no such subscription in this organisation (another organisation's id too)")
_EMIT_404 = _error(
    ["not_found"], "no such emitted event in this organisation (another organisation's id too)"
)
_BAD_ID = _error(["invalid_request"], "the id in the path is not of its published shape")
_TOO_LARGE = _error(["payload_too_large"], "the request body exceeds 2 MiB")


def _workflow() -> dict[str, Any]:
    return _obj(
        ["emit"],
        {
            "emit": {
                "type": "string",
                "pattern": f"^{parameters.WORKFLOW_EMIT_CORE}$",
                "description": "<namespace>.<name>[@<version>] to emit on each event (registered here)",
            },
            "payloadPointer": {
                "type": ["string", "null"],
                "pattern": f"^{parameters.JSON_POINTER_CORE}$",
                "description": 'RFC 6901 JSON pointer into the event\'s payload ("" or null: all of it)',
            },
        },
    )


def bus_schemas() -> dict[str, Any]:
    """Component schemas of the bus."""
    workflow = _workflow()
    subscription_properties: dict[str, Any] = {
        "id": {"type": "string", "pattern": f"^{parameters.SUBSCRIPTION_ID_CORE}$"},
        "kind": {"type": "string", "enum": list(service.KINDS)},
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
    create = _obj(
        ["events"],
        {
            "url": {"anyOf": [_URL, {"type": "null"}], "description": 'required for kind "webhook"'},
            "events": _EVENTS,
            "kinds": _KINDS,
            "description": _DESCRIPTION,
            "enabled": {"type": "boolean", "default": True},
            "secret": {
                "anyOf": [_SECRET, {"type": "null"}],
                "description": "absent or null: the registry generates one",
            },
            "kind": {"type": "string", "enum": list(service.KINDS), "default": "webhook"},
            "workflow": {
                "anyOf": [workflow, {"type": "null"}],
                "description": 'required for kind "workflow"',
            },
        },
    )
    create["allOf"] = [
        {
            # kind "workflow": a workflow and no url; otherwise (the default kind, webhook) the reverse.
            "if": {"required": ["kind"], "properties": {"kind": {"const": "workflow"}}},
            "then": {"required": ["workflow"], "properties": {"workflow": workflow, "url": {"type": "null"}}},
            "else": {"required": ["url"], "properties": {"url": _URL, "workflow": {"type": "null"}}},
        },
        _KINDS_NEED_GENERIC,
    ]
    update = _obj(
        [],
        {
            "url": {**_URL, "description": "a webhook's only (a workflow's: 400 invalid_request)"},
            "events": _EVENTS,
            "kinds": _KINDS,
            "description": {**_DESCRIPTION, "description": "null clears it"},
            "enabled": {"type": "boolean", "description": "true also clears disabledReason"},
            "workflow": {**workflow, "description": "a workflow's only (a webhook's: 400 invalid_request)"},
        },
    )
    update["minProperties"] = 1
    update["allOf"] = [_KINDS_NEED_GENERIC]
    return {
        "SubscriptionCreate": create,
        "SubscriptionUpdate": update,
        "Subscription": _obj(required, subscription_properties),
        "SubscriptionWithSecret": _obj([*required, "secret"], {**subscription_properties, "secret": _SECRET}),
        "SubscriptionList": _obj(
            ["items", "nextCursor"],
            {
                "items": {"type": "array", "items": _ref("Subscription")},
                "nextCursor": {"type": ["string", "null"], "pattern": f"^{parameters.OPAQUE_CURSOR_CORE}$"},
            },
        ),
        "SubscriptionDeleted": _obj(
            ["id", "deleted"], {"id": {"type": "string"}, "deleted": {"const": True}}
        ),
        "RotatedSecret": _obj(["id", "secret"], {"id": {"type": "string"}, "secret": _SECRET}),
        "ReplayRequest": _obj(
            ["since"],
            {
                "since": {
                    "type": "string",
                    "format": "date-time",
                    "pattern": f"^{clock.TIMESTAMP_CORE}$",
                    "description": "RFC 3339 with an offset (upper-case T and Z); deliveries that failed "
                    "at or after it are tried again",
                }
            },
        ),
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
    """Paths of the bus (their path and query parameters come from the routes: registry/parameters.py)."""
    bad = _error(
        ["invalid_request", "invalid_webhook_url"],
        "a malformed field or id, or a url that may not be called",
    )
    return {
        BASE + "/subscriptions": {
            "post": {
                "operationId": "createSubscription",
                "summary": "Subscribe a webhook (or a built-in workflow) to exact event versions",
                "requestBody": _body("SubscriptionCreate"),
                "responses": {
                    "201": {
                        **_ok(
                            "the subscription, with its secret (shown only now)",
                            _ref("SubscriptionWithSecret"),
                        ),
                        "links": _links(SUBSCRIPTION_OPERATIONS, "id", "/id"),
                    },
                    "400": bad,
                    "401": _UNAUTHENTICATED,
                    "402": _error(
                        ["subscription_quota_exceeded"], "the plan's cap on subscriptions is reached"
                    ),
                    "404": _error(
                        ["event_not_registered"],
                        "an entry of events (or workflow.emit) is not a registered version here",
                    ),
                    "413": _TOO_LARGE,
                },
            },
            "get": {
                "operationId": "listSubscriptions",
                "summary": "List subscriptions, oldest first (never with secrets)",
                "responses": {
                    "200": _ok("a page", _ref("SubscriptionList")),
                    "400": _error(["invalid_request"], "bad limit or cursor"),
                    "401": _UNAUTHENTICATED,
                },
            },
        },
        BASE + "/subscriptions/{id}": {
            "get": {
                "operationId": "getSubscription",
                "summary": "One subscription",
                "responses": {
                    "200": _ok("the subscription", _ref("Subscription")),
                    "400": _BAD_ID,
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
                    "413": _TOO_LARGE,
                },
            },
            "delete": {
                "operationId": "deleteSubscription",
                "summary": "Delete a subscription; its pending deliveries end as failed",
                "responses": {
                    "200": _ok("deleted", _ref("SubscriptionDeleted")),
                    "400": _BAD_ID,
                    "401": _UNAUTHENTICATED,
                    "404": _SUB_404,
                },
            },
        },
        BASE + "/subscriptions/{id}/rotate-secret": {
            "post": {
                "operationId": "rotateSubscriptionSecret",
                "summary": "A new signing secret; the old one keeps signing too for 24 h",
                "responses": {
                    "200": _ok("the new secret", _ref("RotatedSecret")),
                    "400": _BAD_ID,
                    "401": _UNAUTHENTICATED,
                    "404": _SUB_404,
                },
            },
        },
        BASE + "/subscriptions/{id}/replay": {
            "post": {
                "operationId": "replaySubscription",
                "summary": "Try every delivery to this subscription that failed since a time again",
                "requestBody": _body("ReplayRequest"),
                "responses": {
                    "202": _ok("queued", _ref("ReplayQueued")),
                    "400": _error(
                        ["invalid_request"],
                        "a bad id, since is not of its pattern, or the subscription is disabled "
                        "(details.field: enabled)",
                    ),
                    "401": _UNAUTHENTICATED,
                    "404": _SUB_404,
                    "413": _TOO_LARGE,
                },
            },
        },
        BASE + "/emits/{eventId}": {
            "get": {
                "operationId": "getEmit",
                "summary": "One emitted event: delivery status, chain depth, every delivery and attempt",
                "responses": {
                    "200": _ok("the event's deliveries", _ref("EmitDeliveries")),
                    "400": _BAD_ID,
                    "401": _UNAUTHENTICATED,
                    "404": _EMIT_404,
                },
            },
        },
        BASE + "/emits/{eventId}/replay": {
            "post": {
                "operationId": "replayEmit",
                "summary": "Try an emitted event's failed deliveries again",
                "responses": {
                    "202": _ok("queued", _ref("EmitReplayQueued")),
                    "400": _BAD_ID,
                    "401": _UNAUTHENTICATED,
                    "404": _EMIT_404,
                },
            },
        },
    }
