"""The OpenAPI 3.1 description of the registry API, served at ``/v1/openapi.json``.

Written by hand as a Python dict (no framework generates it), and kept honest by the contract
tests: every route of the app is described and nothing else, and real responses validate
against the response schemas below.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.routing import Route

from platformxe import __version__
from platformxe.registry import parameters
from platformxe.registry.lifecycle_types import ALL_TYPES
from platformxe.registry.openapi_bus import EMIT_OPERATIONS, bus_paths, bus_schemas
from platformxe.registry.openapi_federation import federation_paths, federation_schemas
from platformxe.registry.openapi_marketplace import marketplace_paths, marketplace_schemas
from platformxe.registry.openapi_parts import links
from platformxe.rules.codes import HTTP_STATUS
from platformxe.rules.names import RESERVED_NAMESPACES

BASE = "/v1/events/custom"
_JSON = "application/json"
_TIMESTAMP = {"type": "string", "format": "date-time", "description": "RFC 3339, UTC, with a Z suffix"}
_NAMESPACE = parameters.PATH_NAMESPACE.schema()
_NAME = parameters.PATH_NAME.schema()
_VERSION = {"type": "string", "pattern": f"^{parameters.VERSION_CORE}$"}
#: Text fields: any string without NUL (no database column stores it). Unpaired UTF-16
#: surrogates (``"\\ud800"``) are refused too, anywhere in a body (not expressible as a pattern).
_TEXT = {"type": "string", "pattern": "^[^\\u0000]*$"}
#: What a schema field accepts as its JSON type: a schema (object or boolean) or its JSON text.
_SCHEMA_VALUE = {"type": ["object", "boolean", "string"]}
_STATUS = {"type": "string", "enum": ["draft", "published", "archived"]}
_ANY_JSON: dict[str, Any] = {"description": "any JSON value"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(required: list[str], properties: dict[str, Any], extra: bool = False) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties, "additionalProperties": extra}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _codes_for(status: int) -> list[str]:
    return [str(code) for code, s in HTTP_STATUS.items() if s == status]


def _error(status: int, codes: list[str], when: str) -> dict[str, Any]:
    return {
        "description": f"{when} (code: {', '.join(codes)})",
        "content": {_JSON: {"schema": _ref("Error")}},
    }


def _ok(status_text: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": status_text, "content": {_JSON: {"schema": schema}}}


def _body(schema_name: str) -> dict[str, Any]:
    return {"required": True, "content": {_JSON: {"schema": _ref(schema_name)}}}


_UNAUTHENTICATED = _error(401, ["unauthenticated"], "missing, malformed, unknown or revoked API key")
_BAD_REQUEST = _error(400, ["invalid_request"], "malformed JSON, a missing or unknown field or a wrong type")
_POLICY: dict[str, Any] = {"type": "string", "enum": ["strict", "lenient"]}
_PATH_CODES = ["invalid_namespace", "invalid_name", "invalid_version_format"]
_BAD_VERSION_PATH = _error(
    400, _PATH_CODES, "the namespace, name or version in the path is not of the documented shape"
)


def _schemas() -> dict[str, Any]:
    problem = _obj(
        ["code", "message", "path", "field", "pointer"],
        {
            "code": {"type": "string"},
            "message": {"type": "string"},
            "path": {"type": "string", "description": "field followed by pointer"},
            "field": {"type": "string", "description": "the request field at fault (camelCase)"},
            "pointer": {"type": "string", "description": "JSON pointer inside that field's document"},
            "details": {"type": "object"},
        },
    )
    registration = _obj(
        [
            "namespace",
            "name",
            "version",
            "status",
            "description",
            "payloadSchema",
            "payloadExample",
            "schemaHash",
            "schemaFlavour",
            "canonicalName",
            "organizationId",
            "forkedFrom",
            "createdAt",
            "updatedAt",
        ],
        {
            "namespace": {"type": "string"},
            "name": {"type": "string"},
            "version": {"type": "string"},
            "status": _STATUS,
            "description": {"type": ["string", "null"]},
            "payloadSchema": {"type": ["object", "boolean"]},
            "payloadExample": {**_ANY_JSON, "description": "null when absent"},
            "schemaHash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "schemaFlavour": {"type": "string", "enum": ["json-schema-2020-12", "openapi-3.1"]},
            "canonicalName": {"type": "string", "pattern": "^TENANT_CUSTOM:[^:]+:.+@.+$"},
            "organizationId": {"type": "string"},
            "forkedFrom": {
                "anyOf": [_ref("ForkedFrom"), {"type": "null"}],
                "description": "the marketplace listing this version was forked from (docs/marketplace.md)",
            },
            "createdAt": _TIMESTAMP,
            "updatedAt": _TIMESTAMP,
        },
    )
    candidate_properties = {
        "compatibilityPolicy": {
            **_POLICY,
            "description": "dry-run: judge under this policy instead of the event's stored one; "
            "registration: set the event's policy with this version (stored only if registered); "
            "omit it for the stored one (null is refused)",
        },
        "namespace": {
            **_NAMESPACE,
            "not": {"enum": sorted(RESERVED_NAMESPACES)},
            "description": "on the organisation's allowlist (else 400 namespace_not_allowed); "
            "reserved namespaces are refused (reserved_namespace)",
        },
        "name": _NAME,
        "version": {**_VERSION, "description": "MAJOR.MINOR.PATCH, a single step above the highest"},
        "payloadSchema": {
            **_SCHEMA_VALUE,
            "description": "JSON Schema 2020-12 or OpenAPI 3.1 schema: a JSON object or boolean, or its "
            "JSON text (a string). null or another type is 400 invalid_json_schema.",
        },
        "payloadExample": {**_ANY_JSON, "description": "must satisfy payloadSchema; null = no example"},
        "description": {"type": ["string", "null"], "pattern": _TEXT["pattern"]},
        "status": {**_STATUS, "default": "published", "description": "omit for published; null is refused"},
    }
    # A dry-run judges any names and version and reports every broken rule in the verdict (200).
    dry_run_properties = {
        **candidate_properties,
        "namespace": {**_TEXT, "description": "judged: a broken rule is reported in the verdict"},
        "name": {**_TEXT, "description": "judged: a broken rule is reported in the verdict"},
        "version": {**_TEXT, "description": "judged: a broken rule is reported in the verdict"},
    }
    return {
        "Problem": problem,
        "Error": _obj(
            ["error"],
            {
                "error": _obj(
                    ["code", "message", "details"],
                    {
                        "code": {
                            "type": "string",
                            "description": "a seed error code, or invalid_request / not_found",
                        },
                        "message": {"type": "string"},
                        "details": {
                            "type": "object",
                            "properties": {
                                "field": {"type": "string"},
                                "errors": {"type": "array", "items": _ref("Problem")},
                                "existing": _ref("Registration"),
                                "schemaHash": {"type": ["string", "null"]},
                                "sameSchema": {"type": "boolean"},
                            },
                        },
                    },
                )
            },
        ),
        "SchemaChange": _obj(
            ["kind", "path", "breaking", "message"],
            {
                "kind": {"type": "string"},
                "path": {"type": "string"},
                "breaking": {"type": "boolean"},
                "message": {"type": "string"},
                "witness": {**_ANY_JSON, "description": "a payload valid before and refused now"},
            },
        ),
        "Verdict": _obj(
            [
                "compatibilityPolicy",
                "valid",
                "semverBump",
                "schemaHash",
                "schemaFlavour",
                "previousVersion",
                "changes",
                "errors",
                "suggestedVersion",
            ],
            {
                "compatibilityPolicy": {**_POLICY, "description": "the policy that judged the changes"},
                "valid": {"type": "boolean"},
                "semverBump": {
                    "type": ["string", "null"],
                    "enum": ["initial", "patch", "minor", "major", None],
                },
                "schemaHash": {"type": ["string", "null"]},
                "schemaFlavour": {
                    "type": ["string", "null"],
                    "enum": ["json-schema-2020-12", "openapi-3.1", None],
                },
                "previousVersion": {"type": ["string", "null"]},
                "changes": {"type": "array", "items": _ref("SchemaChange")},
                "errors": {"type": "array", "items": _ref("Problem")},
                "suggestedVersion": {"type": ["string", "null"]},
            },
        ),
        "CandidateRequest": _obj(["namespace", "name", "version", "payloadSchema"], candidate_properties),
        "DryRunRequest": _obj(["namespace", "name", "version", "payloadSchema"], dry_run_properties),
        "DryRunBatchRequest": _obj(
            ["candidates"],
            {
                "candidates": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 100,
                    "items": {
                        "description": "a POST /dry-run body (DryRunRequest); any other value is judged "
                        "too and gets the error /dry-run would answer in its place"
                    },
                    "description": "each judged exactly as POST /dry-run judges its body",
                }
            },
        ),
        "DryRunBatchResult": _obj(
            ["results"],
            {
                "results": {
                    "type": "array",
                    "description": "one per candidate, in order: its verdict, or the error POST /dry-run "
                    "would have answered for it (with that answer's HTTP status)",
                    "items": {
                        "oneOf": [
                            _obj(["verdict"], {"verdict": _ref("Verdict")}),
                            _obj(
                                ["status", "error"],
                                {
                                    "status": {"type": "integer"},
                                    "error": {"$ref": "#/components/schemas/Error/properties/error"},
                                },
                            ),
                        ]
                    },
                }
            },
        ),
        "Registration": registration,
        "RegistrationList": _obj(
            ["items", "nextCursor"],
            {
                "items": {"type": "array", "items": _ref("Registration")},
                "nextCursor": {"type": ["string", "null"]},
            },
        ),
        "UpdateRequest": {
            **_obj(
                [],
                {
                    "status": {**_STATUS, "description": "null is refused; omit to keep the status"},
                    "description": {
                        "type": ["string", "null"],
                        "pattern": _TEXT["pattern"],
                        "description": "null clears the description",
                    },
                },
            ),
            "minProperties": 1,
        },
        "EmitRequest": _obj(
            ["name", "payload"],
            {
                "name": {
                    "type": "string",
                    "pattern": f"^(?:{parameters.NAMESPACE_CORE})\\.(?:{parameters.NAME_CORE})$",
                    "description": "<namespace>.<name>, e.g. lettings.property.favorited",
                },
                "payload": _ANY_JSON,
                "version": {**_nullable(_VERSION), "description": "pin a version; omit for latest published"},
                "idempotencyKey": {
                    "anyOf": [{**_TEXT, "minLength": 1, "maxLength": 255}, {"type": "null"}],
                    "description": "a replay with the same key returns the first answer (duplicate: true)",
                },
                "causationId": {
                    "anyOf": [{**_TEXT, "minLength": 1, "maxLength": 255}, {"type": "null"}],
                    "description": "eventId of the delivered event this emit reacts to (chain depth + 1, cap 50)",
                },
            },
        ),
        "EmitAnswer": _obj(
            ["eventId", "canonicalName", "status", "duplicate", "version"],
            {
                "eventId": {"type": "string"},
                "canonicalName": {"type": "string"},
                "status": {"const": "queued"},
                "duplicate": {"type": "boolean"},
                "version": {"type": "string"},
            },
        ),
        "Failure": _obj(
            [
                "eventId",
                "name",
                "version",
                "canonicalName",
                "deliveryStatus",
                "failedAt",
                "lastError",
                "code",
                "message",
                "occurredAt",
            ],
            {
                "eventId": {"type": "string"},
                "name": {"type": "string"},
                "version": {"type": "string"},
                "canonicalName": {"type": "string"},
                "deliveryStatus": {"const": "FAILED"},
                "failedAt": _TIMESTAMP,
                "lastError": {"type": "string"},
                "code": {"const": "delivery_failed", "description": "the earlier shape's field"},
                "message": {"type": "string", "description": "the same as lastError"},
                "occurredAt": {**_TIMESTAMP, "description": "the same as failedAt"},
            },
        ),
        "Health": _obj(
            ["plan", "registrations", "emits", "recentFailures"],
            {
                "plan": {"type": "string", "enum": ["FREE", "BASIC", "PRO", "ENTERPRISE"]},
                "registrations": _obj(
                    ["used", "limit"],
                    {"used": {"type": "integer"}, "limit": {"type": ["integer", "null"]}},
                ),
                "emits": _obj(
                    ["thisMonth", "monthlyLimit"],
                    {"thisMonth": {"type": "integer"}, "monthlyLimit": {"type": ["integer", "null"]}},
                ),
                "recentFailures": {"type": "array", "maxItems": 10, "items": _ref("Failure")},
            },
        ),
        "LifecycleEvent": _obj(
            ["id", "type", "organizationId", "subject", "occurredAt", "data"],
            {
                "id": {"type": "integer", "description": "increasing; pass it as cursor to resume after it"},
                "type": {"type": "string", "enum": list(ALL_TYPES)},
                "organizationId": {"type": "string"},
                "subject": {"type": "string"},
                "occurredAt": _TIMESTAMP,
                "data": {"type": "object"},
            },
        ),
        "LifecycleEventList": _obj(
            ["items", "nextCursor"],
            {
                "items": {"type": "array", "items": _ref("LifecycleEvent")},
                "nextCursor": {"type": ["string", "null"]},
            },
        ),
        "Healthz": _obj(["status"], {"status": {"const": "ok"}}),
        "EventPolicy": _obj(
            ["namespace", "name", "compatibilityPolicy", "updatedAt"],
            {
                "namespace": _NAMESPACE,
                "name": _NAME,
                "compatibilityPolicy": _POLICY,
                "updatedAt": {"type": ["string", "null"], "description": "null: never set (strict)"},
            },
        ),
        "EventPolicyRequest": _obj(["compatibilityPolicy"], {"compatibilityPolicy": _POLICY}),
        "VersionUsage": _obj(
            [
                "namespace",
                "name",
                "version",
                "canonicalName",
                "status",
                "recentEmits7d",
                "lastEmittedAt",
                "since",
            ],
            {
                "namespace": {"type": "string"},
                "name": {"type": "string"},
                "version": {"type": "string"},
                "canonicalName": {"type": "string"},
                "status": _STATUS,
                "recentEmits7d": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "accepted emits of this version since `since` (7 days ago)",
                },
                "lastEmittedAt": _nullable(_TIMESTAMP),
                "since": _TIMESTAMP,
            },
        ),
    }


#: What a registration answer leads to: the operations on that version (OpenAPI links).
_VERSION_LINKS = {
    operation: {
        "operationId": operation,
        "parameters": {p: f"$response.body#/{p}" for p in ("namespace", "name", "version")},
    }
    for operation in ("getRegistration", "updateRegistration", "archiveRegistration", "getRegistrationUsage")
}


def _paths() -> dict[str, Any]:
    rule_codes = _codes_for(400)
    version_path = {
        "get": {
            "operationId": "getRegistration",
            "summary": "One version of an event, or its latest published version",
            "responses": {
                "200": _ok("the registration", _ref("Registration")),
                "400": _BAD_VERSION_PATH,
                "401": _UNAUTHENTICATED,
                "404": _error(
                    404, ["event_not_registered"], "no such version (or no published one for latest)"
                ),
            },
        },
        "patch": {
            "operationId": "updateRegistration",
            "summary": "Change the status and/or description of one version",
            "requestBody": _body("UpdateRequest"),
            "responses": {
                "200": _ok("the updated registration", _ref("Registration")),
                "400": _error(400, ["invalid_request", *_PATH_CODES], "bad body or path parameter"),
                "401": _UNAUTHENTICATED,
                "402": _error(
                    402, ["registration_quota_exceeded"], "re-publishing would exceed the plan's cap"
                ),
                "403": _error(403, ["cannot_archive_generic_event"], "platformxe.generic cannot be archived"),
                "404": _error(404, ["event_not_registered"], "no such version"),
                "409": _error(409, ["invalid_status_transition"], "the status change is not legal"),
            },
        },
        "delete": {
            "operationId": "archiveRegistration",
            "summary": "Archive one version (idempotent)",
            "responses": {
                "200": _ok("the registration, now archived", _ref("Registration")),
                "400": _BAD_VERSION_PATH,
                "401": _UNAUTHENTICATED,
                "403": _error(403, ["cannot_archive_generic_event"], "platformxe.generic cannot be archived"),
                "404": _error(404, ["event_not_registered"], "no such version"),
            },
        },
    }
    return {
        "/healthz": {
            "get": {
                "operationId": "healthz",
                "summary": "Liveness (no auth)",
                "security": [],
                "responses": {"200": _ok("the process is up", _ref("Healthz"))},
            }
        },
        "/v1/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This document (no auth)",
                "security": [],
                "responses": {"200": _ok("the OpenAPI 3.1 document", {"type": "object"})},
            }
        },
        BASE + "/dry-run": {
            "post": {
                "operationId": "dryRun",
                "summary": "Judge a candidate registration; every problem at once, nothing stored",
                "description": "Always 200 for a well-formed request, even when valid is false.",
                "requestBody": _body("DryRunRequest"),
                "responses": {
                    "200": _ok("the verdict", _ref("Verdict")),
                    "400": _error(
                        400,
                        ["invalid_request", "invalid_json_schema"],
                        "malformed JSON, a missing or unknown field, a wrong type (payloadSchema must be an "
                        "object, boolean or JSON text), NUL in a text field",
                    ),
                    "401": _UNAUTHENTICATED,
                    "413": _error(413, ["payload_too_large"], "the request body exceeds 2 MiB"),
                },
            }
        },
        BASE + "/dry-run/batch": {
            "post": {
                "operationId": "dryRunBatch",
                "summary": "Judge up to 100 candidates in one call, each exactly as POST /dry-run would; nothing stored",
                "description": "200 for a well-formed list; a candidate /dry-run would refuse gets its error "
                "in its place (the Terraform provider batches its plan-time dry-runs this way).",
                "requestBody": _body("DryRunBatchRequest"),
                "responses": {
                    "200": _ok("one result per candidate, in order", _ref("DryRunBatchResult")),
                    "400": _BAD_REQUEST,
                    "401": _UNAUTHENTICATED,
                    "413": _error(413, ["payload_too_large"], "the request body exceeds 2 MiB"),
                },
            }
        },
        BASE + "/registrations": {
            "post": {
                "operationId": "register",
                "summary": "Register a version of an event",
                "description": "Several broken rules: the first in the error-code table's order decides, "
                "details.errors lists all. version_already_exists carries details.schemaHash, "
                "details.sameSchema and details.existing.",
                "requestBody": _body("CandidateRequest"),
                "responses": {
                    "201": {**_ok("the new registration", _ref("Registration")), "links": _VERSION_LINKS},
                    "400": _error(400, rule_codes, "a rule is broken or the request is malformed"),
                    "401": _UNAUTHENTICATED,
                    "402": _error(
                        402, ["registration_quota_exceeded"], "the plan's registration cap is reached"
                    ),
                    "413": _error(413, ["payload_too_large"], "the request body exceeds 2 MiB"),
                },
            },
            "get": {
                "operationId": "listRegistrations",
                "summary": "List versions, ordered by namespace, name and version (numerically)",
                "responses": {
                    "200": _ok("a page", _ref("RegistrationList")),
                    "400": _error(
                        400,
                        ["invalid_request", "invalid_namespace", "invalid_name"],
                        "bad namespace, name, status, limit or cursor",
                    ),
                    "401": _UNAUTHENTICATED,
                },
            },
        },
        BASE + "/registrations/{namespace}/{name}/versions/{version}": version_path,
        BASE + "/registrations/{namespace}/{name}/versions/{version}/usage": {
            "get": {
                "operationId": "getRegistrationUsage",
                "summary": "How much one version is used: accepted emits in the last 7 days",
                "description": "Read-only. A Terraform plan reads it before archiving a version, to warn "
                "when the version is still emitted.",
                "responses": {
                    "200": _ok("the version's usage", _ref("VersionUsage")),
                    "400": _BAD_VERSION_PATH,
                    "401": _UNAUTHENTICATED,
                    "404": _error(404, ["event_not_registered"], "no such version"),
                },
            },
        },
        BASE + "/registrations/{namespace}/{name}/policy": {
            "get": {
                "operationId": "getEventPolicy",
                "summary": "The event's compatibility policy (strict unless set)",
                "description": "strict: a minor version must accept every payload the previous one "
                "accepted; lenient: every such payload that carries only declared properties.",
                "responses": {
                    "200": _ok("the policy", _ref("EventPolicy")),
                    "400": _error(
                        400, _PATH_CODES[:2], "the namespace or name in the path is not of its shape"
                    ),
                    "401": _UNAUTHENTICATED,
                    "404": _error(404, ["event_not_registered"], "the event has no version here"),
                },
            },
            "put": {
                "operationId": "setEventPolicy",
                "summary": "Set the event's compatibility policy",
                "description": "A change is logged as CUSTOM_EVENT_INVALIDATED with data.reason "
                "compatibility_policy_changed, compatibilityPolicy and previousPolicy.",
                "requestBody": _body("EventPolicyRequest"),
                "responses": {
                    "200": _ok("the policy", _ref("EventPolicy")),
                    "400": _error(
                        400, ["invalid_request", *_PATH_CODES[:2]], "not strict or lenient, or a bad path"
                    ),
                    "401": _UNAUTHENTICATED,
                    "404": _error(404, ["event_not_registered"], "the event has no version here"),
                },
            },
        },
        BASE + "/emit": {
            "post": {
                "operationId": "emit",
                "summary": "Emit a payload to a registered event (queued for the bus)",
                "requestBody": _body("EmitRequest"),
                "responses": {
                    "202": {
                        **_ok(
                            "accepted (or a replay of an idempotency key: duplicate true)", _ref("EmitAnswer")
                        ),
                        "links": links(EMIT_OPERATIONS, "eventId", "/eventId"),
                    },
                    "400": _error(
                        400,
                        ["invalid_request", "invalid_version_format", "payload_invalid"],
                        "bad request or payload",
                    ),
                    "401": _UNAUTHENTICATED,
                    "402": _error(
                        402, ["monthly_emit_quota_exceeded"], "the plan's monthly ceiling is reached"
                    ),
                    "404": _error(404, ["event_not_registered"], "no such event or version"),
                    "409": _error(
                        409, ["event_not_published"], "draft/archived target, or the plan forbids it"
                    ),
                    "413": _error(413, ["payload_too_large"], "the payload exceeds 262,144 bytes"),
                    "422": _error(
                        422,
                        ["chain_depth_exceeded"],
                        "causationId is at depth 50: the chain would pass the cap",
                    ),
                    "502": _error(
                        502,
                        ["bus_relay_failed"],
                        "--bus nats: the audit row is written, the push failed; details.eventId, relayed later",
                    ),
                },
            }
        },
        BASE + "/health": {
            "get": {
                "operationId": "health",
                "summary": "Plan, usage against limits and the last 10 emits whose delivery failed",
                "responses": {"200": _ok("usage", _ref("Health")), "401": _UNAUTHENTICATED},
            }
        },
        BASE + "/lifecycle-events": {
            "get": {
                "operationId": "lifecycleEvents",
                "summary": "The organisation's lifecycle log, oldest first",
                "responses": {
                    "200": _ok("a page", _ref("LifecycleEventList")),
                    "400": _error(400, ["invalid_request"], "bad limit or cursor"),
                    "401": _UNAUTHENTICATED,
                },
            }
        },
    }


def _with_parameters(paths: dict[str, Any], routes: Sequence[Route]) -> dict[str, Any]:
    """``paths`` with each operation's parameters read from the route that serves it.

    A route declares its parameters once (``endpoint(..., params=...)``, the table in
    ``registry/parameters.py``); the server checks exactly those and the document lists exactly those.
    """
    for route in routes:
        declared = getattr(route.endpoint, "params", ())
        item = paths.get(route.path, {})
        for method in route.methods or ():
            operation = item.get(method.lower())
            if operation is not None and declared:
                operation["parameters"] = [p.openapi() for p in declared]
    return paths


def document(routes: Sequence[Route]) -> dict[str, Any]:
    """The whole OpenAPI 3.1 document of the app serving ``routes`` (``app.api_routes()``)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "PlatformXe custom events registry",
            "version": __version__,
            "description": "Register typed event schemas, emit payloads against them, read usage and the "
            "lifecycle log. Errors are always {error: {code, message, details}}; unknown routes answer "
            "404 not_found.",
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "security": [{"bearer": []}],
        "paths": _with_rate_limits(
            _with_parameters({**_paths(), **bus_paths(), **marketplace_paths(), **federation_paths()}, routes)
        ),
        "components": {
            "schemas": {**_schemas(), **bus_schemas(), **marketplace_schemas(), **federation_schemas()},
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "an organisation's API key (pxe_…)",
                }
            },
        },
    }


