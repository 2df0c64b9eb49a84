"""Exceptions raised by the PlatformXe SDK.

Every exception the SDK raises derives from :class:`PlatformXeError`. Answers of the registry that
carry an error body become one class per error code, grouped by what a caller usually wants to
catch together::

    PlatformXeError
    ├── ConfigurationError                  endpoint / api_key missing or malformed, organisation mismatch
    ├── TransportError                      no usable HTTP answer
    │   ├── ConnectError                    connection refused, DNS failure (the request was never sent)
    │   └── RequestTimeout                  connect/read/write timeout (also a builtin TimeoutError)
    └── ApiError                            the registry answered with an error (.status .code .message .details)
        ├── UnexpectedResponse              the answer is not the API's JSON (e.g. a proxy's HTML page)
        ├── BadRequestError                 400
        │   ├── InvalidRequest                  invalid_request (malformed JSON, missing field, wrong type)
        │   ├── InvalidWebhookUrl               invalid_webhook_url (not https, or a private address)
        │   └── ValidationError                 a registration or emit rule is broken
        │       ├── NamingError
        │       │   ├── InvalidNamespace            invalid_namespace
        │       │   ├── ReservedNamespace           reserved_namespace
        │       │   ├── NamespaceNotAllowed         namespace_not_allowed
        │       │   ├── InvalidName                 invalid_name
        │       │   ├── InvalidVersionFormat        invalid_version_format
        │       │   └── CannotRegisterGenericEvent  cannot_register_generic_event
        │       ├── SemverError
        │       │   ├── VersionAlreadyExists        version_already_exists (details: schemaHash, sameSchema, existing)
        │       │   ├── VersionDowngrade            version_downgrade
        │       │   ├── VersionInvalidJump          version_invalid_jump
        │       │   ├── PatchMustBeByteEqual        patch_must_be_byte_equal
        │       │   └── MinorMustBeBackwardsCompatible  minor_must_be_backwards_compatible
        │       ├── SchemaError
        │       │   ├── SchemaTooDeep               schema_too_deep
        │       │   ├── SchemaTooWide               schema_too_wide
        │       │   ├── InvalidJsonSchema           invalid_json_schema
        │       │   └── PayloadExampleDoesNotMatchSchema  payload_example_does_not_match_schema
        │       └── PayloadInvalid              payload_invalid (details.errors: one per failing pointer)
        ├── Unauthenticated                 401 unauthenticated
        ├── QuotaError                      402
        │   ├── RegistrationQuotaExceeded       registration_quota_exceeded
        │   ├── MonthlyEmitQuotaExceeded        monthly_emit_quota_exceeded
        │   ├── SubscriptionQuotaExceeded       subscription_quota_exceeded
        │   └── PlanUpgradeRequired             plan_upgrade_required (marketplace below Pro, federation below Enterprise)
        ├── PermissionDeniedError           403
        │   └── CannotArchiveGenericEvent       cannot_archive_generic_event
        ├── NotFoundError                   404
        │   ├── EventNotRegistered              event_not_registered
        │   └── NotFound                        not_found (unknown route)
        ├── ConflictError                   409
        │   ├── EventNotPublished               event_not_published
        │   ├── InvalidStatusTransition         invalid_status_transition
        │   ├── ListingAlreadyExists            listing_already_exists
        │   └── FederationConflict              federation_conflict (duplicate, or invitation not pending)
        ├── PayloadTooLarge                 413 payload_too_large
        ├── UnprocessableError              422
        │   └── ChainDepthExceeded              chain_depth_exceeded
        ├── MethodNotAllowed                405 method_not_allowed (a known route, another method)
        ├── RateLimited                     429 (only once the retries are used up)
        └── ServerError                     5xx
            └── BusRelayFailed                  502 bus_relay_failed

An answer is mapped by its ``error.code`` first; an unknown or missing code falls back to the class of
its HTTP status (the group), and then to :class:`ApiError`. The mapping is checked against
:class:`platformxe.rules.codes.Code`, the enum the registry answers with, so the two cannot drift: a
code without a hand-written class here gets a generated one under the group of its status (on the
first error answer, to keep ``import platformxe.client`` cheap), and a unit test fails until it gets a
proper one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

__all__ = [
    "ApiError",
    "BadRequestError",
    "BusRelayFailed",
    "CannotArchiveGenericEvent",
    "CannotRegisterGenericEvent",
    "ChainDepthExceeded",
    "ConfigurationError",
    "ConflictError",
    "ConnectError",
    "EventNotPublished",
    "EventNotRegistered",
    "FederationConflict",
    "InvalidJsonSchema",
    "InvalidName",
    "InvalidNamespace",
    "InvalidRequest",
    "InvalidStatusTransition",
    "InvalidVersionFormat",
    "InvalidWebhookUrl",
    "ListingAlreadyExists",
    "MethodNotAllowed",
    "MinorMustBeBackwardsCompatible",
    "MonthlyEmitQuotaExceeded",
    "NamespaceNotAllowed",
    "NamingError",
    "NotFound",
    "NotFoundError",
    "PatchMustBeByteEqual",
    "PayloadExampleDoesNotMatchSchema",
    "PayloadInvalid",
    "PayloadTooLarge",
    "PermissionDeniedError",
    "PlanUpgradeRequired",
    "PlatformXeError",
    "QuotaError",
    "RateLimited",
    "RegistrationQuotaExceeded",
    "RequestTimeout",
    "ReservedNamespace",
    "SchemaError",
    "SchemaTooDeep",
    "SchemaTooWide",
    "SemverError",
    "ServerError",
    "SubscriptionQuotaExceeded",
    "TransportError",
    "Unauthenticated",
    "UnexpectedResponse",
    "UnprocessableError",
    "ValidationError",
    "VersionAlreadyExists",
    "VersionDowngrade",
    "VersionInvalidJump",
    "error_class_for",
    "error_from_response",
]


class PlatformXeError(Exception):
    """Base class of every exception the SDK raises."""


class ConfigurationError(PlatformXeError):
    """The client is not usable as configured (missing endpoint or key, wrong organisation …)."""


class TransportError(PlatformXeError):
    """No usable HTTP answer came back; ``method`` and ``url`` say which request (never its headers).

    ``what_happened`` is the failure alone and ``advice`` (possibly empty) what an application
    using the SDK can do about it; ``str()`` joins both. Tools that give their own advice (the
    Terraform provider names its own settings) show ``what_happened`` only.
    """

    def __init__(self, message: str, *, method: str = "", url: str = "", advice: str = "") -> None:
        super().__init__(f"{message}; {advice}" if advice else message)
        self.what_happened = message
        self.advice = advice
        self.method = method
        self.url = url


class ConnectError(TransportError):
    """The connection could not be opened (refused, DNS failure): the request never reached the server."""


class RequestTimeout(TransportError, TimeoutError):
    """A connect, read, write or pool timeout expired (``except TimeoutError`` catches it too)."""


class ApiError(PlatformXeError):
    """The registry answered with an error.

    Attributes: ``status`` (HTTP status), ``code`` (the error code, or ``None`` when the body
    had none), ``message``, ``details`` (dict, possibly empty), ``errors`` (``details.errors``: every
    broken rule as ``{code, message, path, field, pointer}``), ``request_id`` (from ``X-Request-Id``
    when the server sent one), ``method`` and ``path`` of the request, ``attempts`` (how many times
    it was sent) and ``uncertain_retry`` (True when an earlier attempt may have reached the server:
    a 5xx or a connection lost after sending).
    """

    #: The error code this class stands for (None on groups).
    code_value: ClassVar[str | None] = None
    #: The HTTP status a group stands for, used when an answer's code is unknown.
    status_value: ClassVar[int | None] = None

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: str | None = None,
        details: Mapping[str, Any] | None = None,
        request_id: str | None = None,
        method: str = "",
        path: str = "",
        attempts: int = 1,
        uncertain_retry: bool = False,
    ) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.details: dict[str, Any] = dict(details or {})
        self.request_id = request_id
        self.method = method
        self.path = path
        self.attempts = attempts
        self.uncertain_retry = uncertain_retry
        super().__init__(self._describe())

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only arguments do not survive the default exception pickling (multiprocessing,
        # pytest-xdist), so rebuild from the full state.
        state = {
            "status": self.status,
            "code": self.code,
            "details": self.details,
            "request_id": self.request_id,
            "method": self.method,
            "path": self.path,
            "attempts": self.attempts,
            "uncertain_retry": self.uncertain_retry,
        }
        return (_rebuild, (type(self), self.message, state))

    @property
    def errors(self) -> list[dict[str, Any]]:
        """Every broken rule the server listed in ``details.errors`` (empty when none)."""
        found = self.details.get("errors")
        return [e for e in found if isinstance(e, dict)] if isinstance(found, list) else []

    def _describe(self) -> str:
        text = f"{self.code}: {self.message}" if self.code else self.message
        paths = list(dict.fromkeys(str(e["path"]) for e in self.errors if e.get("path")))
        if paths:
            shown = ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
            text += f" (at {shown})"
        suffix = f"HTTP {self.status}"
        if self.request_id:
            suffix += f", request id {self.request_id}"
        return f"{text} [{suffix}]"


def _rebuild(cls: type[ApiError], message: str, state: dict[str, Any]) -> ApiError:
    return cls(message, **state)


class UnexpectedResponse(ApiError):
    """The server answered, but not with the API's JSON (a proxy page, an empty body …)."""


