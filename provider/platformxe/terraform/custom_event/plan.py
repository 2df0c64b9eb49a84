"""The plan of one ``platformxe_custom_event``: create, update in place, replace, or refuse.

Decisions, in order (docs/provider.md):
1. ``payload_schema`` / ``payload_example`` equal as JSON to the prior state keep the prior text
   (whitespace, key order and number spelling never show a diff).
2. A change of namespace, name, version, schema or example replaces the resource (a registered
   version is immutable; the schema's ``requires_replace`` says which attributes); status,
   description and on_destroy change in place.
3. A schema or example change without a version change is refused at plan: schemas are immutable
   per version, so the plan names the version to bump to instead of failing at apply.
4. An in-place status change must be a legal transition (``published`` → ``draft`` is not).
5. A create or replace with every input known is judged: by the registry's dry-run
   (``plan_checks = "remote"``: the verdict fills ``semver_bump``, ``previous_version`` and
   ``changes``), by the rules engine against the version in state (``"offline"``: errors and the
   warning line only, the values are known after apply), or not at all (``"off"``). A valid
   verdict is one warning line; broken rules are errors. Unknown inputs skip the verdict (values
   stay unknown, no error), and so does another version of the same event planned in the same
   run (the registry cannot see it yet).

``id``, ``canonical_name`` (with the organisation id known at configure time), ``schema_hash``
and ``schema_flavour`` are computed locally, so they are known in every plan.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from platformxe.model.custom_event import (
    COMPUTED_ATTRIBUTES,
    CONFIG_ATTRIBUTES,
    DEFAULTS,
    IDENTITY_ATTRIBUTES,
    JSON_ATTRIBUTES,
    POLICY_VALUES,
    VERDICT_ATTRIBUTES,
    EventVersion,
)
from platformxe.rules.canonical import CanonicalJsonError, schema_hash
from platformxe.rules.codes import Code
from platformxe.rules.names import canonical_name
from platformxe.rules.schema import detect_flavour, parse_json_field
from platformxe.rules.semver import parse_version
from platformxe.rules.status import LEGAL_TRANSITIONS, legal_status_transition
from platformxe.rules.types import Candidate, ExistingVersion, Status, Verdict
from platformxe.rules.verdict import dry_run_verdict
from platformxe.terraform.custom_event.schema import replacing_attributes
from platformxe.terraform.custom_event.verdicts import changes_value, import_hint, verdict_diagnostics
from platformxe.terraform.diagnostics import error, warning
from platformxe.terraform.jsonvalue import dump_json, same_json
from platformxe.terraform.provider_data import PlanChecks
from platformxe.tfplugin.cty import UNKNOWN, is_unknown
from platformxe.tfplugin.diagnostics import Diagnostic

__all__ = ["PlannedEvent", "create_candidate", "local_schema_facts", "plan_event"]

#: Attributes copied from configuration into the plan.
INPUT_ATTRIBUTES = CONFIG_ATTRIBUTES


@dataclass
class PlannedEvent:
    """The planned new state, the attributes forcing replacement, and what to tell the user."""

    values: dict[str, Any]
    requires_replace: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


#: The accepted emits of one version in the last 7 days (the registry's usage read).
RecentEmits = Callable[[EventVersion], int]
#: Asks the registry for a dry-run verdict (raises DiagnosticError when it cannot).
AskRegistry = Callable[[Candidate], Verdict]
#: (namespace, name, version or None when unknown) planned → the versions of that event this process
#: planned before it (None for a version unknown at plan).
Siblings = Callable[[str, str, str | None], Sequence[str | None]]


#: (namespace, name, version) → the registration (camelCase API object), or None when not registered.
Registered = Callable[[str, str, str], Mapping[str, Any] | None]


@lru_cache(maxsize=256)
def local_schema_facts(schema_text: str) -> tuple[str | None, str | None]:
    """``(schema_hash, schema_flavour)`` of a schema, or Nones when it is not a valid document.

    These are pure functions of the text, so the plan can show them without the registry (and
    they are cached: many resources share one schema text, each planned more than once).
    """

    parsed, problems = parse_json_field(schema_text, "payloadSchema")
    if problems or not isinstance(parsed, dict | bool):
        return None, None
    try:
        digest = schema_hash(parsed)
    except CanonicalJsonError:
        return None, None
    return digest, str(detect_flavour(parsed))


def _archive_warning(
    prior: Mapping[str, Any],
    planned: Mapping[str, Any],
    replace: Sequence[str],
    recent_emits: RecentEmits | None,
) -> list[Diagnostic]:
    """A warning when this replacement archives a version that was emitted in the last 7 days.

    The reviewer must act: once archived, the version refuses emits, so emitters still sending
    it (pinned to it, or on a plan that cannot move to the latest) break after apply.
    """
    if recent_emits is None or not any(a in replace for a in IDENTITY_ATTRIBUTES):
        return []
    if prior.get("on_destroy") == "retain" or prior.get("status") == "archived":
        return []
    old = EventVersion.of(prior)
    count = recent_emits(old)
    if count <= 0:
        return []
    new = (
        "the new version" if any(is_unknown(planned[a]) for a in IDENTITY_ATTRIBUTES) else planned["version"]
    )
    times = "emit" if count == 1 else "emits"
    return [
        warning(
            f"{old.label} received {count} {times} in the last 7 days, and this plan archives it",
            f'Replacing it with {new} archives {old.version} (on_destroy = "archive"), and an archived '
            f"version refuses emits. Move its emitters to {new} first, or keep {old.version} published: set "
            'on_destroy = "retain" and apply that before the version bump (the replacement reads on_destroy '
            "from the state).",
            "version",
        )
    ]


def _status_diagnostics(before: str, after: Any) -> list[Diagnostic]:
    if is_unknown(after) or legal_status_transition(before, after):
        return []
    targets = sorted(new.value for old, new in LEGAL_TRANSITIONS if old.value == before)
    legal = ", ".join(f'"{t}"' for t in targets) or "none"
    return [
        error(
            f'Impossible status change from "{before}" to "{after}"',
            f"A {before} version can move to: {legal}. Draft versions can be published or archived, published "
            "ones archived, archived ones published again; nothing goes back to draft.",
            "status",
            Code.INVALID_STATUS_TRANSITION,
        )
    ]


def _new_version_values(planned: dict[str, Any], organization_id: str | None) -> None:
    """Computed attributes of a version about to be registered, known wherever possible."""
    namespace, name, version = (planned[a] for a in IDENTITY_ATTRIBUTES)
    identity_known = not any(is_unknown(v) for v in (namespace, name, version))
    planned["id"] = EventVersion(namespace, name, version).id if identity_known else UNKNOWN
    planned["organization_id"] = organization_id or UNKNOWN
    if identity_known and organization_id:
        planned["canonical_name"] = canonical_name(organization_id, namespace, name, version)
    else:
        planned["canonical_name"] = UNKNOWN
    planned["created_at"] = UNKNOWN
    # null unless apply adopts a version registered already as a marketplace fork
    planned["forked_from"] = UNKNOWN
    digest = flavour = None
    if not is_unknown(planned["payload_schema"]):
        digest, flavour = local_schema_facts(planned["payload_schema"])
    planned["schema_hash"] = digest or UNKNOWN
    planned["schema_flavour"] = flavour or UNKNOWN
    for attribute in VERDICT_ATTRIBUTES:
        planned[attribute] = UNKNOWN


def _immutable_change(prior: Mapping[str, Any], planned: Mapping[str, Any], replace: list[str]) -> str | None:
    """The JSON attribute changed while namespace, name and version stayed (None if none)."""
    if any(a in replace for a in IDENTITY_ATTRIBUTES):
        return None
    for attribute in JSON_ATTRIBUTES:
        if attribute in replace and not is_unknown(planned[attribute]):
            return attribute
    return None


def _immutability_error(planned: Mapping[str, Any], attribute: str, suggested: str | None) -> Diagnostic:
    label = EventVersion.of(planned).label
    target = f"bump version to {suggested}" if suggested else "bump the version"
    what = (
        "schemas are immutable per version"
        if attribute == "payload_schema"
        else ("the example is stored with the version and is immutable too")
    )
    return error(
        f"{label}: {what}; {target} to register this change",
        f"Version {planned['version']} is already registered with the schema and example in state. "
        f"Change `version` to {suggested or 'the next legal version'} so the change is registered as a new "
        "version (the registry keeps the old one).",
        attribute,
        Code.VERSION_ALREADY_EXISTS,
    )


def _unknown_under_same_version(planned: Mapping[str, Any]) -> list[Diagnostic]:
    """Warnings for JSON attributes known only at apply while the version stays the same.

    Immutability cannot be checked at plan then: if the value turns out different from the
    registered one, the registry refuses the replacement at apply (the provider then restores the
    version it archived for it, but the apply still fails).
    """
    label = EventVersion.of(planned).label
    out = []
    for attribute in JSON_ATTRIBUTES:
        if is_unknown(planned[attribute]):
            out.append(
                warning(
                    f"{label}: {attribute} is only known at apply, and the version does not change",
                    f"{planned['version']} is registered already and a version's {attribute} is immutable. If "
                    f"the value known at apply differs from the registered one, apply will fail "
                    f"({Code.VERSION_ALREADY_EXISTS}) and the version must be bumped; the provider then "
                    "restores the version it archived for the replacement. Bump the version now if the "
                    "value is meant to change.",
                    attribute,
                )
            )
    return out


def _out_of_order(planned: Mapping[str, Any], higher: Sequence[str]) -> Diagnostic:
    event = EventVersion.of(planned).event
    version, first = planned["version"], sorted(higher, key=_version_key)[0]
    return error(
        f"{event} {version} and {first} are both in this configuration: add depends_on = "
        f"[platformxe_custom_event.<the {version} resource>] to the {first} resource so versions are "
        "registered in order",
        f"Terraform planned {first} before {version} of the same event. Without depends_on the order is "
        f"random, and {version} registered after {first} would be a downgrade the registry refuses, so the plan "
        "stops here. depends_on makes Terraform plan and apply the lower version first every time.",
        "version",
        Code.VERSION_DOWNGRADE,
    )


def _version_key(version: str) -> tuple[int, ...]:
    try:
        return tuple(parse_version(version))
    except ValueError:
        return (-1,)


def _sibling_order(
    planned: Mapping[str, Any], siblings: Siblings | None
) -> tuple[list[str | None], list[str]]:
    """Record this version with ``siblings``; ``(lower or unknown versions, higher versions)`` planned
    before it in this process. Nothing is recorded while namespace or name is unknown."""
    namespace, name, version = (planned[a] for a in IDENTITY_ATTRIBUTES)
    if siblings is None or is_unknown(namespace) or is_unknown(name):
        return [], []
    before = siblings(namespace, name, None if is_unknown(version) else version)
    if is_unknown(version):
        return [], []
    own = _version_key(version)
    higher = [v for v in before if v is not None and _version_key(v) > own]
    lower = [v for v in before if v is None or _version_key(v) < own]
    return lower, higher


def _judged_at_apply(candidate: Candidate, alongside: Sequence[str | None]) -> Diagnostic:
    others = ", ".join(sorted({v or "a version unknown at plan" for v in alongside}))
    return warning(
        f"{EventVersion(candidate.namespace, candidate.name, candidate.version).label}: judged at apply, after "
        f"{others} of the same event",
        "Several versions of this event are planned in this run, and the registry's dry-run cannot see the ones "
        "not registered yet, so semver_bump, previous_version and changes are known after apply. The registry "
        "still refuses an illegal bump then. Keep versions in order with depends_on.",
    )


def _adoption_errors(
    planned: Mapping[str, Any], verdict: Verdict, adopt: Any, registered: Registered | None
) -> list[Diagnostic]:
    """Why the version registered already with the same schema cannot be adopted as planned.

    Adoption patches status and description only: a status the registered one cannot move to, or
    another example (immutable per version), would make the apply fail after a plan that promised
    to adopt, so the plan refuses them, naming what would pass.
    """
    label = EventVersion.of(planned).label
    hint = import_hint(planned["namespace"], planned["name"], planned["version"])
    out: list[Diagnostic] = []
    current, wanted = adopt.details.get("status"), planned["status"]
    if (
        isinstance(current, str)
        and not is_unknown(wanted)
        and wanted != current
        and not legal_status_transition(current, wanted)
    ):
        out.append(
            error(
                f"{label}: version {planned['version']} is already {current} in the registry; a {current} "
                f'version cannot go back to {wanted}: set status = "{current}" (or import it)',
                f"Apply would adopt the registered version (same schema) and then have to move it from "
                f'"{current}" to "{wanted}", which the registry refuses.\n\n{hint}',
                "status",
                Code.INVALID_STATUS_TRANSITION,
            )
        )
    existing = registered(planned["namespace"], planned["name"], planned["version"]) if registered else None
    if existing is not None:
        example = existing.get("payloadExample")
        if not same_json(planned["payload_example"], None if example is None else dump_json(example)):
            target = (
                f"bump to {verdict.suggested_version}" if verdict.suggested_version else "bump the version"
            )
            out.append(
                error(
                    f"{label} is registered with another payload_example; examples are immutable per version: "
                    f"{target} or import it",
                    "The registered version has the same schema but "
                    + ("no example" if example is None else f"the example {dump_json(example)}")
                    + f". Match it, change `version`, or import the registered version.\n\n{hint}",
                    "payload_example",
                    Code.VERSION_ALREADY_EXISTS,
                )
            )
    return out


def _candidate(planned: Mapping[str, Any]) -> Candidate:
    status = planned["status"]
    description = planned["description"]
    return Candidate(
        namespace=planned["namespace"],
        name=planned["name"],
        version=planned["version"],
        payload_schema=planned["payload_schema"],
        payload_example=planned["payload_example"],
        has_example=planned["payload_example"] is not None,
        description=None if is_unknown(description) else description,
        status=Status.PUBLISHED if is_unknown(status) else Status(status),
        compatibility_policy=_policy(planned.get("compatibility_policy")),
    )


def _inputs(config: Mapping[str, Any]) -> dict[str, Any]:
    """The configuration's input attributes, defaults filled in (the start of every plan)."""
    planned: dict[str, Any] = {a: config.get(a) for a in INPUT_ATTRIBUTES}
    for attribute, default in DEFAULTS.items():
        if planned[attribute] is None:
            planned[attribute] = default
    return planned


