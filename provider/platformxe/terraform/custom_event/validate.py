"""Offline validation of a ``platformxe_custom_event`` configuration (no network).

Runs at ``terraform validate`` and before every plan: names, the reserved list, the generic
event, version shape, JSON parsing, the schema (2020-12 / OpenAPI 3.1, caps, local refs only) and
the example against the schema — the rules engine's own dry-run with no existing versions and no
organisation, so the provider and the registry can never disagree about these rules. The schema
lint (:mod:`platformxe.rules.lint`) adds warnings on ``payload_schema`` for unknown keywords close
to real ones (``propertes``) and draft-07 forms (``items`` as an array); they never stop a plan.

Attributes whose values are still unknown (they come from other resources) are replaced by
harmless placeholders and every problem about them is dropped: a partly known configuration is
checked as far as it is known, never refused for what it may turn out to be.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from platformxe.model.custom_event import ON_DESTROY_VALUES, POLICY_VALUES, STATUS_VALUES
from platformxe.rules.codes import Code
from platformxe.rules.lint import LintFinding, lint_schema
from platformxe.rules.types import Candidate, Status
from platformxe.rules.verdict import dry_run_verdict
from platformxe.terraform.diagnostics import FIELD_ATTRIBUTES, error, problem_diagnostic, warning
from platformxe.terraform.jsonvalue import parse_json_text
from platformxe.tfplugin.cty import is_unknown
from platformxe.tfplugin.diagnostics import Diagnostic

__all__ = ["validate_event_config"]

# Stand-ins for unknown attributes: valid, not reserved, never the generic event together.
_PLACEHOLDERS: dict[str, Any] = {
    "namespace": "placeholder",
    "name": "placeholder",
    "version": "1.0.0",
    "payload_schema": "{}",
    "status": Status.PUBLISHED.value,
}


def _choice_problem(attribute: str, value: str, accepted: tuple[str, ...]) -> Diagnostic:
    listed = ", ".join(f'"{v}"' for v in accepted)
    return error(
        "Invalid value",
        f'{attribute} "{value}" is not accepted; use one of {listed}.',
        attribute,
        Code.INVALID_REQUEST,
    )


def _is_json_null(text: Any) -> bool:
    """True for JSON text denoting ``null`` (whitespace allowed around it)."""
    if not isinstance(text, str) or "null" not in text:
        return False
    try:
        return parse_json_text(text) is None
    except ValueError:
        return False


def _null_example_problem() -> Diagnostic:
    # The registry stores a JSON null example as "no example", so the state would read back null
    # where the configuration holds the string "null": Terraform calls that an inconsistent result.
    return error(
        "payload_example is JSON null",
        'payload_example = "null" is not an example payload: the registry treats it as no example at all. '
        "Omit payload_example (or set it to null) when the version has no example, or give a JSON "
        "payload the schema accepts.",
        "payload_example",
        Code.PAYLOAD_EXAMPLE_DOES_NOT_MATCH_SCHEMA,
    )


#: The error code a JSON attribute that does not parse carries (as the registry answers it).
_PARSE_CODES = {
    "payload_schema": Code.INVALID_JSON_SCHEMA,
    "payload_example": Code.PAYLOAD_EXAMPLE_DOES_NOT_MATCH_SCHEMA,
}


def _not_json(attribute: str, text: Any) -> Diagnostic | None:
    """The error for a JSON attribute whose text does not parse (None when it parses or is unset).

    Said as what it is — the text is not JSON — rather than under the code's general title
    ("Example does not match the schema"), which would send the reader to the schema.
    """
    if not isinstance(text, str):
        return None
    try:
        parse_json_text(text)
    except ValueError as exc:
        return error(
            f"{attribute} is not valid JSON",
            f"{attribute} must hold one JSON document; parsing stopped with: {exc}. Build it with "
            "jsonencode({ ... }), or keep a heredoc or file(...) whose text is JSON.",
            attribute,
            _PARSE_CODES[attribute],
        )
    return None


@lru_cache(maxsize=256)
def _lint_findings(text: str) -> tuple[LintFinding, ...]:
    """The lint of one schema text (cached: a configuration repeats its schema texts)."""
    try:
        return tuple(lint_schema(parse_json_text(text)))
    except ValueError:
        return ()


def _lint_warnings(text: Any) -> list[Diagnostic]:
    """The schema lint's advice as warnings on payload_schema (none when the text is not JSON)."""
    if not isinstance(text, str):
        return []
    out = []
    for finding in _lint_findings(text):
        where = f'"{finding.keyword}" at {finding.pointer} in payload_schema'
        summary = (
            f'Unknown keyword {where}: did you mean "{finding.meant}"?'
            if finding.kind == "typo"
            else f'Draft-07 keyword {where}: JSON Schema 2020-12 uses "{finding.meant}"'
        )
        detail = finding.message if finding.message.endswith("?") else f"{finding.message}."
        out.append(warning(summary, detail, "payload_schema"))
    return out


def validate_event_config(values: Mapping[str, Any]) -> list[Diagnostic]:
    """Every problem of a resource configuration, each on its attribute with its error code.

    ``values`` maps attribute names to values: ``None`` = not set, :data:`UNKNOWN` = known only
    after apply.
    """
    unknown = {attribute for attribute, value in values.items() if is_unknown(value)}

    def known(attribute: str) -> Any:
        return _PLACEHOLDERS.get(attribute) if attribute in unknown else values.get(attribute)

    findings: list[Diagnostic] = []
    status = known("status") or Status.PUBLISHED.value
    if status not in STATUS_VALUES:
        findings.append(_choice_problem("status", status, STATUS_VALUES))
        status = Status.PUBLISHED.value
    on_destroy = None if "on_destroy" in unknown else values.get("on_destroy")
    if on_destroy is not None and on_destroy not in ON_DESTROY_VALUES:
        findings.append(_choice_problem("on_destroy", on_destroy, ON_DESTROY_VALUES))
    policy = None if "compatibility_policy" in unknown else values.get("compatibility_policy")
    if policy is not None and policy not in POLICY_VALUES:
        findings.append(_choice_problem("compatibility_policy", policy, POLICY_VALUES))

    example_unknown = "payload_example" in unknown
    example = None if example_unknown else values.get("payload_example")
    if _is_json_null(example):
        findings.append(_null_example_problem())
        example = None  # judged as absent, so the rest of the configuration is still checked
    candidate = Candidate(
        namespace=known("namespace"),
        name=known("name"),
        version=known("version"),
        payload_schema=known("payload_schema"),
        payload_example=example,
        has_example=example is not None,
        description=None if "description" in unknown else values.get("description"),
        status=Status(status),
    )
    verdict = dry_run_verdict(candidate, existing=())
    skipped = {attr for attr in unknown if attr in FIELD_ATTRIBUTES.values()}
    for json_attribute in _PARSE_CODES:
        unparsable = (
            None if json_attribute in unknown else _not_json(json_attribute, values.get(json_attribute))
        )
        if unparsable is not None:
            findings.append(unparsable)
            skipped.add(json_attribute)  # the engine's own parse error for it would say the same
    for problem in verdict.errors:
        # An example checked against the placeholder schema ("{}") can only fail to parse, which
        # is worth reporting whatever the real schema turns out to be.
        if FIELD_ATTRIBUTES.get(problem.field) in skipped:
            continue
        findings.append(problem_diagnostic(problem))
    if "payload_schema" not in unknown:
        findings += _lint_warnings(values.get("payload_schema"))
    return findings
