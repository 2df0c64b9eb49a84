"""Error codes of the custom-events contract and the HTTP status each one carries.

The product's error table (docs/registry.md) is binding: its codes, its statuses and its *order*
(a request that breaks several rules answers with the first code in table order, see docs/rules.md).
Codes that the specification does not list but the contract needs (``unauthenticated``,
``invalid_status_transition``, ``invalid_request``, ``not_found``) come after the product's own.
"""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    """Every error code the rules engine, the registry or the provider can report."""

    INVALID_NAMESPACE = "invalid_namespace"
    RESERVED_NAMESPACE = "reserved_namespace"
    NAMESPACE_NOT_ALLOWED = "namespace_not_allowed"
    INVALID_NAME = "invalid_name"
    INVALID_VERSION_FORMAT = "invalid_version_format"
    CANNOT_REGISTER_GENERIC_EVENT = "cannot_register_generic_event"
    VERSION_ALREADY_EXISTS = "version_already_exists"
    VERSION_DOWNGRADE = "version_downgrade"
    VERSION_INVALID_JUMP = "version_invalid_jump"
    PATCH_MUST_BE_BYTE_EQUAL = "patch_must_be_byte_equal"
    MINOR_MUST_BE_BACKWARDS_COMPATIBLE = "minor_must_be_backwards_compatible"
    SCHEMA_TOO_DEEP = "schema_too_deep"
    SCHEMA_TOO_WIDE = "schema_too_wide"
    INVALID_JSON_SCHEMA = "invalid_json_schema"
    PAYLOAD_EXAMPLE_DOES_NOT_MATCH_SCHEMA = "payload_example_does_not_match_schema"
    REGISTRATION_QUOTA_EXCEEDED = "registration_quota_exceeded"
    EVENT_NOT_REGISTERED = "event_not_registered"
    EVENT_NOT_PUBLISHED = "event_not_published"
    PAYLOAD_INVALID = "payload_invalid"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    CHAIN_DEPTH_EXCEEDED = "chain_depth_exceeded"
    MONTHLY_EMIT_QUOTA_EXCEEDED = "monthly_emit_quota_exceeded"
    BUS_RELAY_FAILED = "bus_relay_failed"
    CANNOT_ARCHIVE_GENERIC_EVENT = "cannot_archive_generic_event"
    # Not in the error-code table; decided in docs/rules.md.
    INVALID_STATUS_TRANSITION = "invalid_status_transition"
    UNAUTHENTICATED = "unauthenticated"
    INVALID_REQUEST = "invalid_request"
    # The bus (docs/bus.md): a refused webhook URL; the plan's cap on subscriptions.
    INVALID_WEBHOOK_URL = "invalid_webhook_url"
    SUBSCRIPTION_QUOTA_EXCEEDED = "subscription_quota_exceeded"
    # The marketplace (docs/marketplace.md): a plan below Pro publishing or forking; a version
    # listed twice.
    PLAN_UPGRADE_REQUIRED = "plan_upgrade_required"
    LISTING_ALREADY_EXISTS = "listing_already_exists"
    # Federation (docs/federation.md): a duplicate (already invited, already a member, push or
    # HTTPS peer already declared) or an invitation that is no longer pending.
    FEDERATION_CONFLICT = "federation_conflict"


#: HTTP status of each code (the error-code table, then our additions, docs/rules.md).
HTTP_STATUS: dict[Code, int] = {
    Code.INVALID_NAMESPACE: 400,
    Code.RESERVED_NAMESPACE: 400,
    Code.NAMESPACE_NOT_ALLOWED: 400,
    Code.INVALID_NAME: 400,
    Code.INVALID_VERSION_FORMAT: 400,
    Code.CANNOT_REGISTER_GENERIC_EVENT: 400,
    Code.VERSION_ALREADY_EXISTS: 400,
    Code.VERSION_DOWNGRADE: 400,
    Code.VERSION_INVALID_JUMP: 400,
    Code.PATCH_MUST_BE_BYTE_EQUAL: 400,
    Code.MINOR_MUST_BE_BACKWARDS_COMPATIBLE: 400,
    Code.SCHEMA_TOO_DEEP: 400,
    Code.SCHEMA_TOO_WIDE: 400,
    Code.INVALID_JSON_SCHEMA: 400,
    Code.PAYLOAD_EXAMPLE_DOES_NOT_MATCH_SCHEMA: 400,
    Code.REGISTRATION_QUOTA_EXCEEDED: 402,
    Code.EVENT_NOT_REGISTERED: 404,
    Code.EVENT_NOT_PUBLISHED: 409,
    Code.PAYLOAD_INVALID: 400,
    Code.PAYLOAD_TOO_LARGE: 413,
    Code.CHAIN_DEPTH_EXCEEDED: 422,
    Code.MONTHLY_EMIT_QUOTA_EXCEEDED: 402,
    Code.BUS_RELAY_FAILED: 502,
    Code.CANNOT_ARCHIVE_GENERIC_EVENT: 403,
    Code.INVALID_STATUS_TRANSITION: 409,
    Code.UNAUTHENTICATED: 401,
    Code.INVALID_REQUEST: 400,
    Code.INVALID_WEBHOOK_URL: 400,
    Code.SUBSCRIPTION_QUOTA_EXCEEDED: 402,
    Code.PLAN_UPGRADE_REQUIRED: 402,
    Code.LISTING_ALREADY_EXISTS: 409,
    Code.FEDERATION_CONFLICT: 409,
}

#: Position of each code in the error-code table: the first broken rule in this order decides
#: the status and top-level code of an answer that breaks several.
SEED_ORDER: dict[Code, int] = {code: index for index, code in enumerate(Code)}


def first_in_seed_order(codes: list[Code] | list[str]) -> Code:
    """The code that comes first in the error-code table among ``codes`` (which must not be empty)."""
    return min((Code(c) for c in codes), key=SEED_ORDER.__getitem__)
