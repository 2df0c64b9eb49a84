"""Reading request bodies and query strings into typed values, or a 400 naming the field.

Everything here raises :func:`~platformxe.registry.errors.invalid_request` with the exact
camelCase field name and what would be accepted, so clients never get a traceback.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

from platformxe.registry.errors import ApiError, invalid_request, problem_error
from platformxe.rules.codes import Code
from platformxe.rules.types import COMPAT_POLICIES, Problem, Status

#: Largest request body read at all (the payload cap itself is 256 KiB and is checked by the
#: rules engine with its error code; this only stops a client from streaming gigabytes).
MAX_BODY_BYTES = 2 * 1024 * 1024

#: Deepest nesting of arrays/objects accepted inside one body field. Far above any real payload
#: (and schemas may only be 5 levels deep), far below what recursive code (the JSON encoder,
#: jsonschema, the rules engine) can walk without hitting Python's recursion limit.
MAX_JSON_DEPTH = 128

_MISSING = object()
#: A lone surrogate (JSON allows ``"\\ud800"``; no UTF-8 database column can store it).
_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _pointer_token(key: str | int) -> str:
    return "/" + str(key).replace("~", "~0").replace("/", "~1")


def json_hazard(value: Any) -> tuple[str, str] | None:
    """``(pointer, reason)`` of the first part of ``value`` the registry cannot store faithfully.

    Refused: nesting deeper than :data:`MAX_JSON_DEPTH`, non-finite numbers (``1e400``
    parses to infinity, which JSON cannot represent: it would be written out as ``Infinity``)
    and unpaired surrogates. NUL inside strings is fine: stored JSON text escapes it.
    Iterative, so a deep document cannot exhaust the stack while being checked.
    """
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    while stack:
        item, pointer, depth = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return pointer, "a number too large to represent (JSON numbers must be finite)"
        if isinstance(item, str) and _SURROGATE.search(item):
            return pointer, "a string with an unpaired UTF-16 surrogate (not valid Unicode)"
        children: Any = ()
        if isinstance(item, dict):
            bad_key = next((k for k in item if _SURROGATE.search(k)), None)
            if bad_key is not None:
                return pointer, "a property name with an unpaired UTF-16 surrogate (not valid Unicode)"
            children = item.items()
        elif isinstance(item, list):
            children = enumerate(item)
        else:
            continue
        if depth >= MAX_JSON_DEPTH:
            return pointer, f"arrays/objects nested more than {MAX_JSON_DEPTH} levels deep"
        for key, child in children:
            stack.append((child, pointer + _pointer_token(key), depth + 1))
    return None


def _deep_field(text: str) -> str:
    """The top-level key of a JSON object text whose value is nested too deeply ("body" if none).

    Only used after the parser gave up on recursion, so a linear scan is affordable.
    """
    depth = 0
    in_string = escaped = False
    start = 0
    last_key = ""
    for index, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
                if depth == 1:
                    last_key = text[start : index + 1]
        elif char == '"':
            in_string, start = True, index
        elif char in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                try:
                    key = json.loads(last_key) if last_key else ""
                except ValueError:
                    key = ""
                return key if isinstance(key, str) and key else "body"
        elif char in "]}":
            depth -= 1
    return "body"


def parse_body(raw: bytes) -> dict[str, Any]:
    """The JSON object of a request body."""
    if not raw.strip():
        raise invalid_request("body", "the request body is empty; send a JSON object")
    try:
        value = json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError:
        field = _deep_field(raw.decode("utf-8", "replace"))
        reason = f"arrays/objects nested more than {MAX_JSON_DEPTH} levels deep"
        raise _hazard_error(field, "", reason) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise invalid_request(
            "body", f"the request body is not valid JSON ({exc}); send a JSON object"
        ) from None
    return require_object(value)


def require_object(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object (a request body, or one candidate of a batch), else 400."""
    if not isinstance(value, dict):
        raise invalid_request("body", f"the request body must be a JSON object, not {_json_type(value)}")
    for field, item in value.items():
        hazard = json_hazard(item)
        if hazard is not None:
            raise _hazard_error(field, *hazard)
    return value


def _hazard_error(field: str, pointer: str, reason: str) -> ApiError:
    """400 for a document the registry refuses to process (see :func:`json_hazard`).

    A schema gets ``invalid_json_schema`` (docs/registry.md, error codes); anything else is a malformed request.
    """
    code = Code.INVALID_JSON_SCHEMA if field == "payloadSchema" else Code.INVALID_REQUEST
    message = f"{field} has {reason} at {pointer or '/'}; send a JSON document without it"
    return problem_error([Problem(code, message, field, pointer)])


def check_json_text(body: Mapping[str, Any], field: str) -> None:
    """Apply :func:`json_hazard` to a field sent as JSON text (schemas and examples may be).

    Text that does not parse is left to the rules engine, which reports it with its error code.
    """
    text = body.get(field)
    if not isinstance(text, str):
        return
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise _hazard_error(
            field, "", f"arrays/objects nested more than {MAX_JSON_DEPTH} levels deep"
        ) from None
    except ValueError:
        return
    hazard = json_hazard(value)
    if hazard is not None:
        raise _hazard_error(field, *hazard)


