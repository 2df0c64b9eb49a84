"""Payload schemas: JSON parsing, flavour, metaschema validity, local references and caps.

:func:`check_schema` returns every problem of a candidate schema at once, each naming the JSON
pointer at fault. The decisions it implements (docs/rules.md):

- The root must be a JSON object. A boolean root is legal JSON Schema but useless for events
  (``true`` accepts anything, ``false`` nothing), so it is refused.
- ``$schema`` (wherever it appears) may only name JSON Schema 2020-12 or the OpenAPI 3.1
  dialect; leaving it out means 2020-12.
- OpenAPI 3.0's ``nullable`` is refused with the 3.1 spelling as a hint.
- The 2020-12 metaschema is applied with format assertion, so an invalid regular expression
  in ``pattern`` or a ``patternProperties`` key is reported. A fast pre-check
  (:mod:`platformxe.rules.metacheck`) skips the slow official metaschema pass for schemas it can
  prove valid; any doubt runs the real metaschema, which then lists every error.
- Every ``$ref``/``$dynamicRef`` must resolve inside the document; remote ones are refused.
- Numbers must have an exact RFC 8785 form (the schema hash depends on it).
- Caps: see :mod:`platformxe.rules.caps`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from platformxe.rules.canonical import find_unrepresentable_number
from platformxe.rules.caps import MAX_DEPTH, MAX_PROPERTIES, check_caps, count_properties, schema_depth
from platformxe.rules.codes import Code
from platformxe.rules.ecma import EcmaPatternError, compile_pattern
from platformxe.rules.metacheck import metaschema_clean
from platformxe.rules.payload import MAX_PAYLOAD_BYTES, check_payload_size, validate_payload
from platformxe.rules.refs import reference_problems
from platformxe.rules.types import Problem, SchemaFlavour
from platformxe.rules.walk import SchemaNode, iter_schemas, pointer_from_path, pointer_join

__all__ = [
    "JSON_SCHEMA_2020_12_URI",
    "MAX_DEPTH",
    "MAX_PAYLOAD_BYTES",
    "MAX_PROPERTIES",
    "OPENAPI_3_1_DIALECT_URI",
    "OPENAPI_ONLY_KEYWORDS",
    "check_payload_size",
    "check_schema",
    "count_properties",
    "detect_flavour",
    "parse_json_field",
    "schema_depth",
    "validate_payload",
]

JSON_SCHEMA_2020_12_URI = "https://json-schema.org/draft/2020-12/schema"
OPENAPI_3_1_DIALECT_URI = "https://spec.openapis.org/oas/3.1/dialect/base"
#: The OpenAPI 3.1 dialect id is ``.../dialect/base``; the OpenAPI Initiative also publishes
#: dated iterations (``.../dialect/2024-10-25``) of the same dialect. An empty fragment ``#`` names
#: the same resource, and many tools write one, so it is accepted for both dialects.
_OPENAPI_DIALECT_RE = re.compile(r"https://spec\.openapis\.org/oas/3\.1/dialect/(base|\d{4}-\d{2}-\d{2})#?")
_JSON_SCHEMA_RE = re.compile(re.escape(JSON_SCHEMA_2020_12_URI) + "#?")
#: Keywords that exist in OpenAPI 3.1 schema objects but not in JSON Schema 2020-12.
OPENAPI_ONLY_KEYWORDS: frozenset[str] = frozenset({"discriminator", "xml", "externalDocs", "example"})

#: Beyond this depth the metaschema and reference checks are skipped: the schema is already
#: refused as too deep, and evaluating a hostile nesting could exhaust the interpreter's stack.
_FULL_CHECK_DEPTH_LIMIT = 3 * MAX_DEPTH

_PARSE_CODES: dict[str, Code] = {
    "payloadSchema": Code.INVALID_JSON_SCHEMA,
    "payloadExample": Code.PAYLOAD_EXAMPLE_DOES_NOT_MATCH_SCHEMA,
    "payload": Code.PAYLOAD_INVALID,
}


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(f"key {key!r} appears twice in one object")
        out[key] = value
    return out


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON (only finite numbers are)")


def parse_json_field(value: Any, field: str) -> tuple[Any, list[Problem]]:
    """Parse ``value`` when it is JSON text; pass already-parsed values through.

    Returns ``(parsed, problems)``; on a parse error ``parsed`` is None and the single problem
    carries the field's code (``invalid_json_schema`` for payloadSchema,
    ``payload_example_does_not_match_schema`` for payloadExample, ``payload_invalid`` for payload,
    ``invalid_request`` otherwise). Duplicate object keys and NaN/Infinity are refused: they
    make the document's meaning depend on the parser.
    """
    if not isinstance(value, str):
        return value, []
    code = _PARSE_CODES.get(field, Code.INVALID_REQUEST)
    try:
        return json.loads(value, object_pairs_hook=_no_duplicates, parse_constant=_refuse_constant), []
    except json.JSONDecodeError as exc:
        reason = f"{exc.msg} at line {exc.lineno} column {exc.colno}"
    except (_DuplicateKey, ValueError) as exc:
        reason = str(exc)
    except RecursionError:
        reason = "it is nested too deeply to parse"
    return None, [Problem(code, f"{field} is not valid JSON: {reason}; send a JSON document", field)]


def _dialect(value: Any) -> SchemaFlavour | None:
    if not isinstance(value, str):
        return None
    if _JSON_SCHEMA_RE.fullmatch(value):
        return SchemaFlavour.JSON_SCHEMA_2020_12
    if _OPENAPI_DIALECT_RE.fullmatch(value):
        return SchemaFlavour.OPENAPI_3_1
    return None


def detect_flavour(schema: Any, nodes: Sequence[SchemaNode] | None = None) -> SchemaFlavour:
    """``openapi-3.1`` when the root ``$schema`` names the OpenAPI 3.1 dialect or an OpenAPI-only
    keyword (discriminator, xml, externalDocs, example) appears in a schema position; otherwise
    ``json-schema-2020-12``."""
    if isinstance(schema, dict) and _dialect(schema.get("$schema")) is SchemaFlavour.OPENAPI_3_1:
        return SchemaFlavour.OPENAPI_3_1
    for node in iter_schemas(schema) if nodes is None else nodes:
        if isinstance(node.schema, dict) and not OPENAPI_ONLY_KEYWORDS.isdisjoint(node.schema):
            return SchemaFlavour.OPENAPI_3_1
    return SchemaFlavour.JSON_SCHEMA_2020_12


def _problem(message: str, pointer: str = "", **details: Any) -> Problem:
    return Problem(Code.INVALID_JSON_SCHEMA, message, "payloadSchema", pointer, details=details)


def _where(pointer: str) -> str:
    return f"at {pointer}" if pointer else "at the root"


def _dialect_and_openapi30(schema: dict[str, Any], nodes: Sequence[SchemaNode]) -> list[Problem]:
    problems: list[Problem] = []
    for node in nodes:
        sub = node.schema
        if not isinstance(sub, dict):
            continue
        if "$schema" in sub and _dialect(sub["$schema"]) is None:
            problems.append(
                _problem(
                    f"$schema {json.dumps(sub['$schema'])} {_where(node.pointer)} is not accepted: only "
                    f"JSON Schema 2020-12 ({JSON_SCHEMA_2020_12_URI}) or the OpenAPI 3.1 dialect "
                    f"({OPENAPI_3_1_DIALECT_URI}) are, or leave $schema out",
                    pointer_join(node.pointer, "$schema"),
                )
            )
        if "nullable" in sub:
            declared = sub.get("type")
            hint = (
                f'use "type": [{json.dumps(declared)}, "null"]'
                if isinstance(declared, str)
                else 'add "null" to "type", e.g. "type": ["string", "null"]'
            )
            if sub["nullable"] is False:
                hint = 'remove it (values are not nullable unless "null" is in "type")'
            problems.append(
                _problem(
                    f'"nullable" {_where(node.pointer)} is OpenAPI 3.0 and means nothing in JSON Schema '
                    f"2020-12 or OpenAPI 3.1: {hint}",
                    pointer_join(node.pointer, "nullable"),
                )
            )
    return problems


_JSON_TYPES = '"array", "boolean", "integer", "null", "number", "object" or "string"'


def _metaschema_message(error: Any, pointer: str) -> str:
    """A sentence for one metaschema violation that says what would be accepted."""
    path = list(error.absolute_path)
    keyword = str(path[-1]) if path else ""
    where = f"at {pointer}" if pointer else "at the root"
    shown = json.dumps(error.instance, ensure_ascii=False)[:60]
    if error.validator == "format" and error.validator_value == "regex":
        return f"{where}: {_regex_reason(error.instance)}"
    if keyword == "type" and error.validator in ("anyOf", "enum"):
        return f'"type" {where} must be one of {_JSON_TYPES}, or an array of them (got {shown})'
    if error.validator == "type":
        expected = error.validator_value
        if isinstance(expected, list):
            expected = " or ".join(str(t) for t in expected)
        article = "an" if str(expected)[:1] in "aeiou" else "a"
        name = f'"{keyword}"' if keyword and not keyword.isdigit() else "this value"
        return f"{name} {where} must be {article} {expected} (got {shown})"
    if error.validator == "minimum":
        return f'"{keyword}" {where} must be at least {error.validator_value} (got {shown})'
    if error.validator == "uniqueItems":
        return f'"{keyword}" {where} must not list the same item twice'
    if error.validator == "format":
        return f"{shown} {where} must be a valid {error.validator_value}"
    if error.validator == "pattern":
        return f"{shown} {where} must match {error.validator_value}"
    return f"{where}: {error.message} (2020-12 metaschema rule {error.validator!r})"


def _regex_reason(pattern: Any) -> str:
    try:
        compile_pattern(pattern)
    except EcmaPatternError as err:
        return str(err)
    return f"{json.dumps(pattern, ensure_ascii=False)[:60]} is not a valid ECMA-262 regular expression"


_meta_validator: Any = None


def _metaschema_problems(schema: dict[str, Any]) -> list[Problem]:
    """Every violation of the official 2020-12 metaschema, with the pointer of the offending value."""
    global _meta_validator
    if _meta_validator is None:
        # deferred: jsonschema ~140 ms (bench/deferred_imports.py); the provider imports this
        # module at start, before any schema is checked
        from jsonschema import Draft202012Validator

        from platformxe.rules.formats import format_checker

        # our format checker: ``pattern`` values (format "regex") are read as ECMA-262
        _meta_validator = Draft202012Validator(
            Draft202012Validator.META_SCHEMA, format_checker=format_checker()
        )
    meta = _meta_validator
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for error in meta.iter_errors(schema):
        pointer = pointer_from_path(error.absolute_path)
        message = _metaschema_message(error, pointer)
        if (pointer, message) in seen:
            continue  # the metaschema's vocabularies can report one fault twice
        seen.add((pointer, message))
        problems.append(_problem(message, pointer, keyword=str(error.validator)))
    return problems


def _references(schema: dict[str, Any], malformed: bool, nodes: Sequence[SchemaNode]) -> list[Problem]:
    if not malformed:
        return reference_problems(schema, nodes)
    try:
        return reference_problems(schema, nodes)
    except Exception:
        # The resolver assumes a well-formed document; the metaschema errors already say what
        # is wrong, and references are checked again once those are fixed.
        return []


def check_schema(
    schema: Any, nodes: Sequence[SchemaNode] | None = None, *, hashed: bool = False
) -> list[Problem]:
    """Every problem of a candidate payload schema (``invalid_json_schema``, ``schema_too_deep``,
    ``schema_too_wide``), each naming the JSON pointer at fault. Never raises. ``nodes`` is
    ``iter_schemas(schema)`` when the caller has walked the schema already (every check here
    reads that one walk). ``hashed``: the caller has made the schema's canonical form already, so
    every number in it has one (the search for one that has not is skipped)."""
    if isinstance(schema, bool):
        return [
            _problem(
                f"payloadSchema is the boolean schema {json.dumps(schema)}, which accepts "
                f"{'every' if schema else 'no'} payload; write an object schema such as "
                '{"type": "object", "properties": {...}}'
            )
        ]
    if not isinstance(schema, dict):
        kind = "an array" if isinstance(schema, list) else f"a {type(schema).__name__}"
        return [_problem(f'payloadSchema must be a JSON object such as {{"type": "object"}}, not {kind}')]
    problems: list[Problem] = []
    found = None if hashed else find_unrepresentable_number(schema)
    if found is not None:
        problems.append(_problem(f"number {_where(found[0])}: {found[1]}", found[0]))
    if nodes is None:
        nodes = tuple(iter_schemas(schema))
    problems.extend(_dialect_and_openapi30(schema, nodes))
    caps = check_caps(schema, nodes=nodes)
    too_deep = [p for p in caps if p.code is Code.SCHEMA_TOO_DEEP]
    if not too_deep or too_deep[0].details["depth"] <= _FULL_CHECK_DEPTH_LIMIT:
        try:
            meta_problems = [] if metaschema_clean(schema) else _metaschema_problems(schema)
            problems.extend(meta_problems)
            problems.extend(_references(schema, bool(meta_problems), nodes))
        except RecursionError:
            problems.append(_problem("payloadSchema recurses too deeply to be checked"))
    problems.extend(caps)
    return problems