def create_candidate(config: Mapping[str, Any]) -> Candidate | None:
    """The candidate :func:`plan_event` would ask the registry about if ``config`` were created now
    (None while an input it judges is unknown). Exactly the candidate of a create's plan."""
    planned = _inputs(config)
    if any(is_unknown(planned[a]) for a in replacing_attributes()):
        return None
    return _candidate(planned)


def _policy(value: Any) -> str:
    return value if isinstance(value, str) and value in POLICY_VALUES else DEFAULTS["compatibility_policy"]


def plan_event(
    prior: Mapping[str, Any] | None,
    config: Mapping[str, Any],
    *,
    organization_id: str | None,
    checks: PlanChecks,
    ask_registry: AskRegistry | None = None,
    siblings: Siblings | None = None,
    registered: Registered | None = None,
    recent_emits: RecentEmits | None = None,
) -> PlannedEvent:
    """Plan one resource. ``prior`` is the refreshed state (None on create), ``config`` the
    configuration (:data:`UNKNOWN` for values known only after apply). ``ask_registry`` is called
    at most once, only with ``checks == REMOTE`` and every judged input known. ``siblings`` is
    told about each version about to be judged and answers the other versions of the same event
    planned in this run: their registration would change the verdict between plan and apply, so
    the verdict is then left to apply. ``registered`` reads a registration (only called when the
    verdict says the version exists with the same schema, to compare its example).
    ``recent_emits`` counts a version's emits of the last 7 days (only called for a replacement
    that would archive the version in state).
    """
    planned = _inputs(config)
    result = PlannedEvent(planned)

    replace: list[str] = []
    if prior is not None:
        for attribute in JSON_ATTRIBUTES:
            value = planned[attribute]
            if not is_unknown(value) and same_json(prior.get(attribute), value):
                planned[attribute] = prior.get(attribute)
        replace = [a for a in replacing_attributes() if planned[a] != prior.get(a)]
        if not replace:
            planned.update({a: prior.get(a) for a in COMPUTED_ATTRIBUTES})
            result.diagnostics += _status_diagnostics(str(prior.get("status")), planned["status"])
            return result
    result.requires_replace = replace
    if prior is not None and checks is PlanChecks.REMOTE:
        result.diagnostics += _archive_warning(prior, planned, replace, recent_emits)
    _new_version_values(planned, organization_id)
    # Recorded before anything can return, so every process records the same versions in the order
    # Terraform plans them; a verdict is only known when no other version of the event came first.
    lower, higher = _sibling_order(planned, siblings)
    if higher:
        result.diagnostics.append(_out_of_order(planned, higher))
        return result

    if any(is_unknown(planned[a]) for a in replacing_attributes()):
        if prior is not None and not any(a in replace for a in IDENTITY_ATTRIBUTES):
            result.diagnostics += _unknown_under_same_version(planned)
        return result  # judged once the inputs are known (at apply, by the registry itself)

    candidate = _candidate(planned)
    existing: tuple[ExistingVersion, ...] = ()
    if prior is not None and (prior.get("namespace"), prior.get("name")) == (
        candidate.namespace,
        candidate.name,
    ):
        existing = (
            ExistingVersion(
                prior["version"],
                prior["payload_schema"],
                Status(prior.get("status") or Status.PUBLISHED.value),
                prior.get("schema_hash"),
            ),
        )
    immutable = None if prior is None else _immutable_change(prior, planned, replace)
    if lower and not immutable:
        result.diagnostics.append(_judged_at_apply(candidate, lower))
        return result

    verdict: Verdict | None = None
    note = ""
    if checks is PlanChecks.REMOTE and ask_registry is not None:
        verdict = ask_registry(candidate)
    elif immutable or (checks is PlanChecks.OFFLINE and existing):
        verdict = dry_run_verdict(candidate, existing, policy=candidate.compatibility_policy)
        note = " [offline check against the version in state; the registry decides at apply]"

    if immutable:
        suggested = verdict.suggested_version if verdict is not None else None
        result.diagnostics.append(_immutability_error(planned, immutable, suggested))
        return result
    if verdict is None:
        return result

    diagnostics, adopt = verdict_diagnostics(
        candidate.namespace, candidate.name, candidate.version, verdict, note=note
    )
    if adopt is not None:
        refused = _adoption_errors(planned, verdict, adopt, registered)
        if refused:
            diagnostics = refused  # instead of the "apply will adopt it" warning
    result.diagnostics += diagnostics
    # Only the registry's verdict goes into the plan. Terraform plans a replacement a second time
    # with no prior state (and again at apply), where an offline check has nothing to compare with:
    # a value known in one plan and unknown in the next would be an inconsistent plan.
    if adopt is None and verdict.valid and not note:
        planned["semver_bump"] = None if verdict.semver_bump is None else str(verdict.semver_bump)
        planned["previous_version"] = verdict.previous_version
        planned["changes"] = changes_value(verdict.changes)
    return result