class BadRequestError(ApiError):
    """400: the request was refused as it stands."""

    status_value = 400


class InvalidRequest(BadRequestError):
    """Malformed JSON, a missing required field or a wrong type; ``details.field`` names it."""

    code_value = "invalid_request"


class InvalidWebhookUrl(BadRequestError):
    """A subscription's url is not https, or resolves to a private, loopback or link-local address."""

    code_value = "invalid_webhook_url"


class ValidationError(BadRequestError):
    """A registration or emit rule (docs/rules.md) is broken; ``errors`` lists every broken rule."""


class NamingError(ValidationError):
    """Namespace, name or version has the wrong shape or is not yours to use."""


class InvalidNamespace(NamingError):
    """The namespace fails ``^[a-z][a-z0-9_-]{1,30}$``."""

    code_value = "invalid_namespace"


class ReservedNamespace(NamingError):
    """The namespace is one of the globally reserved ones."""

    code_value = "reserved_namespace"


class NamespaceNotAllowed(NamingError):
    """The namespace is not on this organisation's allowlist."""

    code_value = "namespace_not_allowed"


class InvalidName(NamingError):
    """The event name fails ``^[a-z][a-z0-9_.-]{1,60}$``."""

    code_value = "invalid_name"


class InvalidVersionFormat(NamingError):
    """The version is not strict ``MAJOR.MINOR.PATCH``."""

    code_value = "invalid_version_format"


