"""Dry-run verdicts as a Terraform user reads them.

A verdict (from the registry's ``POST /dry-run`` or the rules engine) becomes:
- the planned values of ``semver_bump``, ``previous_version`` and ``changes``, where every verdict
  is read;
- a WARNING line only where the reviewer must act (:func:`needs_review`: a major bump), e.g.
  ``lettings.property.favorited 2.0.0: major bump over 1.1.0 (breaking: property "channel" is now
  required)``;
- plan ERRORS for broken rules, each on the attribute a person has to change and saying what
  would pass (an illegal bump sits on ``version`` and names the legal version).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from platformxe.model.custom_event import EventVersion
from platformxe.rules.codes import Code
from platformxe.rules.types import Problem, SchemaChange, SchemaFlavour, SemverBump, Verdict
from platformxe.terraform.diagnostics import error, problem_diagnostic, problem_from_body, warning
from platformxe.tfplugin.diagnostics import Diagnostic

__all__ = [
    "BUMP_CODES",
    "changes_value",
    "import_hint",
    "needs_review",
    "verdict_diagnostics",
    "verdict_from_body",
    "verdict_line",
]

#: Rule violations of the bump itself: the fix is another version number.
BUMP_CODES = frozenset(
    {
        Code.VERSION_DOWNGRADE,
        Code.VERSION_INVALID_JUMP,
        Code.PATCH_MUST_BE_BYTE_EQUAL,
        Code.MINOR_MUST_BE_BACKWARDS_COMPATIBLE,
    }
)

_LISTED_CHANGES = 3


def import_hint(namespace: str, name: str, version: str) -> str:
    """How to bring an existing version under Terraform's management."""
    address = EventVersion(namespace, name, version).id
    return (
        "To manage the registered version instead, import it: "
        f'terraform import platformxe_custom_event.<name> "{address}" '
        f'(or an import block with id = "{address}").'
    )


def _change_from_body(item: Mapping[str, Any]) -> SchemaChange:
    return SchemaChange(
        kind=str(item.get("kind", "")),
        pointer=str(item.get("path", "")),
        breaking=bool(item.get("breaking", True)),
        message=str(item.get("message", "")),
        witness=item.get("witness"),
        has_witness="witness" in item,
    )


def verdict_from_body(body: Mapping[str, Any]) -> Verdict:
    """The registry's camelCase dry-run answer as a :class:`Verdict` (inverse of ``to_dict``)."""
    bump = body.get("semverBump")
    flavour = body.get("schemaFlavour")
    return Verdict(
        valid=bool(body.get("valid")),
        semver_bump=None if bump is None else SemverBump(bump),
        schema_hash=body.get("schemaHash"),
        schema_flavour=None if flavour is None else SchemaFlavour(flavour),
        previous_version=body.get("previousVersion"),
        changes=tuple(_change_from_body(c) for c in body.get("changes") or ()),
        errors=tuple(problem_from_body(p) for p in body.get("errors") or ()),
        suggested_version=body.get("suggestedVersion"),
    )


def changes_value(changes: Sequence[SchemaChange]) -> list[dict[str, Any]]:
    """The ``changes`` attribute: ``[{kind, path, breaking, message, witness}]``.

    ``witness`` (a payload the old schema accepts and the new one refuses) is JSON text, or null.
    """
    return [
        {
            "kind": c.kind,
            "path": c.pointer,
            "breaking": c.breaking,
            "message": c.message,
            "witness": json.dumps(c.witness, separators=(",", ":")) if c.has_witness else None,
        }
        for c in changes
    ]


def _listed(messages: Sequence[str]) -> str:
    shown = "; ".join(messages[:_LISTED_CHANGES])
    more = len(messages) - _LISTED_CHANGES
    return f"{shown}; and {more} more" if more > 0 else shown


