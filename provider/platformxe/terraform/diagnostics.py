"""What the provider tells a person, in one place: findings and SDK failures as diagnostics.

Every error the provider reports is a :class:`~platformxe.tfplugin.diagnostics.Diagnostic` with
an attribute path and, where one applies, the error ``code`` of docs/rules.md as a field
(Terraform shows it in parentheses after the summary, so a person can look it up and CI logs can
be searched for it). Decision code returns diagnostics; resource code that must stop raises
:class:`~platformxe.tfplugin.diagnostics.DiagnosticError` carrying them.

- :func:`error` / :func:`warning` build one diagnostic on an attribute;
- :func:`problem_diagnostic` turns a rules-engine :class:`~platformxe.rules.Problem` (camelCase
  API field) into an error on the snake_case attribute a Terraform user knows, the JSON pointer
  inside a schema or example in the detail;
- :func:`registry_call` is the one place an SDK exception becomes diagnostics: every registry
  call runs inside it, and :func:`diagnostics_for` says what was being done, what the registry
  answered and, where the answer lists several broken rules, one error per rule.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from platformxe.client import errors as sdk
from platformxe.rules.codes import Code
from platformxe.rules.types import Problem
from platformxe.tfplugin.diagnostics import Diagnostic, DiagnosticError, Severity

__all__ = [
    "CODE_TITLES",
    "FIELD_ATTRIBUTES",
    "diagnostics_for",
    "error",
    "problem_diagnostic",
    "problem_from_body",
    "registry_call",
    "warning",
]


def error(summary: str, detail: str = "", attribute: str | None = None, code: str = "") -> Diagnostic:
    """An error diagnostic on ``attribute`` (None: the whole block) with its error ``code``."""
    return Diagnostic(Severity.ERROR, summary, detail, (attribute,) if attribute else (), str(code))


def warning(summary: str, detail: str = "", attribute: str | None = None) -> Diagnostic:
    """A warning diagnostic on ``attribute`` (None: the whole block)."""
    return Diagnostic(Severity.WARNING, summary, detail, (attribute,) if attribute else ())


#: API field (camelCase, as in Problem.field) → resource attribute.
FIELD_ATTRIBUTES: dict[str, str] = {
    "namespace": "namespace",
    "name": "name",
    "version": "version",
    "status": "status",
    "description": "description",
    "payloadSchema": "payload_schema",
    "payloadExample": "payload_example",
    "title": "title",
    "summary": "summary",
    "tags": "tags",
    "event": "event",
    "organizationId": "organization_id",
    "url": "url",
    "secret": "secret",
}

_JSON_FIELDS = {"payloadSchema": "payload_schema", "payloadExample": "payload_example"}

#: A short headline per code; the sentence that says what would be accepted goes in the detail.
CODE_TITLES: dict[Code, str] = {
    Code.INVALID_NAMESPACE: "Invalid namespace",
    Code.RESERVED_NAMESPACE: "Reserved namespace",
    Code.NAMESPACE_NOT_ALLOWED: "Namespace not on the organisation's allowlist",
    Code.INVALID_NAME: "Invalid event name",
    Code.INVALID_VERSION_FORMAT: "Invalid version",
    Code.CANNOT_REGISTER_GENERIC_EVENT: "platformxe.generic cannot be registered",
    Code.VERSION_ALREADY_EXISTS: "Version already registered",
    Code.VERSION_DOWNGRADE: "Version lower than an existing one",
    Code.VERSION_INVALID_JUMP: "Version skips a step",
    Code.PATCH_MUST_BE_BYTE_EQUAL: "Patch bump changes the schema",
    Code.MINOR_MUST_BE_BACKWARDS_COMPATIBLE: "Minor bump is not backwards-compatible",
    Code.SCHEMA_TOO_DEEP: "Schema too deep",
    Code.SCHEMA_TOO_WIDE: "Schema has too many properties",
    Code.INVALID_JSON_SCHEMA: "Invalid payload schema",
    Code.PAYLOAD_EXAMPLE_DOES_NOT_MATCH_SCHEMA: "Example does not match the schema",
    Code.REGISTRATION_QUOTA_EXCEEDED: "Registration quota exceeded",
    Code.INVALID_STATUS_TRANSITION: "Impossible status change",
    Code.INVALID_REQUEST: "Invalid value",
    Code.UNAUTHENTICATED: "The registry refused the API key",
    Code.PLAN_UPGRADE_REQUIRED: "The organisation's plan does not include this",
    Code.LISTING_ALREADY_EXISTS: "Version already listed in the marketplace",
    Code.FEDERATION_CONFLICT: "Conflicts with the federation group's current state",
}


def problem_from_body(item: Mapping[str, Any]) -> Problem:
    """A problem from the API's ``errors[]`` item (``KeyError``/``ValueError`` when unreadable)."""
    return Problem(
        code=Code(item["code"]),
        message=str(item.get("message", "")),
        field=str(item.get("field", "")),
        pointer=str(item.get("pointer", "")),
        details=dict(item.get("details") or {}),
    )


