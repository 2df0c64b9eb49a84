"""``platformxe plan-check`` on plans recorded from real Terraform 1.15.5, the real provider and a
real registry (``tools/record_plans.py``; files in ``tests/fixtures/plans/recorded/``).

The hand-written fixtures next to them pin the plan format; these prove the checker reads what
Terraform and the provider actually write: every action, both kinds of drift, imports, the three
``plan_checks`` modes, every policy and exit code. The sidecar expectations come from the
recorder's scenario definitions, not from the checker's output.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from platformxe.cli.main import main
from platformxe.plancheck import POLICIES, evaluate, load_plan, parse_plan, render
from platformxe.rules import validate_payload

REPO = Path(__file__).resolve().parents[2]
RECORDED = REPO / "tests" / "fixtures" / "plans" / "recorded"
PLANS = sorted(RECORDED.glob("*.plan.json"))
FAVORITED = "platformxe_custom_event.favorited"
VIEWING = "platformxe_custom_event.viewing"


def _id(path: Path) -> str:
    return path.name.removesuffix(".plan.json")


def _plan(name: str) -> Path:
    return RECORDED / f"{name}.plan.json"


def _doc(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(_plan(name).read_text())
    return doc


def _expect(plan: Path) -> dict[str, Any]:
    expect: dict[str, Any] = json.loads(
        plan.with_name(plan.name.replace(".plan.json", ".expect.json")).read_text()
    )
    return expect


def _change(name: str, address: str = FAVORITED) -> Any:
    return next(c for c in load_plan(str(_plan(name))).changes if c.address == address)


def _recorder_scenarios() -> list[str]:
    sys.path.insert(0, str(REPO / "tools"))
    try:
        spec = importlib.util.spec_from_file_location("record_plans", REPO / "tools" / "record_plans.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        return list(module.NAMES)
    finally:
        sys.path.remove(str(REPO / "tools"))
        sys.modules.pop("record_plans", None)


# --- the recordings themselves ----------------------------------------------------------------


def test_every_scenario_of_the_recorder_is_recorded_with_an_expectation() -> None:
    names = _recorder_scenarios()
    assert sorted(names) == sorted(_id(p) for p in PLANS)
    assert all(p.with_name(p.name.replace(".plan.json", ".expect.json")).exists() for p in PLANS)
    actions = {c.action for p in PLANS for c in load_plan(str(p)).changes}
    assert {"create", "replace", "update", "delete", "no-op"} <= actions
    assert {d.kind for p in PLANS for d in load_plan(str(p)).drift} == {"changed", "deleted"}


@pytest.mark.parametrize("plan", PLANS, ids=_id)
def test_recordings_are_real_terraform_plans_without_secrets_or_local_paths(plan: Path) -> None:
    text = plan.read_text()
    doc = json.loads(text)
    assert doc["terraform_version"] == "1.15.5"
    assert doc["format_version"].startswith("1.")
    assert doc["errored"] is False
    # The key reached the provider through PLATFORMXE_API_KEY: neither it nor a variable is stored.
    assert not re.search(r"pxe_[A-Za-z0-9_-]{16,}", text)
    assert "variables" not in doc
    assert "api_key" not in json.dumps(doc["configuration"]["provider_config"])
    # Nothing of the machine it was recorded on.
    assert not re.search(r"/(tmp|home|root|Users)/", text)
    assert "127.0.0.1" not in text and "<sandbox>" not in text


@pytest.mark.parametrize("plan", PLANS, ids=_id)
def test_plan_check_reports_what_the_scenario_did(plan: Path) -> None:
    expect = _expect(plan)
    report = load_plan(str(plan))
    got = [
        {
            "address": c.address,
            "action": c.action,
            "event": c.event,
            "version": c.version_label(),
            "semver_bump": None if c.verdict is None else c.verdict.semver_bump,
            "source": None if c.verdict is None else str(c.verdict.source),
            "breaking": len(c.breaking_changes),
        }
        for c in report.changes
    ]
    assert got == expect["changes"]
    assert [{"address": d.address, "kind": d.kind, "version": d.version} for d in report.drift] == expect[
        "drift"
    ]
    assert sorted(r.policy for r in evaluate(report, POLICIES) if not r.passed) == sorted(expect["fails"])


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("plan", PLANS, ids=_id)
def test_exit_code_of_each_policy(plan: Path, policy: str, capsys: pytest.CaptureFixture[str]) -> None:
    fails = set(_expect(plan)["fails"])
    code = main(["plan-check", str(plan), "--fail-on", policy, "--format", "markdown"])
    out = capsys.readouterr().out
    failed = policy in fails or "rules" in fails
    assert code == (1 if failed else 0)
    assert out.splitlines()[0] == f"## PlatformXe plan check: {'❌ fail' if failed else '✅ pass'}"


# --- verdicts from the registry (plan_checks = "remote") ---------------------------------------


def test_create_plans_initial_versions_with_values_known_at_plan() -> None:
    report = load_plan(str(_plan("create")))
    assert report.plan_checks == "remote"
    for change in report.changes:
        assert change.verdict is not None
        assert (change.verdict.semver_bump, change.verdict.previous_version, change.verdict.changes) == (
            "initial",
            None,
            (),
        )
        assert change.verdict.note is None  # the registry was asked: no offline caveat


@pytest.mark.parametrize(
    ("name", "bump", "previous", "kinds"),
    [
        ("replace_patch", "patch", "1.0.0", [("description_added", "/description", False)]),
        ("replace_minor", "minor", "1.0.1", [("property_added", "/properties/note", False)]),
        (
            "replace_major",
            "major",
            "1.1.0",
            # "channel" is added and required: one change, one (breaking) entry — no
            # "added property" listed beside it as harmless
            [
                ("property_required", "/required", True),
                ("property_required", "/required", True),
            ],
        ),
    ],
)
def test_replace_carries_the_registrys_verdict(name: str, bump: str, previous: str, kinds: list[Any]) -> None:
    change = _change(name)
    assert change.action == "replace" and change.on_destroy == "archive"
    assert change.verdict.source == "plan"
    assert (change.verdict.semver_bump, change.verdict.previous_version) == (bump, previous)
    assert [(c.kind, c.pointer, c.breaking) for c in change.verdict.changes] == kinds
    assert ["payload_schema"] in [list(p) for p in change.replace_paths]
    assert ["version"] in [list(p) for p in change.replace_paths]


def test_breaking_witnesses_of_the_major_plan_break_for_real() -> None:
    change = _change("replace_major")
    entry = next(e for e in _doc("replace_major")["resource_changes"] if e["address"] == FAVORITED)
    old = json.loads(entry["change"]["before"]["payload_schema"])
    new = json.loads(entry["change"]["after"]["payload_schema"])
    breaking = change.breaking_changes
    assert len(breaking) == 2 and all(c.has_witness for c in breaking)
    for item in breaking:
        assert validate_payload(old, item.witness) == []
        assert validate_payload(new, item.witness) != []
    markdown = render(
        "markdown",
        load_plan(str(_plan("replace_major"))),
        evaluate(load_plan(str(_plan("replace_major"))), ["major"]),
    )
    assert (
        'property "favoritedAt" is now required' in markdown
        and 'added property "channel", now required' in markdown
    )


@pytest.mark.parametrize("name", ["replace_patch", "replace_minor", "replace_major"])
def test_offline_verdict_agrees_with_the_registry_on_the_same_plan(name: str) -> None:
    # Blank the provider's verdict the way plan_checks = "off" leaves it (unknown at plan): the
    # checker's own rules-engine verdict must equal what the registry's dry-run said.
    doc = _doc(name)
    registry = _change(name).verdict
    blanked = copy.deepcopy(doc)
    for entry in blanked["resource_changes"]:
        if entry["address"] == FAVORITED:
            for key in ("semver_bump", "previous_version", "changes"):
                entry["change"]["after"].pop(key, None)
                entry["change"]["after_unknown"][key] = True
    computed = next(c for c in parse_plan(blanked).changes if c.address == FAVORITED).verdict
    assert computed is not None and computed.source == "computed"
    assert (computed.semver_bump, computed.previous_version) == (
        registry.semver_bump,
        registry.previous_version,
    )
    assert [(c.kind, c.pointer, c.breaking) for c in computed.changes] == [
        (c.kind, c.pointer, c.breaking) for c in registry.changes
    ]
    assert computed.valid


# --- in-place, delete, drift, import ----------------------------------------------------------


def test_status_update_is_in_place_and_lists_the_status_only() -> None:
    change = _change("update_status")
    assert change.action == "update" and change.verdict is None
    assert [(d.attribute, d.before, d.after) for d in change.attribute_changes] == [
        ("status", "published", "archived")
    ]


def test_destroy_plan_says_what_happens_in_the_registry() -> None:
    report = load_plan(str(_plan("delete")))
    assert [(c.address, c.action, c.on_destroy) for c in report.changes] == [
        (FAVORITED, "delete", "archive"),
        (VIEWING, "delete", "retain"),
    ]
    text = render("text", report, evaluate(report, []))
    assert "delete (archive)" in text and "delete (retain)" in text


def test_drift_archived_out_of_band_is_reported_and_set_back() -> None:
    report = load_plan(str(_plan("drift_archived")))
    (drift,) = report.drift
    assert drift.describe() == "changed outside Terraform: status published -> archived"
    (change,) = report.changes
    assert [(d.attribute, d.before, d.after) for d in change.attribute_changes] == [
        ("status", "archived", "published")
    ]
    body = json.loads(render("json", report, evaluate(report, ["drift"])))
    assert body["result"] == "fail" and body["summary"]["drift"] == 1


def test_drift_deleted_is_reported_and_registered_again() -> None:
    report = load_plan(str(_plan("drift_deleted")))
    (drift,) = report.drift
    assert (drift.kind, drift.describe()) == (
        "deleted",
        "deleted outside Terraform (no longer in the registry)",
    )
    (change,) = report.changes
    assert change.action == "create" and change.verdict.semver_bump == "initial"


def test_no_op_and_import_pass_every_policy(capsys: pytest.CaptureFixture[str]) -> None:
    change = _change("import")
    assert (change.action, change.importing_id) == ("no-op", "lettings/property.favorited@1.0.0")
    for name in ("no_op", "import"):
        assert main(["plan-check", str(_plan(name)), *(f"--fail-on={p}" for p in POLICIES)]) == 0
    capsys.readouterr()


# --- plan_checks = "off" / "offline": verdicts computed by plan-check --------------------------


def test_plan_checks_off_verdicts_are_computed_against_the_versions_in_the_plan() -> None:
    report = load_plan(str(_plan("plan_checks_off")))
    assert report.plan_checks == "off"
    by_address = {c.address: c for c in report.changes}
    second = by_address["platformxe_custom_event.favorited_v1_1"].verdict
    assert (second.semver_bump, second.source, second.previous_version) == ("minor", "computed", "1.0.0")
    assert "registry not consulted" in second.note
    new_event = by_address[VIEWING].verdict
    assert (new_event.semver_bump, new_event.previous_version) == ("initial", None)
    assert "initial relative to this plan only" in new_event.note


def test_plan_checks_off_refused_fails_the_rules_check_and_suggests_2_0_0(
    capsys: pytest.CaptureFixture[str],
) -> None:
    verdict = _change("plan_checks_off_refused").verdict
    assert not verdict.valid
    assert [str(p.code) for p in verdict.errors] == ["minor_must_be_backwards_compatible"]
    assert verdict.suggested_version == "2.0.0"
    # No policy requested: the always-on rules check still fails, because apply would be refused.
    assert main(["plan-check", str(_plan("plan_checks_off_refused")), "--format", "markdown"]) == 1
    out = " ".join(capsys.readouterr().out.split())
    assert "minor_must_be_backwards_compatible" in out and "2.0.0" in out


def test_plan_checks_offline_leaves_values_unknown_and_plan_check_fills_them() -> None:
    report = load_plan(str(_plan("plan_checks_offline")))
    assert report.plan_checks == "offline"
    entry = next(e for e in _doc("plan_checks_offline")["resource_changes"] if e["address"] == FAVORITED)
    assert entry["change"]["after_unknown"].get("semver_bump") is True  # the provider left it to apply
    verdict = report.changes[0].verdict
    assert (verdict.semver_bump, verdict.source, verdict.previous_version) == ("minor", "computed", "1.0.0")
    assert not verdict.breaking_changes
