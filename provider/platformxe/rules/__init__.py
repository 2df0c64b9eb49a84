"""The rules engine: pure Python, no I/O.

Decides names, reserved namespaces, semver single-step bumps, schema flavour, caps, the
canonical hash, backward compatibility and the dry-run verdict. The registry (authoritative),
the provider (offline checks at validate time) and the CLI all call these functions.

Heavy libraries (jsonschema) are imported inside the functions that need them, so importing
this package stays cheap for the Terraform provider's start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from platformxe.rules.canonical import canonical_json, schema_hash, strip_descriptions
from platformxe.rules.codes import HTTP_STATUS, Code, first_in_seed_order
from platformxe.rules.names import (
    GENERIC_DESCRIPTION,
    GENERIC_NAME,
    GENERIC_NAMESPACE,
    GENERIC_SCHEMA,
    GENERIC_VERSION,
    NAME_RE,
    NAMESPACE_RE,
    RESERVED_NAMESPACES,
    canonical_name,
    check_allowlist,
    check_generic,
    split_event_name,
    validate_name,
    validate_namespace,
)
from platformxe.rules.plans import (
    may_emit_registered,
    may_pin_version,
    monthly_emit_limit,
    registration_limit,
)
from platformxe.rules.schema import (
    MAX_DEPTH,
    MAX_PAYLOAD_BYTES,
    MAX_PROPERTIES,
    check_payload_size,
    check_schema,
    count_properties,
    detect_flavour,
    parse_json_field,
    schema_depth,
    validate_payload,
)
from platformxe.rules.semver import highest_version, legal_next_versions, parse_version, validate_version
from platformxe.rules.status import legal_status_transition
from platformxe.rules.types import (
    COMPAT_POLICIES,
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
from platformxe.rules.verdict import dry_run_verdict

if TYPE_CHECKING:
    from platformxe.rules.compat import compare, is_backward_compatible


def __getattr__(name: str) -> Any:
    if name in ("compare", "is_backward_compatible"):
        # deferred (PEP 562): the compatibility checker is the heaviest part of the engine and
        # only plans and dry-runs need it; `import platformxe.rules` stays cheap
        from platformxe.rules import compat

        return getattr(compat, name)
    raise AttributeError(f"module 'platformxe.rules' has no attribute {name!r}")


__all__ = [
    "COMPAT_POLICIES",
    "GENERIC_DESCRIPTION",
    "GENERIC_NAME",
    "GENERIC_NAMESPACE",
    "GENERIC_SCHEMA",
    "GENERIC_VERSION",
    "HTTP_STATUS",
    "MAX_DEPTH",
    "MAX_PAYLOAD_BYTES",
    "MAX_PROPERTIES",
    "NAMESPACE_RE",
    "NAME_RE",
    "RESERVED_NAMESPACES",
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
    "canonical_json",
    "canonical_name",
    "check_allowlist",
    "check_generic",
    "check_payload_size",
    "check_schema",
    "compare",
    "count_properties",
    "detect_flavour",
    "dry_run_verdict",
    "first_in_seed_order",
    "highest_version",
    "is_backward_compatible",
    "legal_next_versions",
    "legal_status_transition",
    "may_emit_registered",
    "may_pin_version",
    "monthly_emit_limit",
    "parse_json_field",
    "parse_version",
    "registration_limit",
    "schema_depth",
    "schema_hash",
    "split_event_name",
    "strip_descriptions",
    "validate_name",
    "validate_namespace",
    "validate_payload",
    "validate_version",
]
