"""The rules engine: pure Python, no I/O.

Decides names, reserved namespaces, semver single-step bumps, schema flavour, caps, the
canonical hash, backward compatibility and the dry-run verdict. The registry (authoritative),
the provider (offline checks at validate time) and the CLI all call these functions.

Heavy libraries (jsonschema) are imported inside the functions that need them, so importing
this package stays cheap for the Terraform provider's start-up.
"""

from __future__ import annotations

from platformxe.rules.codes import HTTP_STATUS, Code, first_in_seed_order
from platformxe.rules.types import (
    Candidate,
    CompatReport,
    ExistingVersion,
    OrgContext,
    PlanTier,
    Problem,
    SchemaChange,
    SchemaFlavour,
    SemverBump,
    Status,
    Verdict,
)

__all__ = [
    "HTTP_STATUS",
    "Candidate",
    "Code",
    "CompatReport",
    "ExistingVersion",
    "OrgContext",
    "PlanTier",
    "Problem",
    "SchemaChange",
    "SchemaFlavour",
    "SemverBump",
    "Status",
    "Verdict",
    "first_in_seed_order",
]