class CannotRegisterGenericEvent(NamingError):
    """Tenants cannot register ``platformxe.generic``."""

    code_value = "cannot_register_generic_event"


class SemverError(ValidationError):
    """The version does not follow the single-step bump rules."""


class VersionAlreadyExists(SemverError):
    """The version exists already; ``details`` has the existing ``schemaHash``, ``sameSchema`` and
    ``existing`` (the stored registration)."""

    code_value = "version_already_exists"


class VersionDowngrade(SemverError):
    """The version is lower than the highest existing one."""

    code_value = "version_downgrade"


class VersionInvalidJump(SemverError):
    """The version skips a step (only single-step bumps are allowed)."""

    code_value = "version_invalid_jump"


class PatchMustBeByteEqual(SemverError):
    """A patch bump changed the schema beyond descriptions."""

    code_value = "patch_must_be_byte_equal"


class MinorMustBeBackwardsCompatible(SemverError):
    """A minor bump would refuse some payload the previous version accepts."""

    code_value = "minor_must_be_backwards_compatible"


class SchemaError(ValidationError):
    """The payload schema (or its example) is refused."""


class SchemaTooDeep(SchemaError):
    """The schema nests more than 5 levels."""

    code_value = "schema_too_deep"


class SchemaTooWide(SchemaError):
    """The schema declares more than 50 properties in total."""

    code_value = "schema_too_wide"


