"""The one error shape of the API: ``{"error": {"code", "message", "details"}}``.

Rule violations come from the rules engine as :class:`~platformxe.rules.Problem` objects; the
answer's status and top-level code are those of the first problem in the error-code table's order,
and ``details.errors`` lists every problem (docs/rules.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from platformxe.rules.codes import HTTP_STATUS, SEED_ORDER, Code
from platformxe.rules.types import Problem

#: Not a seed code: an unknown route (http-api.md).
NOT_FOUND = "not_found"
#: Not a seed code: a known route asked with a method it does not serve.
METHOD_NOT_ALLOWED = "method_not_allowed"
#: Not a seed code: the request could not be served now (a judging worker stopped); retry.
UNAVAILABLE = "unavailable"
#: Not a seed code: a bug on our side; the message never carries internals.
INTERNAL_ERROR = "internal_error"


class ApiError(Exception):
    """An answer other than success, raised anywhere below a route and rendered by the app."""

    def __init__(
        self, status: int, code: str, message: str, details: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details: dict[str, Any] = dict(details or {})
        #: Response headers the answer carries (``Retry-After`` of a 429).
        self.headers: dict[str, str] = {}

    def body(self) -> dict[str, Any]:
        """The JSON error body."""
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


def problem_error(problems: Sequence[Problem], extra: Mapping[str, Any] | None = None) -> ApiError:
    """The answer for one or more broken rules: the first in seed order decides."""
    ordered = sorted(problems, key=lambda p: SEED_ORDER.get(Code(p.code), len(SEED_ORDER)))
    first = ordered[0]
    details: dict[str, Any] = dict(first.details)
    details["field"] = first.field
    if first.pointer:
        details["pointer"] = first.pointer
    details.update(extra or {})
    details["errors"] = [p.to_dict() for p in ordered]
    return ApiError(HTTP_STATUS[Code(first.code)], str(first.code), first.message, details)


def coded_error(code: Code, message: str, field: str, **details: Any) -> ApiError:
    """An answer for a single seed code that did not come from the rules engine."""
    return problem_error([Problem(code, message, field, details=details)])


def invalid_request(field: str, message: str) -> ApiError:
    """400 ``invalid_request``: the body or query is malformed; ``field`` names the culprit."""
    return ApiError(400, str(Code.INVALID_REQUEST), message, {"field": field})


def unauthenticated(message: str) -> ApiError:
    """401 ``unauthenticated``."""
    return ApiError(401, str(Code.UNAUTHENTICATED), message)