def _with_rate_limits(paths: dict[str, Any]) -> dict[str, Any]:
    """Every authenticated operation may answer 429 ``rate_limited`` with ``Retry-After``
    (registry/ratelimit.py): write operations past the plan's rate limit, any operation past the
    organisation's in-flight cap."""
    # deferred: the limits library (~100 ms, bench/deferred_imports.py) is loaded by the app
    # anyway; the document alone (docs, the OpenAPI tests) does not need it at import
    from platformxe.registry.ratelimit import DEFAULT_LIMITS, DEFAULT_MAX_IN_FLIGHT, rate_limit_kind

    def tiers(kind: str) -> str:
        return "; ".join(f"{tier.value} {limits[kind]}" for tier, limits in DEFAULT_LIMITS.items())

    in_flight = f"more than {DEFAULT_MAX_IN_FLIGHT} requests of the organisation in flight"
    for path, item in paths.items():
        for method, operation in item.items():
            if (
                not isinstance(operation, dict)
                or operation.get("security") == []
                or "responses" not in operation
            ):
                continue
            kind = rate_limit_kind(method, path)
            when = (
                in_flight
                if kind is None
                else (
                    f"the organisation used its {kind} rate limit (defaults per plan, operator-configurable: "
                    f"{tiers(kind)}), or {in_flight}"
                )
            )
            if "requestBody" in operation:
                # Any body is read up to 2 MiB first (registry/bodies.py), whatever the operation.
                operation["responses"].setdefault(
                    "413", _error(413, ["payload_too_large"], "the request body exceeds 2 MiB")
                )
            operation["responses"]["429"] = {
                "description": f"{when}; retry after Retry-After seconds (code: rate_limited)",
                "headers": {
                    "Retry-After": {
                        "description": "whole seconds to wait before the request would be accepted",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 1},
                    }
                },
                "content": {_JSON: {"schema": _ref("Error")}},
            }
            judged = (
                BASE + "/dry-run",
                BASE + "/registrations",
                BASE + "/emit",
                BASE + "/marketplace/listings/{id}/fork",
            )
            if method == "post" and path in judged:
                # judged in a worker process
                operation["responses"]["503"] = {
                    "description": "the worker judging the request stopped (it was killed from outside); "
                    "retry after Retry-After seconds (code: unavailable)",
                    "headers": {
                        "Retry-After": {"required": True, "schema": {"type": "integer", "minimum": 1}}
                    },
                    "content": {_JSON: {"schema": _ref("Error")}},
                }
    return paths
