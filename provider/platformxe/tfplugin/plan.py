"""The fixed plan pipeline run for every PlanResourceChange.

1. Destroy (proposed state null): returned as is; the resource's hook is never called.
2. ``semantic_equal`` attributes: a new value the attribute's function calls equal to the
   prior one is replaced by the prior value.
3. When the resource has a change (create, or planned != prior), computed attributes that are
   null in config become UNKNOWN (nested blocks included); otherwise prior values stay.
4. ``use_state_for_unknown`` attributes take their prior value back.
5. The resource's ``modify_plan`` runs (create, update, replacement; no-op plans too, so it can
   warn or keep prior values).
6. ``write_only`` attributes are planned null (their value is only ever in ``config``).
7. If the only remaining differences from the prior state are the UNKNOWNs made by step 3,
   those are reverted: a plan made equal by the hook is a "No changes" plan.
8. ``requires_replace`` attributes whose planned value differs from prior add their path; all
   paths are de-duplicated and sorted; none are returned on create.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from platformxe.tfplugin.cty import UNKNOWN
from platformxe.tfplugin.diagnostics import AttributePath, Diagnostics, ElementKey, format_path
from platformxe.tfplugin.framework import PlanRequest, Resource, State
from platformxe.tfplugin.guard import run_guarded
from platformxe.tfplugin.schema import Block, Nesting, Schema


@dataclass
class PlanOutcome:
    """What PlanResourceChange answers."""

    planned: State | None
    requires_replace: list[AttributePath] = field(default_factory=list)
    private: bytes = b""
    identity: State | None = None
    diagnostics: Diagnostics = field(default_factory=Diagnostics)


def plan_resource_change(
    resource: Resource,
    schema: Schema,
    *,
    config: State | None,
    prior: State | None,
    proposed: State | None,
    prior_private: bytes = b"",
    prior_identity: State | None = None,
    provider_data: Any = None,
) -> PlanOutcome:
    """Run the pipeline described in the module docstring."""
    if proposed is None:
        return PlanOutcome(planned=None, private=prior_private, identity=prior_identity)
    diagnostics = Diagnostics()
    planned: State = _copy(proposed)
    config = config or {}
    if prior is not None:
        _keep_semantically_equal(schema, prior, planned, diagnostics)
    marked: list[AttributePath] = []
    if prior is None or planned != prior:
        _mark_computed_unknown(schema, planned, config, (), marked)
    if prior is not None:
        for name, attr in schema.attributes.items():
            if (
                attr.use_state_for_unknown
                and planned.get(name) is UNKNOWN
                and config.get(name) is not UNKNOWN
            ):
                planned[name] = prior.get(name)

    req = PlanRequest(
        type_name=resource.type_name,
        config=config,
        prior=prior,
        proposed=proposed,
        planned=planned,
        private=prior_private,
        identity=prior_identity,
        provider_data=provider_data,
        diagnostics=diagnostics,
    )
    run_guarded(diagnostics, resource.type_name, "plan", resource.modify_plan, req)
    planned = req.planned
    for name, attr in schema.attributes.items():
        if attr.write_only:  # known only in config; Terraform requires null in any state
            planned[name] = None
    if prior is not None and marked:
        planned = _revert_if_only_marks_differ(planned, prior, marked)

    replace: list[AttributePath] = []
    if prior is not None:
        replace = list(req.requires_replace)
        for name, attr in schema.attributes.items():
            if attr.requires_replace and planned.get(name) != prior.get(name):
                replace.append((name,))
    return PlanOutcome(
        planned=planned,
        requires_replace=normalise_paths(replace),
        private=req.private,
        identity=req.identity,
        diagnostics=diagnostics,
    )


def normalise_paths(paths: list[AttributePath]) -> list[AttributePath]:
    """De-duplicate and sort attribute paths (attribute names, then indexes, then map keys)."""

    def key(path: AttributePath) -> tuple[tuple[int, Any], ...]:
        return tuple(
            (2, step.key)
            if isinstance(step, ElementKey)
            else (1, step)
            if isinstance(step, int)
            else (0, step)
            for step in path
        )

    return sorted(set(paths), key=key)


def _keep_semantically_equal(schema: Schema, prior: State, planned: State, diagnostics: Diagnostics) -> None:
    for name, attr in schema.attributes.items():
        equal = attr.semantic_equal
        old, new = prior.get(name), planned.get(name)
        if equal is None or old is None or new is None or new is UNKNOWN or old == new:
            continue
        try:
            same = equal(old, new)
        except Exception as exc:  # a comparison bug must not hide the change
            diagnostics.warning(
                f"Could not compare {name} semantically",
                f"{type(exc).__name__}: {exc}; the new value is planned as written.",
                name,
            )
            continue
        if same:
            planned[name] = old


def _mark_computed_unknown(
    block: Block,
    planned: dict[str, Any],
    config: Mapping[str, Any] | None,
    path: AttributePath,
    marked: list[AttributePath],
) -> None:
    for name, attr in block.attributes.items():
        if (
            attr.computed
            and (config is None or config.get(name) is None)
            and planned.get(name) is not UNKNOWN
        ):
            planned[name] = UNKNOWN
            marked.append((*path, name))
    for name, nested in block.blocks.items():
        value = planned.get(name)
        conf = config.get(name) if isinstance(config, Mapping) else None
        if nested.nesting in (Nesting.SINGLE, Nesting.GROUP):
            if isinstance(value, dict):
                _mark_computed_unknown(
                    nested, value, conf if isinstance(conf, Mapping) else None, (*path, name), marked
                )
        elif nested.nesting in (Nesting.LIST, Nesting.SET):
            if isinstance(value, list):
                conf_items = conf if isinstance(conf, list) else []
                for i, item in enumerate(value):
                    if isinstance(item, dict):
                        item_conf = conf_items[i] if i < len(conf_items) else None
                        _mark_computed_unknown(nested, item, item_conf, (*path, name, i), marked)
        elif isinstance(value, dict):  # MAP
            conf_map: Mapping[str, Any] = conf if isinstance(conf, Mapping) else {}
            for key, item in value.items():
                if isinstance(item, dict):
                    _mark_computed_unknown(
                        nested, item, conf_map.get(key), (*path, name, ElementKey(key)), marked
                    )


_MISSING = object()


def _get(value: Any, path: AttributePath) -> Any:
    for step in path:
        if isinstance(step, ElementKey):
            step = step.key
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            return _MISSING
    return value


def _set(value: Any, path: AttributePath, new: Any) -> None:
    *parents, last = path
    target = _get(value, tuple(parents))
    target[last.key if isinstance(last, ElementKey) else last] = new


def _copy(value: Any) -> Any:
    """A deep copy of a decoded value: only dicts and lists are mutable in it (strings, numbers,
    bools, None and UNKNOWN are shared), so this is ``copy.deepcopy`` without its bookkeeping."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _revert_if_only_marks_differ(planned: State, prior: State, marked: list[AttributePath]) -> State:
    candidate = _copy(planned)
    for path in marked:
        if _get(candidate, path) is UNKNOWN:
            old = _get(prior, path)
            if old is _MISSING:
                return planned
            _set(candidate, path, old)
    return candidate if candidate == prior else planned


def describe_paths(paths: list[AttributePath]) -> str:
    """``a, b[0].c`` — for log lines."""
    return ", ".join(format_path(p) for p in paths)