def reject_unknown_fields(body: Mapping[str, Any], accepted: tuple[str, ...], hint: str = "") -> None:
    """400 naming the first field of ``body`` not in ``accepted`` (the OpenAPI bodies are closed).

    A misspelt optional field (``idempotency_key``, ``stauts``) would otherwise be dropped
    silently and the request would do something the client did not ask for.
    """
    for field in body:
        if field not in accepted:
            listed = ", ".join(accepted)
            raise ApiError(
                400,
                str(Code.INVALID_REQUEST),
                f"unknown field {field!r}; accepted fields: {listed}{hint}",
                {"field": field, "accepted": list(accepted)},
            )


def body_too_large() -> ApiError:
    """413 for a body above :data:`MAX_BODY_BYTES` (before it is even parsed)."""
    return ApiError(
        413,
        str(Code.PAYLOAD_TOO_LARGE),
        f"the request body exceeds {MAX_BODY_BYTES} bytes; payloads are limited to 262,144 bytes",
        {"field": "body", "limit": MAX_BODY_BYTES},
    )


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def check_text(field: str, value: str) -> str:
    """``value`` unless it holds text no database column can store (then 400 naming ``field``).

    PostgreSQL refuses NUL in text and neither driver can encode an unpaired UTF-16 surrogate
    (``"\\ud800"`` in JSON); both backends refuse the same inputs so behaviour does not depend
    on the deployment.
    """
    if "\x00" in value:
        raise invalid_request(field, f"{field} must not contain NUL characters (\\u0000)")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise invalid_request(
            field, f"{field} contains an unpaired UTF-16 surrogate; send valid Unicode text"
        ) from None
    return value


def check_params(params: Mapping[str, str]) -> None:
    """:func:`check_text` on every query or path parameter (name and value)."""
    for name, value in params.items():
        check_text(name, name)
        check_text(name, value)


def require_str(body: Mapping[str, Any], field: str) -> str:
    """A required string field."""
    value = body.get(field, _MISSING)
    if value is _MISSING or value is None:
        raise invalid_request(field, f"{field} is required (a string)")
    if not isinstance(value, str):
        raise invalid_request(field, f"{field} must be a string, not {_json_type(value)}")
    return check_text(field, value)


def optional_str(body: Mapping[str, Any], field: str, max_length: int | None = None) -> str | None:
    """An optional string field (absent or null → None)."""
    value = body.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid_request(field, f"{field} must be a string or null, not {_json_type(value)}")
    if max_length is not None and not 1 <= len(value) <= max_length:
        raise invalid_request(field, f"{field} must be 1 to {max_length} characters long")
    return check_text(field, value)


def require_schema_value(body: Mapping[str, Any], field: str) -> Any:
    """A required schema field: a JSON object or boolean, or its JSON text (else 400 invalid_json_schema).

    What the text holds is judged by the rules engine; a value of another JSON type (null, a
    number, an array) is not a schema in any spelling, so the request itself is refused.
    """
    value = require_present(body, field, "a JSON Schema 2020-12 or OpenAPI 3.1 schema")
    if not isinstance(value, dict | bool | str):
        raise problem_error(
            [
                Problem(
                    Code.INVALID_JSON_SCHEMA,
                    f"{field} must be a JSON Schema (a JSON object or boolean) or its JSON text, not "
                    f"{_json_type(value)}",
                    field,
                )
            ]
        )
    return value


def require_present(body: Mapping[str, Any], field: str, what: str) -> Any:
    """A required field of any JSON type (``what`` says what is expected)."""
    if field not in body:
        raise invalid_request(field, f"{field} is required ({what})")
    return body[field]


def optional_status(body: Mapping[str, Any], field: str = "status") -> Status | None:
    """An optional status: draft, published or archived (absent → None; null is refused)."""
    if field in body and body[field] is None:
        accepted = ", ".join(s.value for s in Status)
        raise invalid_request(field, f"{field} must be one of {accepted}, not null; omit it instead")
    value = optional_str(body, field)
    if value is None:
        return None
    try:
        return Status(value)
    except ValueError:
        accepted = ", ".join(f'"{s.value}"' for s in Status)
        raise invalid_request(field, f'{field} "{value}" is not a status; accepted: {accepted}') from None


def optional_policy(body: Mapping[str, Any], field: str = "compatibilityPolicy") -> str | None:
    """An optional compatibility policy: strict or lenient (absent → None; null is refused, as the
    OpenAPI document says: a null policy has no meaning, omit the field instead)."""
    if field in body and body[field] is None:
        accepted = ", ".join(COMPAT_POLICIES)
        raise invalid_request(field, f"{field} must be one of {accepted}, not null; omit it instead")
    value = optional_str(body, field)
    if value is None:
        return None
    if value not in COMPAT_POLICIES:
        accepted = ", ".join(f'"{p}"' for p in COMPAT_POLICIES)
        raise invalid_request(field, f'{field} "{value}" is not a compatibility policy; accepted: {accepted}')
    return value


def query_limit(query: Mapping[str, str], default: int = 50, maximum: int = 500) -> int:
    """The ``limit`` query parameter: an integer from 1 to ``maximum``."""
    text = query.get("limit")
    if text is None or text == "":
        return default
    if not re.fullmatch(r"[0-9]{1,6}", text) or not 1 <= int(text) <= maximum:
        raise invalid_request("limit", f"limit must be an integer from 1 to {maximum}, got {text!r}")
    return int(text)