class InvalidJsonSchema(SchemaError):
    """The schema is not a valid JSON Schema 2020-12 / OpenAPI 3.1 schema."""

    code_value = "invalid_json_schema"


class PayloadExampleDoesNotMatchSchema(SchemaError):
    """``payloadExample`` does not satisfy its own schema."""

    code_value = "payload_example_does_not_match_schema"


class PayloadInvalid(ValidationError):
    """The emitted payload fails the registered schema; ``errors`` has one entry per failing pointer."""

    code_value = "payload_invalid"


class Unauthenticated(ApiError):
    """401: the API key is missing or wrong."""

    code_value = "unauthenticated"
    status_value = 401


class QuotaError(ApiError):
    """402: a plan limit is reached."""

    status_value = 402


class RegistrationQuotaExceeded(QuotaError):
    """The plan's registration cap is reached (Free registers nothing)."""

    code_value = "registration_quota_exceeded"


class MonthlyEmitQuotaExceeded(QuotaError):
    """The plan's monthly emit ceiling is reached."""

    code_value = "monthly_emit_quota_exceeded"


class SubscriptionQuotaExceeded(QuotaError):
    """The plan's cap on subscriptions is reached."""

    code_value = "subscription_quota_exceeded"


class PlanUpgradeRequired(QuotaError):
    """402 plan_upgrade_required: the plan does not include the feature (details.plan names it)."""

    code_value = "plan_upgrade_required"


class PermissionDeniedError(ApiError):
    """403: the operation is not allowed on this object."""

    status_value = 403


class CannotArchiveGenericEvent(PermissionDeniedError):
    """``platformxe.generic`` is system-managed and cannot be archived."""

    code_value = "cannot_archive_generic_event"


class NotFoundError(ApiError):
    """404: the thing asked for does not exist."""

    status_value = 404


class EventNotRegistered(NotFoundError):
    """No such event or version in this organisation."""

    code_value = "event_not_registered"


class NotFound(NotFoundError):
    """The route does not exist (wrong endpoint or API version)."""

    code_value = "not_found"


class ConflictError(ApiError):
    """409: the request conflicts with the object's current state."""

    status_value = 409


class EventNotPublished(ConflictError):
    """The emit target is draft or archived (or not routable on this plan)."""

    code_value = "event_not_published"


class InvalidStatusTransition(ConflictError):
    """The status change is not legal; the message lists the legal targets."""

    code_value = "invalid_status_transition"


class ListingAlreadyExists(ConflictError):
    """409 listing_already_exists: the version already has a marketplace listing (details.existingListing)."""

    code_value = "listing_already_exists"


class FederationConflict(ConflictError):
    """409 federation_conflict: already invited or a member, a push or HTTPS peer declared twice, or an
    invitation that is no longer pending (details.status)."""

    code_value = "federation_conflict"


class PayloadTooLarge(ApiError):
    """413: the payload is over 262,144 bytes."""

    code_value = "payload_too_large"
    status_value = 413


class UnprocessableError(ApiError):
    """422: understood but not processable."""

    status_value = 422


class ChainDepthExceeded(UnprocessableError):
    """A workflow chain hit the platform's 50-deep cap."""

    code_value = "chain_depth_exceeded"


