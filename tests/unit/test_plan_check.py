"""``platformxe plan-check``: reading plans, verdicts (plan and offline), policies, formats, exit codes.

Every ``tests/fixtures/plans/*.plan.json`` goes through every format and policy; fixtures with an
``.expect.json`` sidecar are also held to what it says (see the fixtures' README).
"""

from __future__ import annotations

import copy
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from platformxe.cli.main import main
from platformxe.plancheck import POLICIES, evaluate, load_plan, parse_plan, render
from platformxe.plancheck.reader import PlanInputError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "plans"
PLANS = sorted(FIXTURES.glob("*.plan.json"))
EXPECTED = sorted(p for p in PLANS if p.with_name(p.name.replace(".plan.json", ".expect.json")).exists())
RESOURCE = "platformxe_custom_event"


def _id(path: Path) -> str:
    return path.name.removesuffix(".plan.json")


def _fixture(name: str) -> Path:
    return FIXTURES / f"{name}.plan.json"


def _expect(plan: Path) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(
        plan.with_name(plan.name.replace(".plan.json", ".expect.json")).read_text()
    )
    return result


def _doc(name: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(_fixture(name).read_text())
    return result


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["plan-check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _ours(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in entries if e["type"] == RESOURCE and e.get("mode", "managed") == "managed"]


# --- every fixture: reader invariants ---------------------------------------------------------


def test_there_are_fixtures_for_every_action() -> None:
    actions = {c.action for p in PLANS for c in load_plan(str(p)).changes}
    assert {"create", "replace", "update", "delete", "no-op"} <= actions


@pytest.mark.parametrize("plan", PLANS, ids=_id)
def test_every_event_change_is_reported_with_terraforms_action(plan: Path) -> None:
    doc = json.loads(plan.read_text())
    report = load_plan(str(plan))
    ours = _ours(doc.get("resource_changes", []))
    assert [c.address for c in report.changes] == [e["address"] for e in ours]
    for change, entry in zip(report.changes, ours, strict=True):
        actions = entry["change"]["actions"]
        expected = "replace" if sorted(actions) == ["create", "delete"] else actions[0]
        assert change.action == expected
        if change.action in ("create", "replace"):
            assert change.verdict is not None, "creates and replaces always carry a verdict"
        else:
            assert change.verdict is None
    assert [d.address for d in report.drift] == [e["address"] for e in _ours(doc.get("resource_drift", []))]


@pytest.mark.parametrize("plan", EXPECTED, ids=_id)
def test_fixture_reports_what_its_expectation_says(plan: Path) -> None:
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
    failing = [r.policy for r in evaluate(report, POLICIES) if not r.passed]
    assert sorted(failing) == sorted(expect["fails"])


@pytest.mark.parametrize("plan", PLANS, ids=_id)
def test_witnesses_in_plans_are_real_counterexamples(plan: Path) -> None:
    # A breaking change's witness must pass the old schema and fail the new one: this keeps
    # hand-written fixtures honest and checks recorded ones end to end.
    from platformxe.rules import validate_payload

    for change in load_plan(str(plan)).changes:
        verdict = change.verdict
        if verdict is None or change.action != "replace":
            continue
        entry = next(
            e for e in json.loads(plan.read_text())["resource_changes"] if e["address"] == change.address
        )
        after = entry["change"]["after"]
        if not isinstance(after.get("payload_schema"), str):
            continue  # known only after apply
        old = json.loads(entry["change"]["before"]["payload_schema"])
        new = json.loads(after["payload_schema"])
        for item in verdict.changes:
            if item.has_witness:
                assert validate_payload(old, item.witness) == [], item
                assert validate_payload(new, item.witness) != [], item


# --- every fixture x every format -------------------------------------------------------------


@pytest.mark.parametrize("plan", PLANS, ids=_id)
def test_json_format_is_parseable_and_complete(plan: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, str(plan), "--format", "json", *(f"--fail-on={p}" for p in POLICIES))
    body = json.loads(out)
    report = load_plan(str(plan))
    assert err == ""
    assert body["report_version"] == 1
    assert body["exit_code"] == code
    assert body["result"] == ("fail" if code else "pass")
    assert [c["address"] for c in body["changes"]] == [c.address for c in report.changes]
    assert body["summary"]["changes"] == len(report.changes)
    assert sum(body["summary"]["actions"].values()) == len(report.changes)
    assert [p["policy"] for p in body["policies"]] == ["rules", *POLICIES]
    for change in body["changes"]:
        assert set(change) >= {
            "address",
            "action",
            "event",
            "version",
            "verdict",
            "changes",
            "breaking_changes",
        }
        if change["verdict"] is not None:
            assert change["verdict"]["source"] in ("plan", "computed")
            assert change["breaking_changes"] == [c for c in change["changes"] if c["breaking"]]


@pytest.mark.parametrize("plan", PLANS, ids=_id)
def test_junit_has_one_testcase_per_change_and_drift(plan: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(plan), "--format", "junit", *(f"--fail-on={p}" for p in POLICIES))
    root = ET.fromstring(out)
    report = load_plan(str(plan))
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert len(suites["changes"].findall("testcase")) == len(report.changes)
    assert len(suites["drift"].findall("testcase")) == len(report.drift)
    failures = root.findall(".//testcase/failure")
    assert root.get("failures") == str(len(failures))
    assert (code == 1) == bool(failures)
    for case, change in zip(suites["changes"].findall("testcase"), report.changes, strict=True):
        assert change.address in (case.get("name") or "")


@pytest.mark.parametrize("plan", PLANS, ids=_id)
def test_markdown_has_a_table_row_per_change(plan: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(plan), "--format", "markdown")
    report = load_plan(str(plan))
    assert out.startswith("## PlatformXe plan check: ")
    rows = [
        line for line in out.splitlines() if line.startswith("| ") and "`platformxe_custom_event." in line
    ]
    assert len(rows) == len(report.changes)
    for row, change in zip(rows, report.changes, strict=True):
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        assert cells[0].startswith(change.action)
        assert cells[1] == f"`{change.event}`"
        assert cells[-1] == f"`{change.address}`"
        assert cells[4] == ("-" if change.verdict is None else str(change.verdict.source))
    assert "### Policies" in out
    assert ("❌ fail" in out.splitlines()[0]) == (code == 1)


@pytest.mark.parametrize("plan", PLANS, ids=_id)
def test_text_lists_every_address_and_the_result(plan: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(plan))
    for change in load_plan(str(plan)).changes:
        assert change.address in out
    assert out.rstrip().splitlines()[-1].startswith("Result: FAIL" if code else "Result: pass")


@pytest.mark.parametrize("plan", PLANS, ids=_id)
def test_any_change_and_drift_policies_follow_the_plan(plan: Path) -> None:
    doc = json.loads(plan.read_text())
    report = load_plan(str(plan))
    results = {r.policy: r for r in evaluate(report, ["any-change", "drift"])}
    changed = [e for e in _ours(doc.get("resource_changes", [])) if e["change"]["actions"] != ["no-op"]]
    assert len(results["any-change"].violations) == len(changed)
    assert len(results["drift"].violations) == len(_ours(doc.get("resource_drift", [])))


# --- each case in words -----------------------------------------------------------------------


def test_replace_major_lists_breaking_changes_everywhere(capsys: pytest.CaptureFixture[str]) -> None:
    plan = str(_fixture("replace_major"))
    code, text, _ = _run(capsys, plan)
    assert code == 0, "no policy requested: a major bump alone does not fail"
    assert "1.1.0 -> 2.0.0" in text
    assert (
        'type_changed at /properties/propertyId: property "propertyId" changed type from string to integer'
        in text
    )
    code, md, _ = _run(capsys, plan, "--format", "markdown", "--fail-on", "breaking")
    assert code == 1
    assert md.count("<details>") == 1
    assert "<summary>Breaking: <code>lettings.property.favorited</code> 1.1.0 → 2.0.0" in md
    assert '- `required_added` at `/required`: property "favoritedAt" became required' in md
    assert "| `breaking` | ❌ fail |" in md
    assert '  - refused payload valid under the old schema: `{"propertyId":"p","subjectId":"s"}`' in md
    code, js, _ = _run(capsys, plan, "--format", "json", "--fail-on", "major")
    change = json.loads(js)["changes"][0]
    assert code == 1
    assert change["version"] == {"before": "1.1.0", "after": "2.0.0", "after_unknown": False}
    assert change["verdict"]["previous_version"] == "1.1.0"
    assert [c["kind"] for c in change["breaking_changes"]] == ["type_changed", "required_added"]
    assert change["breaking_changes"][1]["witness"] == {"propertyId": "p", "subjectId": "s"}
    assert "witness" not in change["changes"][2], "a compatible change has no counterexample"
    assert change["actions"] == ["create", "delete"]
    assert change["action_reason"] == "replace_because_cannot_update"


def test_replace_minor_passes_breaking_and_major(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(_fixture("replace_minor")), "--fail-on", "breaking", "--fail-on", "major")
    assert code == 0
    assert "minor" in out and "Result: pass" in out


def test_update_shows_the_status_move(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(_fixture("update_status")), "--format", "json")
    change = json.loads(out)["changes"][0]
    assert code == 0
    assert change["attribute_changes"] == [
        {"attribute": "status", "before": "published", "after": "archived", "after_unknown": False}
    ]
    assert change["verdict"] is None


def test_delete_says_archive_or_retain(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(capsys, str(_fixture("delete")))
    assert re.search(r"delete \(archive\)\s+lettings\.property\.favorited", out)
    assert re.search(r"delete \(retain\)\s+lettings\.viewing\.booked", out)


def test_no_op_ignores_data_sources_and_other_resources() -> None:
    report = load_plan(str(_fixture("no_op")))
    assert [c.address for c in report.changes] == ["platformxe_custom_event.favorited"]
    assert evaluate(report, ["any-change"])[1].passed


def test_drift_archived_is_described_and_fails_the_drift_policy(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(_fixture("drift_archived")), "--fail-on", "drift")
    assert code == 1
    assert "changed outside Terraform: status published -> archived" in out
    code, md, _ = _run(capsys, str(_fixture("drift_archived")), "--format", "markdown")
    assert code == 0, "drift only fails when asked"
    assert "### Drift (changed outside Terraform)" in md and "status published → archived" in md
    code, xml, _ = _run(capsys, str(_fixture("drift_archived")), "--format", "junit", "--fail-on", "drift")
    drift_cases = ET.fromstring(xml).findall(".//testsuite[@name='drift']/testcase")
    assert len(drift_cases) == 1
    failure = drift_cases[0].find("failure")
    assert failure is not None and failure.get("type") == "drift"


def test_drift_deleted(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(_fixture("drift_deleted")), "--format", "json", "--fail-on", "drift")
    body = json.loads(out)
    assert code == 1
    assert body["drift"][0]["kind"] == "deleted"
    assert "deleted outside Terraform" in body["drift"][0]["description"]
    assert body["changes"][0]["action"] == "create"


# --- offline verdicts -------------------------------------------------------------------------


def test_plan_checks_off_computes_verdicts_offline(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(_fixture("plan_checks_off")), "--format", "json", "--fail-on", "breaking")
    body = json.loads(out)
    by_address = {c["address"]: c for c in body["changes"]}
    assert body["plan"]["plan_checks"] == "off"
    minor = by_address["platformxe_custom_event.favorited_v1_1"]["verdict"]
    # 1.1.0 is judged against 1.0.0, which the plan knows from another resource's state.
    assert minor["semver_bump"] == "minor" and minor["previous_version"] == "1.0.0" and minor["valid"]
    assert "offline: registry not consulted" in minor["note"]
    initial = by_address["platformxe_custom_event.viewing"]["verdict"]
    assert initial["semver_bump"] == "initial" and initial["source"] == "computed"
    assert "initial relative to this plan only" in initial["note"]
    assert code == 0
    assert body["summary"]["verdicts_computed"] == 3 and body["summary"]["verdicts_from_plan"] == 0


def test_offline_text_and_markdown_say_the_registry_was_not_consulted(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for fmt in ("text", "markdown", "junit"):
        _, out, _ = _run(capsys, str(_fixture("plan_checks_off")), "--format", fmt)
        assert "initial (offline: registry not consulted)" in out, fmt
        assert "computed" in out or fmt == "junit"


def test_offline_refuses_a_minor_bump_that_breaks_payloads(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(_fixture("plan_checks_off_refused")), "--format", "json")
    body = json.loads(out)
    verdict = body["changes"][0]["verdict"]
    assert code == 1, "the rules check runs without --fail-on"
    assert verdict["errors"][0]["code"] == "minor_must_be_backwards_compatible"
    assert verdict["suggested_version"] == "2.0.0"
    assert body["policies"][0] == {
        "policy": "rules",
        "requested": False,
        "description": body["policies"][0]["description"],
        "passed": False,
        "violations": body["policies"][0]["violations"],
    }
    assert "register it as 2.0.0" in body["policies"][0]["violations"][0]["message"]


def test_unknown_schema_gives_an_unknown_verdict_that_fails_major_and_breaking(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _run(capsys, str(_fixture("plan_checks_off_unknown_schema")))
    assert code == 0
    assert "unknown (offline: registry not consulted)" in out
    code, out, _ = _run(capsys, str(_fixture("plan_checks_off_unknown_schema")), "--fail-on", "major")
    assert code == 1 and "cannot rule out a major bump" in out


def test_plan_verdict_wins_over_offline_computation() -> None:
    # The plan says "minor" for a schema the offline checker would call breaking: the plan's
    # verdict (the registry's) is the one reported, and its source says so.
    doc = _doc("replace_minor")
    after = doc["resource_changes"][0]["change"]["after"]
    after["payload_schema"] = json.dumps({"type": "string"})
    report = parse_plan(doc)
    verdict = report.changes[0].verdict
    assert verdict is not None and verdict.semver_bump == "minor" and str(verdict.source) == "plan"


def test_null_verdict_in_plan_is_computed_offline() -> None:
    doc = _doc("replace_minor")
    after = doc["resource_changes"][0]["change"]["after"]
    after.update(semver_bump=None, previous_version=None, changes=None)
    verdict = parse_plan(doc).changes[0].verdict
    assert verdict is not None
    assert (verdict.semver_bump, str(verdict.source), verdict.previous_version) == (
        "minor",
        "computed",
        "1.0.0",
    )
    assert verdict.valid and not verdict.breaking_changes


def test_offline_major_with_breaking_changes() -> None:
    doc = _doc("replace_major")
    after = doc["resource_changes"][0]["change"]["after"]
    after.update(semver_bump=None, previous_version=None, changes=None)
    verdict = parse_plan(doc).changes[0].verdict
    assert verdict is not None and verdict.semver_bump == "major" and verdict.valid
    assert verdict.breaking_changes, "string -> integer for propertyId breaks old payloads"


def test_replace_keeping_version_and_schema_keeps_the_registered_verdict() -> None:
    doc = _doc("replace_minor")
    change = doc["resource_changes"][0]["change"]
    change["after"] = dict(
        change["before"], payload_example=json.dumps({"propertyId": "p", "subjectId": "s"})
    )
    change["after"].update(semver_bump=None, changes=None)
    verdict = parse_plan(doc).changes[0].verdict
    assert verdict is not None and verdict.valid
    assert verdict.semver_bump == "initial"  # 1.0.0's own verdict, kept by the registry
    assert verdict.note is not None and "already registered with this schema" in verdict.note


def test_the_two_replace_orders_are_both_replace() -> None:
    for actions in (["delete", "create"], ["create", "delete"]):
        doc = _doc("replace_minor")
        doc["resource_changes"][0]["change"]["actions"] = actions
        assert parse_plan(doc).changes[0].action == "replace"


def test_forget_and_import_are_reported() -> None:
    doc = _doc("no_op")
    entry = doc["resource_changes"][0]
    entry["change"]["importing"] = {"id": "lettings/property.favorited@1.1.0"}
    change = parse_plan(doc).changes[0]
    assert change.action == "no-op" and change.importing_id == "lettings/property.favorited@1.1.0"
    entry["change"]["actions"] = ["forget"]
    report = parse_plan(doc)
    assert report.changes[0].action == "forget"
    assert not evaluate(report, ["any-change"])[1].passed


# --- policies ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "policy", "fails"),
    [
        ("replace_major", "major", True),
        ("replace_minor", "major", False),
        ("replace_major", "breaking", True),
        ("replace_minor", "breaking", False),
        ("drift_archived", "drift", True),
        ("update_status", "drift", False),
        ("create", "any-change", True),
        ("no_op", "any-change", False),
    ],
)
def test_each_policy_exit_code(
    fixture: str, policy: str, fails: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, str(_fixture(fixture)), "--fail-on", policy)
    assert code == (1 if fails else 0)
    assert (f"FAIL  {policy}:" in out) == fails


def test_policies_are_repeatable_and_reported_once(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, str(_fixture("replace_major")), "--format", "json", "--fail-on", "major", "--fail-on", "major"
    )
    assert code == 1
    assert [p["policy"] for p in json.loads(out)["policies"]] == ["rules", "major"]


def test_evaluate_refuses_an_unknown_policy() -> None:
    with pytest.raises(ValueError, match="accepted: major, breaking, drift, any-change"):
        evaluate(load_plan(str(_fixture("create"))), ["minor"])


# --- input errors: exit 2, one line, no traceback ---------------------------------------------


def _error_run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = _run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    return err


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    err = _error_run(capsys, str(tmp_path / "nope.json"))
    assert "no such file" in err


def test_directory(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert "is a directory" in _error_run(capsys, str(tmp_path))


def test_not_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text("{not json")
    assert "not JSON (line 1, column 2" in _error_run(capsys, str(path))


def test_binary_plan_file_gets_a_hint(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "plan.tfplan"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("tfplan", b"\x00\x01")
    assert "terraform show -json PLANFILE" in _error_run(capsys, str(path))


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ([], "expected a JSON object, found an array"),
        ({"resource_changes": []}, "no format_version"),
        ({"format_version": "2.0", "resource_changes": []}, "format_version 2.0 is not supported"),
        ({"format_version": "1.0", "terraform_version": "1.15.5", "values": {}}, "this is a state snapshot"),
        ({"format_version": "1.2", "resource_changes": {}}, "resource_changes must be an array"),
        (
            {"format_version": "1.2", "resource_changes": [{"type": RESOURCE, "change": None}]},
            "resource_changes[0].change must be an object",
        ),
        (
            {
                "format_version": "1.2",
                "resource_changes": [{"type": RESOURCE, "change": {"actions": "create"}}],
            },
            "resource_changes[0].change.actions must be an array of strings",
        ),
    ],
)
def test_not_a_plan(doc: Any, message: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc))
    assert message in _error_run(capsys, str(path))


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (
        ["plan-check"],
        ["plan-check", "x.json", "--format", "html"],
        ["plan-check", "x", "--fail-on", "x"],
    ):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_reads_standard_input(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    raw = _fixture("replace_major").read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(raw)))
    code, out, _ = _run(capsys, "-", "--fail-on", "major")
    assert code == 1 and "standard input" not in out and "1.1.0 -> 2.0.0" in out


def test_output_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "report.xml"
    code, out, _ = _run(capsys, str(_fixture("create")), "--format", "junit", "-o", str(target))
    assert code == 0 and out == ""
    assert ET.parse(target).getroot().get("tests") == "1"


def test_parse_plan_rejects_non_plans_with_plan_input_error() -> None:
    doc = copy.deepcopy(_doc("create"))
    doc["format_version"] = 1.2
    with pytest.raises(PlanInputError):
        parse_plan(doc)


def test_render_refuses_unknown_format() -> None:
    report = load_plan(str(_fixture("create")))
    with pytest.raises(ValueError, match="accepted: text, markdown, json, junit"):
        render("html", report, evaluate(report, []))


def test_an_errored_plan_is_flagged_in_every_human_format() -> None:
    doc = _doc("replace_minor")
    doc["errored"] = True
    report = parse_plan(doc)
    results = evaluate(report, [])
    assert "PLAN ERRORED: it cannot be applied" in render("text", report, results)
    assert "> **The plan errored: it cannot be applied.**" in render("markdown", report, results)
    assert json.loads(render("json", report, results))["plan"]["errored"] is True
