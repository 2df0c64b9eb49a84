"""Schemathesis hooks for tests/contract/test_openapi_schemathesis.py (loaded via SCHEMATHESIS_HOOKS).

Registering a version, emitting a payload and forking a listing (a registration) can be refused
for rules no OpenAPI document can state (the organisation's allowlist, the versions already
registered, the schema a payload must satisfy); a subscription's PATCH and replay for what is
stored (a field of the other kind, kinds without the generic event among the stored events, a
disabled subscription). For those operations the run lets a schema-valid request be answered
400, and this check narrows that back down: the 400 must carry one of those business-rule codes
(or, for the subscription's state, invalid_request on the named field with a message about that
state), never a code meaning "the request is malformed" (which would mean the document is looser
than the API).
"""

from __future__ import annotations

from typing import Any

import schemathesis

#: Operations whose schema-valid requests may break a rule the document cannot express.
BUSINESS_RULE_OPERATIONS = {"register", "emit", "forkListing"}
#: Operations refused for the stored resource's state: operationId -> {field: words its message holds}.
STATE_RULES = {
    "updateSubscription": {"url": "kind", "workflow": "kind", "kinds": "add platformxe.generic"},
    "replaySubscription": {"enabled": "disabled"},
    "leaveFederationGroup": {"id": "owner cannot leave"},
    "inviteToFederationGroup": {"organizationId": "owner is in its group"},
}
#: The codes of those rules (docs/registry.md). Shape codes (invalid_request, invalid_namespace,
#: invalid_name, invalid_version_format, reserved_namespace ...) are not here on purpose.
BUSINESS_RULE_CODES = {
    "namespace_not_allowed",
    "version_already_exists",
    "version_downgrade",
    "version_invalid_jump",
    "patch_must_be_byte_equal",
    "minor_must_be_backwards_compatible",
    "schema_too_deep",
    "schema_too_wide",
    "invalid_json_schema",
    "payload_example_does_not_match_schema",
    "payload_invalid",
}


@schemathesis.check
def valid_requests_break_only_business_rules(ctx: Any, response: Any, case: Any) -> bool | None:
    """A schema-valid request refused with 400 names a rule the document cannot express."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 400:
        return None
    operation = case.operation.definition.raw.get("operationId")
    if operation not in BUSINESS_RULE_OPERATIONS and operation not in STATE_RULES:
        return None  # positive_data_acceptance already refuses any 400 there
    try:
        body = response.json()
    except ValueError:
        raise AssertionError(f"400 without a JSON error body: {response.text[:200]}") from None
    if operation in STATE_RULES:
        error = body["error"]
        words = STATE_RULES[operation].get(error["details"].get("field", ""))
        if error["code"] == "invalid_request" and words is not None and words in error["message"]:
            return None
        raise AssertionError(
            f"a request valid per /v1/openapi.json was refused ({error['code']}): {error['message']}"
        )
    codes = {body["error"]["code"], *(e["code"] for e in body["error"]["details"].get("errors", []))}
    shape = codes - BUSINESS_RULE_CODES
    if shape:
        raise AssertionError(
            f"a request valid per /v1/openapi.json was refused for its shape ({', '.join(sorted(shape))}): "
            f"{body['error']['message']}"
        )
    return None


#: Operations whose 404 may be about a body field rather than the resource of the path:
#: operationId -> the fields a 404 of theirs may name.
NOT_FOUND_FIELDS = {
    "updateSubscription": {"id", "events", "workflow"},
    "declareFederationPush": {"id", "event"},
    "inviteToFederationGroup": {"id", "organizationId"},
}


@schemathesis.check
def not_found_names_what_is_missing(ctx: Any, response: Any, case: Any) -> bool | None:
    """A 404 of those operations names the path's resource or the body field that is unknown."""
    fields = NOT_FOUND_FIELDS.get(case.operation.definition.raw.get("operationId"))
    if fields is None or response.status_code != 404:
        return None
    error = response.json()["error"]
    field = error["details"].get("field")
    if error["code"] not in ("not_found", "event_not_registered") or field not in fields:
        raise AssertionError(f"a 404 naming {field!r} ({error['code']}): {error['message']}")
    return None
