"""Validating payloads (emits, examples) against a payload schema, and the payload size cap.

Semantics (docs/rules.md): ``jsonschema.Draft202012Validator`` with a format checker, so
``format`` is *asserted* (all 19 formats of 2020-12, see :mod:`platformxe.rules.formats`), and
``pattern`` / ``patternProperties`` matched as ECMA-262 (:mod:`platformxe.rules.ecma`). The
compatibility checker validates values with this same class (:func:`validator_class`). Only
references inside the schema document resolve: the validator gets a registry whose retrieval
always fails, so validation never touches the network.

Compiled validators are cached by schema content (emits validate the same few schemas over and
over; compiling costs far more than validating a small payload).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from typing import Any

from platformxe.rules import budget
from platformxe.rules.codes import Code
from platformxe.rules.ecma import EcmaPatternError
from platformxe.rules.formats import ACCEPTED, format_checker
from platformxe.rules.types import Problem
from platformxe.rules.walk import pointer_from_path

__all__ = [
    "MAX_PAYLOAD_BYTES",
    "MAX_REPORTED_ERRORS",
    "check_payload_size",
    "local_only_registry",
    "validate_payload",
    "validator_class",
]

#: Payload cap (seed: 256 KB), measured on the compact UTF-8 JSON encoding.
MAX_PAYLOAD_BYTES = 262_144
#: At most this many validation errors are listed for one payload (the rest are counted).
MAX_REPORTED_ERRORS = 100
_CACHE_SIZE = 256

_cache: OrderedDict[str, Any] = OrderedDict()
_cache_lock = threading.Lock()
_registry: Any = None


class RemoteReferenceRefused(LookupError):
    """Raised by the registry's retrieve hook: remote ``$ref`` targets are never fetched."""


def _refuse_remote(uri: str) -> Any:
    raise RemoteReferenceRefused(f"remote reference {uri!r} is not fetched; only local references resolve")


def local_only_registry() -> Any:
    """A ``referencing.Registry`` that resolves nothing outside the schema being validated."""
    global _registry
    if _registry is None:
        # deferred: referencing ~60 ms (bench/deferred_imports.py); the provider imports this
        # module at start, and only schema and payload checks need it
        from referencing import Registry

        _registry = Registry(retrieve=_refuse_remote)  # type: ignore[call-arg]
    return _registry


def _cache_key(schema: Any) -> str | None:
    try:
        text = json.dumps(schema, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError):
        return None
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def compiled_validator(schema: Any) -> Any:
    """A (cached) ``Draft202012Validator`` for ``schema`` asserting formats, local refs only."""

    key = _cache_key(schema)
    if key is not None:
        with _cache_lock:
            found = _cache.get(key)
            if found is not None:
                _cache.move_to_end(key)
                return found
    validator = validator_class()(schema, registry=local_only_registry(), format_checker=format_checker())
    if key is not None:
        with _cache_lock:
            _cache[key] = validator
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    return validator


_validator_cls: Any = None


def _pattern_keyword(validator: Any, pattern: Any, instance: Any, schema: Any) -> Any:
    from jsonschema.exceptions import ValidationError  # loaded already: jsonschema calls this keyword

    if not validator.is_type(instance, "string"):
        return
    try:
        found = budget.search(pattern, instance)
    except budget.PatternBudgetExceeded as exc:
        yield _budget_error(exc)
        return
    if not found:
        yield ValidationError(f"{_short(instance)} does not match {pattern!r}")


def _budget_error(exc: budget.PatternBudgetExceeded, key: str | None = None) -> Any:
    """The spent budget as an error at the value (or key) being matched, so the problem keeps its
    pointer; :func:`_validate` stops at the first one (the budget is the request's, not the value's)."""
    from jsonschema.exceptions import ValidationError  # loaded already: only a keyword of ours gets here

    error = ValidationError(str(exc), path=() if key is None else (key,))
    error.budget_exceeded = exc  # type: ignore[attr-defined]
    return error


