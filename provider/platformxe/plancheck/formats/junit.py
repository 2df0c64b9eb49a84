"""``--format junit``: JUnit XML for CI test reports.

One ``<testcase>`` per ``platformxe_custom_event`` change (suite ``changes``) and one per drifted
resource (suite ``drift``). A testcase fails when a policy is violated for its resource; the
failure's ``type`` is the first policy violated and its text lists every violation.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree import ElementTree as ET

from platformxe.plancheck.formats.common import change_notes, verdict_cell
from platformxe.plancheck.model import PlanReport, PolicyResult

#: ``classname`` of every testcase, so CI groups them under one heading.
CLASSNAME = "platformxe.plan_check"


def render_junit(report: PlanReport, results: Sequence[PolicyResult]) -> str:
    """The report as a JUnit XML document."""
    change_violations: dict[str, list[tuple[str, str]]] = {}
    drift_violations: dict[str, list[tuple[str, str]]] = {}
    for result in results:
        target = drift_violations if result.policy == "drift" else change_violations
        for violation in result.violations:
            target.setdefault(violation.address, []).append((result.policy, violation.message))

    root = ET.Element("testsuites", name="platformxe plan-check")
    changes = ET.SubElement(root, "testsuite", name="changes")
    for change in report.changes:
        name = f"{change.action} {change.event or '?'} {change.version_label()} ({change.address})"
        details = [f"verdict: {verdict_cell(change)}", *change_notes(change)]
        for item in change.breaking_changes:
            details.append(f"breaking {item.kind} at {item.pointer or '/'}: {item.message}")
        _case(changes, name, change_violations.get(change.address, []), details)
    drift = ET.SubElement(root, "testsuite", name="drift")
    for moved in report.drift:
        name = f"drift {moved.event or '?'} {moved.version or '?'} ({moved.address})"
        _case(drift, name, drift_violations.get(moved.address, []), [moved.describe()])

    total = failures = 0
    for suite in (changes, drift):
        cases = suite.findall("testcase")
        bad = sum(1 for c in cases if c.find("failure") is not None)
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(bad))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        total += len(cases)
        failures += bad
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _case(suite: ET.Element, name: str, violations: list[tuple[str, str]], details: list[str]) -> None:
    case = ET.SubElement(suite, "testcase", classname=CLASSNAME, name=name, time="0")
    if violations:
        failure = ET.SubElement(
            case,
            "failure",
            type=violations[0][0],
            message="; ".join(f"{policy}: {message}" for policy, message in violations),
        )
        failure.text = "\n".join(f"[{policy}] {message}" for policy, message in violations)
    out = ET.SubElement(case, "system-out")
    out.text = "\n".join(details)