class MethodNotAllowed(ApiError):
    """405: the route exists but does not serve this HTTP method."""

    code_value = "method_not_allowed"
    status_value = 405


class RateLimited(ApiError):
    """429 after every retry was used."""

    status_value = 429


class ServerError(ApiError):
    """5xx: the server failed (after every retry that was safe)."""

    status_value = 500


class BusRelayFailed(ServerError):
    """The audit row was written but the bus push failed."""

    code_value = "bus_relay_failed"


def _subclasses(cls: type[ApiError]) -> list[type[ApiError]]:
    out: list[type[ApiError]] = []
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(_subclasses(sub))
    return out


_BY_STATUS: dict[int, type[ApiError]] = {}
_BY_CODE: dict[str, type[ApiError]] = {}
for _cls in _subclasses(ApiError):
    if "status_value" in _cls.__dict__ and _cls.status_value is not None:
        _BY_STATUS.setdefault(_cls.status_value, _cls)
    if "code_value" in _cls.__dict__ and _cls.code_value is not None:
        _BY_CODE[str(_cls.code_value)] = _cls

#: Codes of ``Code`` that had no hand-written class and got a generated one (should stay empty).
GENERATED_CODES: list[str] = []


def _group_for_status(status: int) -> type[ApiError]:
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if status >= 500:
        return ServerError
    return ApiError


def _complete_from_codes() -> None:
    """Give every code of the shared ``Code`` enum a class (once, on the first error answer).

    Deferred because ``platformxe.rules`` costs more to import than this whole SDK; the enum is the
    registry's own list, so a code added there still maps to the right group here.
    """
    global _COMPLETED
    if _COMPLETED:
        return
    from platformxe.rules.codes import HTTP_STATUS, Code  # deferred: see the docstring (~25 ms)

    for code in Code:
        if str(code) not in _BY_CODE:
            name = "".join(part.capitalize() for part in str(code).split("_"))
            base = _group_for_status(HTTP_STATUS.get(code, 400))
            _BY_CODE[str(code)] = type(name, (base,), {"code_value": str(code), "__doc__": str(code)})
            GENERATED_CODES.append(str(code))
    _COMPLETED = True


_COMPLETED = False


def error_class_for(status: int, code: str | None) -> type[ApiError]:
    """The exception class for an error answer: by code, else by status group, else ApiError."""
    _complete_from_codes()
    if code is not None and code in _BY_CODE:
        return _BY_CODE[code]
    return _group_for_status(status)


def error_from_response(
    status: int,
    body: Any,
    *,
    text: str = "",
    request_id: str | None = None,
    method: str = "",
    path: str = "",
    attempts: int = 1,
    uncertain_retry: bool = False,
) -> ApiError:
    """Build the exception for an error answer (``body`` is the decoded JSON, or None if undecodable)."""
    error = body.get("error") if isinstance(body, dict) else None
    context: dict[str, Any] = {
        "status": status,
        "request_id": request_id,
        "method": method,
        "path": path,
        "attempts": attempts,
        "uncertain_retry": uncertain_retry,
    }
    if not isinstance(error, dict):
        snippet = " ".join(text.split())[:200]
        message = f"{method} {path} answered HTTP {status} without an API error body" + (
            f": {snippet}" if snippet else ""
        )
        cls = _group_for_status(status)
        if cls is ApiError:
            cls = UnexpectedResponse
        return cls(message, **context)
    code = error.get("code")
    code = code if isinstance(code, str) and code else None
    said = error.get("message")
    message = said if isinstance(said, str) and said else f"HTTP {status}"
    details = error.get("details")
    request_id = request_id or (error.get("requestId") if isinstance(error.get("requestId"), str) else None)
    context["request_id"] = request_id
    return error_class_for(status, code)(
        message, code=code, details=details if isinstance(details, dict) else None, **context
    )