def problem_diagnostic(problem: Problem, attribute: str | None = None) -> Diagnostic:
    """An error diagnostic for a rules-engine problem, on ``attribute`` or the problem's own field."""
    title = CODE_TITLES.get(problem.code, str(problem.code).replace("_", " ").capitalize())
    target = attribute if attribute is not None else FIELD_ATTRIBUTES.get(problem.field)
    # The engine's sentences name API fields; a Terraform user knows the attribute names.
    detail = problem.message
    for api_field, attr in _JSON_FIELDS.items():
        detail = detail.replace(api_field, attr)
    if problem.pointer:
        detail += f"\n\nAt JSON pointer {problem.pointer} inside {target or problem.field}."
    return error(title, detail, target, problem.code)


# -- SDK failures ------------------------------------------------------------------------------


def _sentences(*parts: str) -> str:
    """Join sentences, each ending with exactly one full stop (SDK messages may or may not)."""
    return " ".join(p.rstrip().rstrip(".?") + "." for p in parts if p and p.strip())


def _problems(exc: sdk.ApiError) -> list[Problem]:
    """The rules an error answer lists in ``details.errors`` (items it cannot read are skipped)."""
    out = []
    for item in exc.errors:
        try:
            out.append(problem_from_body(item))
        except (KeyError, ValueError, TypeError):
            continue
    return out


def diagnostics_for(exc: Exception, doing: str, endpoint: str = "") -> list[Diagnostic]:
    """Diagnostics explaining ``exc``, raised while ``doing`` (e.g. "registering lettings.x 1.0.0").

    Anything that is not an SDK exception is re-raised: it is a bug, not a registry answer.
    """
    where = f" at {endpoint}" if endpoint else ""
    if isinstance(exc, sdk.RequestTimeout):
        return [
            error(
                f"The PlatformXe registry{where} did not answer in time while {doing}",
                _sentences(
                    exc.what_happened,
                    "Raise request_timeout in the provider block if the registry is slow, or check that it "
                    "is healthy (GET /healthz)",
                ),
            )
        ]
    if isinstance(exc, sdk.TransportError):
        return [
            error(
                f"Cannot reach the PlatformXe registry{where} while {doing}",
                _sentences(
                    exc.what_happened,
                    "Check the provider's endpoint (or PLATFORMXE_ENDPOINT) and that the registry is running",
                ),
            )
        ]
    if isinstance(exc, sdk.Unauthenticated):
        return [
            error(
                "The PlatformXe registry refused the API key",
                _sentences(
                    exc.message,
                    "Check api_key in the provider block or the PLATFORMXE_API_KEY environment variable"
                    + ("" if "API key" in doing else f" (the key was refused while {doing})"),
                ),
                # No attribute path on purpose: Terraform would print the configuration line, and
                # with it a key written literally in the file, into the run's log.
                code=Code.UNAUTHENTICATED,
            )
        ]
    if isinstance(exc, sdk.ConfigurationError):
        return [error(f"PlatformXe provider configuration: {exc}", f"While {doing}.")]
    if isinstance(exc, sdk.RateLimited):
        retries = max(int(getattr(exc, "attempts", 1) or 1) - 1, 0)
        tried = f"retried {retries} time{'s' if retries != 1 else ''}" if retries else "not retried"
        return [
            error(
                f"The PlatformXe registry{where} kept refusing {doing} as too many requests",
                _sentences(
                    exc.message or str(exc),
                    f"The provider {tried} (honouring Retry-After) before giving up",
                    "Run again later, lower -parallelism, or raise max_retries in the provider block",
                ),
                code=exc.code or "",
            )
        ]
    if isinstance(exc, sdk.ApiError):
        problems = _problems(exc)
        if problems:
            return [problem_diagnostic(p) for p in problems]
        field = exc.details.get("field")
        return [
            error(
                f"The PlatformXe registry refused {doing}",
                exc.message or str(exc),
                FIELD_ATTRIBUTES.get(field) if isinstance(field, str) else None,
                exc.code or "",
            )
        ]
    if isinstance(exc, sdk.PlatformXeError):
        return [error(f"The PlatformXe SDK failed while {doing}", str(exc))]
    raise exc


@contextmanager
def registry_call(doing: str, endpoint: str = "") -> Iterator[None]:
    """Run SDK calls; an SDK exception leaving the block stops the operation with its diagnostics.

    Exceptions a caller handles (``EventNotRegistered`` on a read, …) are caught inside the block.
    """
    try:
        yield
    except sdk.PlatformXeError as exc:
        raise DiagnosticError.of(diagnostics_for(exc, doing, endpoint)) from exc
