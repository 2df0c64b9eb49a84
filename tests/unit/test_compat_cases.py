"""The hand-written compatibility table (tests/unit/compat_cases): verdicts, witnesses, evidence.

Every expected verdict is itself checked against the real validator, so the table cannot hold
a wrong answer: a breaking case's witness must be valid under old and refused by new; a
compatible case must survive payloads drawn from the old schema (hypothesis-jsonschema plus
boundary candidates) validating under the new one.
"""

from __future__ import annotations

from typing import Any

import pytest
from compat_cases import CASES, CONSERVATIVE, Case
from compat_cases.instances import instances_of, valid
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from platformxe.rules.compat import compare, is_backward_compatible

COMPATIBLE = [c for c in CASES if c.expected == "compatible"]
BREAKING = [c for c in CASES if c.expected == "breaking"]
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


def _ids(cases: list[Case]) -> list[str]:
    return [c.id for c in cases]


def test_table_is_large_and_well_formed() -> None:
    assert len(CASES) >= 120
    assert len({c.id for c in CASES + CONSERVATIVE}) == len(CASES) + len(CONSERVATIVE), (
        "case ids must be unique"
    )
    for c in CASES:
        assert c.expected in ("compatible", "breaking"), c.id
        assert c.why, c.id
        assert c.has_witness == (c.expected == "breaking"), f"{c.id}: breaking cases (only) carry a witness"


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_verdict_matches_table(case: Case) -> None:
    report = compare(case.old, case.new)
    assert report.compatible == (case.expected == "compatible"), [c.message for c in report.changes]
    if isinstance(case.old, dict) and isinstance(case.new, dict):
        assert is_backward_compatible(case.old, case.new) == report.compatible
    if report.compatible:
        assert not report.breaking_changes
    else:
        assert report.breaking_changes, "a breaking verdict names at least one breaking change"


@pytest.mark.parametrize("case", BREAKING, ids=_ids(BREAKING))
def test_breaking_case_witness_is_real(case: Case) -> None:
    assert valid(case.old, case.witness), "the table's witness must be valid under the old schema"
    assert not valid(case.new, case.witness), "the table's witness must be refused by the new schema"


@pytest.mark.parametrize("case", BREAKING, ids=_ids(BREAKING))
def test_reported_witnesses_are_verified(case: Case) -> None:
    for change in compare(case.old, case.new).changes:
        if change.has_witness:
            assert change.breaking
            assert valid(case.old, change.witness) and not valid(case.new, change.witness), change


def _holds_on_old_instances(old: Any, new: Any) -> None:
    @SETTINGS
    @given(instances_of(old))
    def run(payload: Any) -> None:
        if valid(old, payload):
            assert valid(new, payload), f"{payload!r} valid under old but refused by new"

    run()


@pytest.mark.parametrize("case", COMPATIBLE, ids=_ids(COMPATIBLE))
def test_compatible_case_holds_on_old_instances(case: Case) -> None:
    _holds_on_old_instances(case.old, case.new)


@pytest.mark.parametrize("case", CONSERVATIVE, ids=_ids(CONSERVATIVE))
def test_conservative_cases_are_reported_unproven(case: Case) -> None:
    report = compare(case.old, case.new)
    assert not report.compatible
    assert any("could not prove" in c.message for c in report.breaking_changes)
    assert not any(c.has_witness for c in report.changes), (
        "a verified witness would mean the case is truly breaking"
    )
    _holds_on_old_instances(case.old, case.new)


def test_most_breaking_cases_get_a_witness() -> None:
    with_witness = sum(any(c.has_witness for c in compare(x.old, x.new).changes) for x in BREAKING)
    assert with_witness >= 0.9 * len(BREAKING), f"{with_witness}/{len(BREAKING)} breaking cases got a witness"


def test_instances_strategy_draws_valid_payloads() -> None:
    seen: list[Any] = []

    @SETTINGS
    @given(st.data())
    def run(data: st.DataObject) -> None:
        seen.append(
            data.draw(
                instances_of({"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]})
            )
        )

    run()
    assert any(valid({"type": "object", "required": ["a"]}, p) for p in seen)
