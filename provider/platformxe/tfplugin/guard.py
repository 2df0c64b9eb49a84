"""Run provider code so that any exception becomes an error diagnostic, never a gRPC error."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from platformxe.tfplugin.diagnostics import DiagnosticError, Diagnostics

log = logging.getLogger("platformxe.tfplugin")

FAILED: Any = object()
"""Returned by :func:`run_guarded` when the call raised."""


def run_guarded(
    diagnostics: Diagnostics, type_name: str, operation: str, fn: Callable[..., Any], *args: Any
) -> Any:
    """Call ``fn(*args)``; on an exception add an error to ``diagnostics`` and return :data:`FAILED`."""
    try:
        return fn(*args)
    except DiagnosticError as exc:
        diagnostics.extend(exc.diagnostics)
    except NotImplementedError as exc:
        diagnostics.error(
            f"{type_name}: {operation} is not supported", str(exc) or f"{operation} is not implemented"
        )
    except Exception as exc:
        diagnostics.error(
            f"Unexpected error in {type_name} {operation}",
            f"{type(exc).__name__}: {exc}\n\nThis is a bug in the provider; please report it.",
        )
        # Frames only: the exception text may quote configuration values, some of them sensitive.
        frames = "; ".join(
            f"{f.filename}:{f.lineno} {f.name}" for f in traceback.extract_tb(exc.__traceback__)
        )
        log.error(
            "provider code raised",
            extra={
                "tf": {
                    "type_name": type_name,
                    "operation": operation,
                    "exception": type(exc).__name__,
                    "frames": frames,
                }
            },
        )
    return FAILED
