"""SDK exceptions → diagnostics a Terraform user can act on (never a traceback).

The SDK (``platformxe.client``) raises one exception class per seed error code plus transport
errors. The provider turns each into an error that says what it was doing, what the registry
answered (with its error code) and, where the answer carries several broken rules, one error per
rule on its attribute.
"""

from __future__ import annotations

from typing import Any, NoReturn

from platformxe.rules.codes import Code
from platformxe.rules.types import Problem
from platformxe.terraform.findings import FIELD_ATTRIBUTES, error, problem_diagnostic, problem_from_body
from platformxe.tfplugin.diagnostics import Diagnostic, DiagnosticError, Diagnostics

__all__ = ["diagnostics_for", "raise_for"]


def _sentences(*parts: str) -> str:
    """Join sentences, each ending with exactly one full stop (SDK messages may or may not)."""
    return " ".join(p.rstrip().rstrip(".?") + "." for p in parts if p and p.strip())


def _problems(exc: Any) -> list[Problem]:
    """The rules an error answer lists in ``details.errors`` (items it cannot read are skipped)."""
    out = []
    for item in getattr(exc, "errors", None) or []:
        try:
            out.append(problem_from_body(item))
        except (KeyError, ValueError, TypeError):
            continue
    return out


def diagnostics_for(exc: Exception, doing: str, endpoint: str = "") -> list[Diagnostic]:
    """Diagnostics explaining ``exc``, raised while ``doing`` (e.g. "registering lettings.x 1.0.0")."""
    from platformxe.client import errors as sdk

    where = f" at {endpoint}" if endpoint else ""
    if isinstance(exc, sdk.RequestTimeout):
        return [
            error(
                f"The PlatformXe registry{where} did not answer in time while {doing}",
                _sentences(
                    # the SDK's own hint names its Python argument (timeout=), not the provider setting
                    str(exc).split("; raise timeout=", 1)[0],
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
                    str(exc),
                    "Check the provider's endpoint (or PLATFORMXE_ENDPOINT) and that the registry is running",
                ),
            )
        ]
    if isinstance(exc, sdk.Unauthenticated):
        return [
            error(
                f"The PlatformXe registry refused the API key ({Code.UNAUTHENTICATED})",
                _sentences(
                    exc.message, f"Check api_key in the provider block (or PLATFORMXE_API_KEY); while {doing}"
                ),
                # No attribute path on purpose: Terraform would print the configuration line, and
                # with it a key written literally in the file, into the run's log.
            )
        ]
    if isinstance(exc, sdk.ConfigurationError):
        return [error(f"PlatformXe provider configuration: {exc}", f"While {doing}.")]
    if isinstance(exc, sdk.RateLimited):
        retries = max(int(getattr(exc, "attempts", 1) or 1) - 1, 0)
        tried = f"retried {retries} time{'s' if retries != 1 else ''}" if retries else "not retried"
        code = f" ({exc.code})" if exc.code else ""
        return [
            error(
                f"The PlatformXe registry{where} kept refusing {doing} as too many requests{code}",
                _sentences(
                    exc.message or str(exc),
                    f"The provider {tried} (honouring Retry-After) before giving up",
                    "Run again later, lower -parallelism, or raise max_retries in the provider block",
                ),
            )
        ]
    if isinstance(exc, sdk.ApiError):
        problems = _problems(exc)
        if problems:
            return [problem_diagnostic(p) for p in problems]
        field = exc.details.get("field") if isinstance(exc.details, dict) else None
        code = f" ({exc.code})" if exc.code else ""
        return [
            error(
                f"The PlatformXe registry refused {doing}{code}",
                exc.message or str(exc),
                FIELD_ATTRIBUTES.get(field) if isinstance(field, str) else None,
            )
        ]
    raise exc


def raise_for(exc: Exception, doing: str, endpoint: str = "", into: Diagnostics | None = None) -> NoReturn:
    """Stop the operation with the diagnostics for ``exc`` (anything not from the SDK is re-raised).

    The plugin layer records the raised :class:`DiagnosticError`; when an answer justifies several
    diagnostics (one per broken rule), all but the last go straight ``into`` the request's
    diagnostics first, so they all show, in order.
    """
    found = diagnostics_for(exc, doing, endpoint)
    if into is not None:
        into.extend(found[:-1])
    last = found[-1]
    error = DiagnosticError(last.summary, last.detail, last.path)
    raise error from exc