def verdict_line(namespace: str, name: str, version: str, verdict: Verdict) -> str:
    """The one-line statement of a valid verdict shown as the plan's warning."""
    head = EventVersion(namespace, name, version).label
    bump, previous = verdict.semver_bump, verdict.previous_version
    if bump is SemverBump.INITIAL or previous is None:
        return f"{head}: initial version (no earlier version of this event is registered)"
    messages = [c.message for c in verdict.changes]
    if bump is SemverBump.PATCH:
        # The rules engine only grants a patch when the schemas are equal once descriptions are
        # stripped, so whatever the compatibility checker lists is about descriptions.
        why = "schema unchanged apart from descriptions"
    elif bump is SemverBump.MINOR:
        why = f"backwards-compatible: {_listed(messages)}" if messages else "backwards-compatible"
    else:
        breaking = [c.message for c in verdict.changes if c.breaking]
        if breaking:
            why = f"breaking: {_listed(breaking)}"
        elif messages:
            why = f"no breaking change detected: {_listed(messages)}"
        else:
            why = "schema unchanged"
    return f"{head}: {bump} bump over {previous} ({why})"


def _bump_summary(problem: Problem, version: str, previous: str | None, suggested: str | None) -> str:
    target = f"register it as {suggested}" if suggested else "choose the next legal version"
    if problem.code is Code.MINOR_MUST_BE_BACKWARDS_COMPATIBLE:
        return f"this change is breaking; {target}"
    if problem.code is Code.PATCH_MUST_BE_BYTE_EQUAL:
        return f"this change is more than a patch (the schema changed beyond descriptions); {target}"
    if problem.code is Code.VERSION_DOWNGRADE:
        return f"{version} is lower than the highest registered version {previous}; {target}"
    return f"{version} is not a single step after {previous}; {target}"


def verdict_diagnostics(
    namespace: str, name: str, version: str, verdict: Verdict, *, note: str = ""
) -> tuple[list[Diagnostic], Problem | None]:
    """The plan diagnostics for ``verdict``, and the ``version_already_exists`` problem when the
    very same schema is registered already (the create will adopt it, so it is no error).

    ``note`` is appended to the warning line (e.g. that the check ran offline).
    """
    head = EventVersion(namespace, name, version).label
    out: list[Diagnostic] = []
    adopt: Problem | None = None
    for problem in verdict.errors:
        if problem.code is Code.VERSION_ALREADY_EXISTS:
            if problem.details.get("sameSchema"):
                adopt = problem
                continue
            target = verdict.suggested_version
            bump = f"register the change as {target}" if target else "register the change as a new version"
            out.append(
                error(
                    f"{head} is already registered with another schema; {bump}",
                    f"{problem.message}\n\n{import_hint(namespace, name, version)}",
                    "version",
                    problem.code,
                )
            )
        elif problem.code in BUMP_CODES:
            summary = _bump_summary(problem, version, verdict.previous_version, verdict.suggested_version)
            out.append(error(f"{head}: {summary}", problem.message, "version", problem.code))
        else:
            out.append(problem_diagnostic(problem))
    if out:
        return out, adopt
    if adopt is not None:
        status = adopt.details.get("status")
        state = f" (status {status})" if status else ""
        out.append(
            warning(
                f"{head}: already registered with the same schema{state}; apply will adopt it",
                "A version that exists with the identical schema (for example after a retried apply) is "
                "taken under management instead of being registered again.",
            )
        )
        return out, adopt
    if not needs_review(verdict, offline=bool(note)):
        return out, None  # the verdict is in the planned values (semver_bump, changes)
    line = verdict_line(namespace, name, version, verdict)
    detail = ""
    if verdict.semver_bump in (SemverBump.MINOR, SemverBump.MAJOR):
        detail = "\n".join(
            f"- {'breaking' if c.breaking else 'compatible'}: {c.message}" for c in verdict.changes
        )
    out.append(warning(line + note, detail))
    return out, None


def needs_review(verdict: Verdict, *, offline: bool = False) -> bool:
    """Whether a valid verdict is a plan WARNING (docs/provider.md, "Warnings").

    A warning is for what a reviewer must act on: a major bump breaks every consumer of the
    previous version. Initial, patch and minor verdicts are read from ``semver_bump``,
    ``previous_version`` and ``changes`` in the plan. An offline check cannot put its verdict
    into the planned values (a later plan without the prior state could not repeat it), so its
    line is the only place the reader sees it and stays a warning.
    """
    return offline or verdict.semver_bump is SemverBump.MAJOR
