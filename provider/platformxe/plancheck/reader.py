"""Read ``terraform show -json PLANFILE`` output into a :class:`~platformxe.plancheck.model.PlanReport`.

The plan representation (format_version 1.x) lists ``resource_changes`` and ``resource_drift``;
each entry has ``address``, ``mode``, ``type``, ``change`` {``actions``, ``before``, ``after``,
``after_unknown``, ``replace_paths`` …} and an optional ``action_reason``. Terraform promises to
only add properties within a major format version, so unknown properties are ignored and a
major version other than 1 is refused.

Anything that is not such a document raises :class:`PlanInputError` with one line a person can
act on (the CLI prints it and exits 2).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from platformxe.model.custom_event import CONFIG_ATTRIBUTES
from platformxe.model.custom_event import JSON_ATTRIBUTES as JSON_ATTRIBUTE_NAMES
from platformxe.plancheck.model import (
    RESOURCE_TYPE,
    Action,
    AttributeDiff,
    Drift,
    EventChange,
    PlanReport,
)
from platformxe.plancheck.values import is_unknown, json_equal
from platformxe.plancheck.verdicts import verdict_for

__all__ = ["PlanInputError", "load_plan", "parse_plan", "read_plan_document"]

#: Attributes a person configures (the ones shown when an update, replace or drift changes them),
#: and those holding JSON text, compared by meaning, not spelling (docs/provider.md).
JSON_ATTRIBUTES = frozenset(JSON_ATTRIBUTE_NAMES)


class PlanInputError(Exception):
    """The input is not a readable Terraform plan in JSON form; the message says what to do."""


def read_plan_document(path: str) -> Any:
    """The parsed JSON of ``path`` (``-`` reads standard input)."""
    shown = "standard input" if path == "-" else path
    try:
        raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except FileNotFoundError:
        raise PlanInputError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise PlanInputError(f"{shown}: is a directory, expected a JSON file") from None
    except OSError as exc:
        raise PlanInputError(f"{shown}: cannot read it ({exc.strerror or exc})") from None
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        hint = ""
        if raw[:2] == b"PK":
            # Saved plans are zip archives: the user passed the plan file itself.
            hint = " It looks like a binary plan file; convert it with `terraform show -json PLANFILE > plan.json`."
        where = (
            f" (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            if isinstance(exc, json.JSONDecodeError)
            else ""
        )
        raise PlanInputError(f"{shown}: not JSON{where}.{hint}") from None


def load_plan(path: str) -> PlanReport:
    """Read and interpret the plan JSON at ``path``."""
    return parse_plan(read_plan_document(path), source=path)


def parse_plan(doc: Any, source: str = "plan.json") -> PlanReport:
    """Interpret a parsed ``terraform show -json`` plan document."""
    if not isinstance(doc, dict):
        raise PlanInputError(f"{source}: not a Terraform plan: expected a JSON object, found {_kind(doc)}")
    format_version = doc.get("format_version")
    if not isinstance(format_version, str):
        raise PlanInputError(
            f"{source}: not a Terraform plan: no format_version (expected the output of "
            "`terraform show -json PLANFILE`)"
        )
    if format_version.split(".")[0] != "1":
        raise PlanInputError(
            f"{source}: plan JSON format_version {format_version} is not supported (this checker reads 1.x)"
        )
    if "planned_values" not in doc and "resource_changes" not in doc and "resource_drift" not in doc:
        what = "a state snapshot" if "values" in doc else "not a plan"
        raise PlanInputError(
            f"{source}: this is {what}: expected the output of `terraform show -json PLANFILE` "
            "(with planned_values and resource_changes)"
        )
    entries = _list(doc, "resource_changes", source)
    drift_entries = _list(doc, "resource_drift", source)
    existing = _existing_values(doc, entries)
    changes = tuple(
        _event_change(entry, f"{source}: resource_changes[{index}]", existing)
        for index, entry in _managed_events(entries, "resource_changes", source)
    )
    drift = tuple(
        _drift(entry, f"{source}: resource_drift[{index}]")
        for index, entry in _managed_events(drift_entries, "resource_drift", source)
    )
    terraform_version = doc.get("terraform_version")
    return PlanReport(
        source=source,
        format_version=format_version,
        terraform_version=terraform_version if isinstance(terraform_version, str) else None,
        changes=changes,
        drift=drift,
        plan_checks=_plan_checks(doc),
        errored=doc.get("errored") is True,
    )


def fold_actions(actions: tuple[str, ...]) -> str:
    """Terraform's action list as one word: both replace orders are ``replace``."""
    if set(actions) == {"delete", "create"}:
        return Action.REPLACE
    if len(actions) == 1 and actions[0] in {a.value for a in Action}:
        return actions[0]
    # Future or unusual combinations (e.g. create then forget) stay readable rather than fail.
    return "+".join(actions) if actions else Action.NO_OP


def _kind(value: Any) -> str:
    return {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number"
    )


def _list(doc: Mapping[str, Any], key: str, source: str) -> list[Any]:
    value = doc.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise PlanInputError(f"{source}: {key} must be an array, found {_kind(value)}")
    return value


def _managed_events(entries: list[Any], key: str, source: str) -> Iterator[tuple[int, dict[str, Any]]]:
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise PlanInputError(f"{source}: {key}[{index}] must be an object, found {_kind(entry)}")
        # Data sources ("read" actions, mode "data") never change the registry.
        if entry.get("type") != RESOURCE_TYPE or entry.get("mode", "managed") != "managed":
            continue
        change = entry.get("change")
        if not isinstance(change, dict):
            raise PlanInputError(f"{source}: {key}[{index}].change must be an object, found {_kind(change)}")
        actions = change.get("actions")
        if not isinstance(actions, list) or not all(isinstance(a, str) for a in actions):
            raise PlanInputError(f"{source}: {key}[{index}].change.actions must be an array of strings")
        yield index, entry


