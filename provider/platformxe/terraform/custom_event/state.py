"""Registry answers → Terraform state of ``platformxe_custom_event``.

A registration carries everything but the verdict attributes (``semver_bump``,
``previous_version``, ``changes``): those describe how the version related to the versions that
existed when it was registered. They are kept from the plan after a create, and kept across
refreshes. When nothing holds them (an import, a plan that could not judge), they are derived
from the registry's history: bumps are single steps and never downgrades, so every lower version
of the event existed when this one was registered, and the highest of them is the one it was
judged against (docs/rules.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from platformxe.model.custom_event import DEFAULTS, VERDICT_ATTRIBUTES, EventVersion
from platformxe.rules.semver import bump_kind, parse_version
from platformxe.rules.types import SemverBump
from platformxe.terraform.custom_event.verdicts import changes_value
from platformxe.terraform.jsonvalue import reconcile_json
from platformxe.tfplugin.cty import is_unknown

__all__ = ["history_values", "state_from_registration", "verdict_values_missing"]


def state_from_registration(
    registration: Mapping[str, Any], prior: Mapping[str, Any] | None
) -> dict[str, Any]:
    """State values for ``registration`` (the API's camelCase object).

    ``prior`` is the state or planned values it replaces: its JSON texts are kept when they denote
    the same documents (no diff from formatting), and so are ``on_destroy`` and the verdict
    attributes, which the registry does not store.
    """
    prior = prior or {}
    ref = EventVersion.of(registration)
    values: dict[str, Any] = {
        "id": ref.id,
        **ref.as_values(),
        "status": registration["status"],
        "description": registration.get("description"),
        "payload_schema": reconcile_json(_known(prior.get("payload_schema")), registration["payloadSchema"]),
        "payload_example": reconcile_json(
            _known(prior.get("payload_example")), registration.get("payloadExample")
        ),
        "canonical_name": registration["canonicalName"],
        "organization_id": registration["organizationId"],
        "created_at": registration["createdAt"],
        "forked_from": _forked_from(registration.get("forkedFrom")),
        "schema_hash": registration["schemaHash"],
        "schema_flavour": registration["schemaFlavour"],
        "on_destroy": _known(prior.get("on_destroy")) or DEFAULTS["on_destroy"],
        # set by the provider on every create and in-place update; not read back (docs/provider.md)
        "compatibility_policy": _known(prior.get("compatibility_policy")) or DEFAULTS["compatibility_policy"],
    }
    for attribute in VERDICT_ATTRIBUTES:
        values[attribute] = _known(prior.get(attribute))
    return values


def _forked_from(value: Any) -> str | None:
    """The registration's ``forkedFrom`` as canonical JSON text (None when not a fork)."""
    if not isinstance(value, Mapping):
        return None
    return json.dumps(dict(value), sort_keys=True, separators=(",", ":"))


def _known(value: Any) -> Any:
    return None if is_unknown(value) else value


def verdict_values_missing(values: Mapping[str, Any]) -> bool:
    """True when the verdict attributes must be derived from history (never judged or unknown)."""
    bump = values.get("semver_bump")
    return bump is None or is_unknown(bump)


def history_values(registration: Mapping[str, Any], versions: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """``semver_bump``, ``previous_version`` and ``changes`` of ``registration`` from the other
    ``versions`` of its event (registration objects, any status)."""
    # Loaded here, not at the top: only imports and plans that could not judge need it, and it
    # is the heaviest module of the rules engine (bench/cold_start.py).
    from platformxe.rules.compat import compare

    own = parse_version(registration["version"])
    lower = [
        (parsed, v) for v in versions if (parsed := _parsed(v.get("version"))) is not None and parsed < own
    ]
    if not lower:
        return {"semver_bump": str(SemverBump.INITIAL), "previous_version": None, "changes": []}
    previous = max(lower, key=lambda pair: pair[0])[1]
    bump = bump_kind(previous["version"], registration["version"])
    report = compare(previous["payloadSchema"], registration["payloadSchema"])
    return {
        "semver_bump": None if bump is None else str(bump),
        "previous_version": previous["version"],
        "changes": changes_value(report.changes),
    }


def _parsed(version: Any) -> tuple[int, int, int] | None:
    try:
        return parse_version(version)
    except ValueError:
        return None