def _matches(pattern: str, key: str) -> bool | Any:
    try:
        return budget.search(pattern, key)
    except budget.PatternBudgetExceeded as exc:
        return _budget_error(exc, key)


def _pattern_properties_keyword(validator: Any, patterns: Any, instance: Any, schema: Any) -> Any:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for key, value in instance.items():
            found = _matches(pattern, key)
            if found is True:
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)
            elif found is not False:
                yield found
                return


def _additional_properties_keyword(validator: Any, extra_schema: Any, instance: Any, schema: Any) -> Any:
    """jsonschema's ``additionalProperties``, with the keys matched against ``patternProperties``
    on the budget (jsonschema's own uses ``re.search``, unbounded and holding the GIL)."""
    from jsonschema.exceptions import ValidationError  # loaded already: jsonschema calls this keyword

    if not validator.is_type(instance, "object"):
        return
    declared = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    extras = []
    for key in instance:
        if key in declared:
            continue
        for pattern in patterns:
            found = _matches(pattern, key)
            if found is True:
                break
            if found is not False:
                yield found
                return
        else:
            extras.append(key)
    if validator.is_type(extra_schema, "object"):
        for key in extras:
            yield from validator.descend(instance[key], extra_schema, path=key)
    elif not extra_schema and extras:
        names = ", ".join(repr(key) for key in sorted(extras))
        if patterns:
            verb = "does" if len(extras) == 1 else "do"
            shown = ", ".join(repr(p) for p in sorted(patterns))
            yield ValidationError(f"{names} {verb} not match any of the regexes: {shown}")
        else:
            verb = "was" if len(extras) == 1 else "were"
            yield ValidationError(f"Additional properties are not allowed ({names} {verb} unexpected)")


def validator_class() -> Any:
    """Draft 2020-12 with every tenant pattern matched as ECMA-262 on the request's budget
    (rules/budget.py): the validator payloads meet, also the compatibility checker's."""
    global _validator_cls
    if _validator_cls is None:
        # deferred: jsonschema ~140 ms (bench/deferred_imports.py); the provider imports this
        # module at start, before any payload is validated
        from jsonschema import Draft202012Validator, validators

        _validator_cls = validators.extend(  # type: ignore[no-untyped-call]
            Draft202012Validator,
            {
                "pattern": _pattern_keyword,
                "patternProperties": _pattern_properties_keyword,
                "additionalProperties": _additional_properties_keyword,
            },
        )
    return _validator_cls