def _values(change: Mapping[str, Any], key: str, where: str) -> dict[str, Any] | None:
    value = change.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise PlanInputError(f"{where}.change.{key} must be an object or null, found {_kind(value)}")
    return value


def _str(values: Mapping[str, Any] | None, key: str) -> str | None:
    if values is None:
        return None
    value = values.get(key)
    return value if isinstance(value, str) else None


def _diff(
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    after_unknown: Any,
) -> tuple[AttributeDiff, ...]:
    """The configured attributes whose value differs between two snapshots."""
    before = before or {}
    after = after or {}
    diffs = []
    for attribute in CONFIG_ATTRIBUTES:
        if is_unknown(after_unknown, attribute):
            diffs.append(AttributeDiff(attribute, before.get(attribute), None, after_unknown=True))
            continue
        old, new = before.get(attribute), after.get(attribute)
        same = json_equal(old, new) if attribute in JSON_ATTRIBUTES else old == new
        if not same:
            diffs.append(AttributeDiff(attribute, old, new))
    return tuple(diffs)


def _existing_values(doc: Mapping[str, Any], entries: list[Any]) -> list[dict[str, Any]]:
    """Every event version that exists before the plan: the before values and the prior state."""
    found: list[dict[str, Any]] = []
    for entry in entries:
        if (
            isinstance(entry, dict)
            and entry.get("type") == RESOURCE_TYPE
            and entry.get("mode", "managed") == "managed"
        ):
            change = entry.get("change")
            before = change.get("before") if isinstance(change, dict) else None
            if isinstance(before, dict):
                found.append(before)
    prior = doc.get("prior_state")
    module = prior.get("values", {}).get("root_module") if isinstance(prior, dict) else None
    found.extend(_state_resources(module))
    return found


def _state_resources(module: Any) -> Iterator[dict[str, Any]]:
    if not isinstance(module, dict):
        return
    for resource in module.get("resources") or []:
        if (
            isinstance(resource, dict)
            and resource.get("type") == RESOURCE_TYPE
            and resource.get("mode", "managed") == "managed"
            and isinstance(resource.get("values"), dict)
        ):
            yield resource["values"]
    for child in module.get("child_modules") or []:
        yield from _state_resources(child)


def _event_change(entry: dict[str, Any], where: str, existing: list[dict[str, Any]]) -> EventChange:

    change = entry["change"]
    actions = tuple(change["actions"])
    action = fold_actions(actions)
    before = _values(change, "before", where)
    after = _values(change, "after", where)
    after_unknown = change.get("after_unknown")
    current = after if after is not None else before
    importing = change.get("importing")
    replace_paths = change.get("replace_paths")
    # Updates and replaces say which configured attributes move; creates and deletes move all.
    shown_diff = action in (Action.UPDATE, Action.REPLACE)
    verdict = None
    if action in (Action.CREATE, Action.REPLACE) and after is not None:
        verdict = verdict_for(action, before, after, after_unknown, existing)
    return EventChange(
        address=str(entry.get("address", "?")),
        action=action,
        actions=actions,
        action_reason=entry.get("action_reason") if isinstance(entry.get("action_reason"), str) else None,
        namespace=_str(current, "namespace"),
        name=_str(current, "name"),
        version_before=_str(before, "version"),
        version_after=_str(after, "version"),
        version_after_unknown=after is not None and is_unknown(after_unknown, "version"),
        verdict=verdict,
        attribute_changes=_diff(before, after, after_unknown) if shown_diff and before and after else (),
        on_destroy=_str(before, "on_destroy") if action in (Action.DELETE, Action.REPLACE) else None,
        importing_id=_str(importing, "id") if isinstance(importing, dict) else None,
        deposed=entry.get("deposed") if isinstance(entry.get("deposed"), str) else None,
        replace_paths=tuple(
            tuple(p for p in path if isinstance(p, str | int))
            for path in (replace_paths if isinstance(replace_paths, list) else [])
            if isinstance(path, list)
        ),
    )


def _drift(entry: dict[str, Any], where: str) -> Drift:
    change = entry["change"]
    before = _values(change, "before", where)
    after = _values(change, "after", where)
    current = before if before is not None else after
    deleted = after is None or "delete" in change["actions"]
    return Drift(
        address=str(entry.get("address", "?")),
        kind="deleted" if deleted else "changed",
        namespace=_str(current, "namespace"),
        name=_str(current, "name"),
        version=_str(current, "version"),
        attribute_changes=() if deleted else _diff(before, after, None),
    )


def _plan_checks(doc: Mapping[str, Any]) -> str | None:
    """The provider's ``plan_checks`` when every platformxe provider block states one constant."""
    config = doc.get("configuration")
    providers = config.get("provider_config") if isinstance(config, dict) else None
    if not isinstance(providers, dict):
        return None
    seen: set[str] = set()
    for provider in providers.values():
        if not isinstance(provider, dict) or provider.get("name") != "platformxe":
            continue
        expression = (provider.get("expressions") or {}).get("plan_checks")
        if expression is None:
            seen.add("remote")  # the documented default
        elif isinstance(expression, dict) and isinstance(expression.get("constant_value"), str):
            seen.add(expression["constant_value"])
        else:
            return None  # set from a variable or another expression: not known from the plan
    return seen.pop() if len(seen) == 1 else None