def _short(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _message(error: Any, field: str) -> str:
    where = field + pointer_from_path(error.absolute_path)
    schema_at = pointer_from_path(error.absolute_schema_path)
    if error.validator == "format":
        what = f"{_short(error.instance)} is not a valid {error.validator_value}"
        accepted = ACCEPTED.get(str(error.validator_value))
        if accepted is not None:
            what += f", expected {accepted}"
    else:
        what = str(error.message)
    return f'{where}: {what} (rule "{error.validator}" at payloadSchema{schema_at})'


def validate_payload(
    schema: Any, payload: Any, field: str = "payload", code: Code = Code.PAYLOAD_INVALID
) -> list[Problem]:
    """Every way ``payload`` fails ``schema``, each with the pointer of the offending value.

    Pattern matches draw on the current request budget (:func:`platformxe.rules.budget.spending`),
    or on a budget of 100 ms for this validation when none is active; past it the answer is one
    ``code`` problem naming the pattern and the budget.

    An empty list means valid. A schema whose references cannot be resolved (it should have
    been refused by :func:`platformxe.rules.schema.check_schema`) yields one
    ``invalid_json_schema`` problem rather than an exception.
    """
    with budget.spending(budget.DEFAULT_REGEX_BUDGET_SECONDS):
        return _validate(schema, payload, field, code)


def _budget_problem(exc: budget.PatternBudgetExceeded, field: str, code: Code, pointer: str) -> Problem:
    return Problem(
        code,
        f"{field}{pointer}: {exc}",
        field,
        pointer,
        details={
            "keyword": "pattern",
            "pattern": exc.pattern,
            "budgetMs": budget.milliseconds(exc.budget_seconds),
        },
    )


def _validate(schema: Any, payload: Any, field: str, code: Code) -> list[Problem]:
    # deferred with the validator class (jsonschema ~140 ms, bench/deferred_imports.py)
    from jsonschema.exceptions import SchemaError
    from referencing.exceptions import Unresolvable

    problems: list[Problem] = []
    extra = 0
    try:
        validator = compiled_validator(schema)
        for error in validator.iter_errors(payload):
            if len(problems) >= MAX_REPORTED_ERRORS:
                extra += 1
                continue
            pointer = pointer_from_path(error.absolute_path)
            spent = getattr(error, "budget_exceeded", None)
            if spent is not None:
                # One problem for the request, not one per value: the budget is the request's.
                return [_budget_problem(spent, field, code, pointer)]
            problems.append(
                Problem(
                    code,
                    _message(error, field),
                    field,
                    pointer,
                    details={
                        "keyword": str(error.validator),
                        "schemaPath": pointer_from_path(error.absolute_schema_path),
                    },
                )
            )
    except (Unresolvable, SchemaError) as exc:  # jsonschema wraps ref errors as Unresolvable
        return [
            Problem(
                Code.INVALID_JSON_SCHEMA,
                f"the payload schema cannot be used to validate {field}: {exc}",
                "payloadSchema",
            )
        ]
    except budget.PatternBudgetExceeded as exc:  # a match outside the keyword functions
        return [_budget_problem(exc, field, code, "")]
    except EcmaPatternError as exc:
        # not an ECMA-262 pattern (rules/ecma.py); check_schema refuses it at registration
        return [
            Problem(
                Code.INVALID_JSON_SCHEMA,
                f"the payload schema cannot be used to validate {field}: {exc}",
                "payloadSchema",
            )
        ]
    except RecursionError:
        return [_endless(field)]
    except Exception as exc:
        # jsonschema assumes a metaschema-valid schema and fails in arbitrary ways otherwise
        # (UnknownType, AttributeError, ZeroDivisionError for multipleOf: false …); check_schema
        # refuses such schemas, this only guards direct callers.
        return [
            Problem(
                Code.INVALID_JSON_SCHEMA,
                f"the payload schema is not a valid JSON Schema, so {field} cannot be validated "
                f"({type(exc).__name__}: {exc}); check it with check_schema",
                "payloadSchema",
            )
        ]
    except BaseException as exc:
        # rpds (under referencing) turns a RecursionError into a pyo3 PanicException, which
        # derives from BaseException; anything else is re-raised untouched.
        if type(exc).__name__ != "PanicException":
            raise
        return [_endless(field)]
    if extra:
        problems.append(
            Problem(
                code,
                f"{field}: {extra} further validation error(s) not listed",
                field,
                details={"notListed": extra},
            )
        )
    return problems


def _endless(field: str) -> Problem:
    return Problem(
        Code.INVALID_JSON_SCHEMA,
        f"{field} could not be validated: the payload schema loops through references without end",
        "payloadSchema",
    )


def payload_size(payload: Any) -> int:
    """Bytes of the compact UTF-8 JSON encoding of ``payload`` (the size the cap measures)."""
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    return len(text.encode("utf-8"))


def check_payload_size(payload: Any, field: str = "payload") -> list[Problem]:
    """``payload_too_large`` when the compact UTF-8 JSON encoding exceeds 262,144 bytes."""
    size = payload_size(payload)
    if size <= MAX_PAYLOAD_BYTES:
        return []
    return [
        Problem(
            Code.PAYLOAD_TOO_LARGE,
            f"{field} is {size:,} bytes as compact UTF-8 JSON; at most {MAX_PAYLOAD_BYTES:,} bytes "
            "(256 KB) are accepted: send a reference to large data instead of the data",
            field,
            details={"size": size, "maxSize": MAX_PAYLOAD_BYTES},
        )
    ]
