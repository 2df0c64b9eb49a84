"""The per-request regex budget (rules/budget.py) and the verdict's checker deadline."""

from __future__ import annotations

import pytest

from platformxe.rules import (
    Candidate,
    Code,
    ExistingVersion,
    Status,
    budget,
    dry_run_verdict,
    validate_payload,
)

TAGS = {"type": "array", "items": {"type": "string", "pattern": "^(a|a)*$"}}


def test_many_costly_values_cost_one_budget_and_one_problem() -> None:
    problems = validate_payload(TAGS, ["a" * 29 + "!"] * 1000)
    assert len(problems) == 1
    [problem] = problems
    assert problem.code is Code.PAYLOAD_INVALID
    assert problem.details == {"keyword": "pattern", "pattern": "^(a|a)*$", "budgetMs": 100}
    assert "'^(a|a)*$'" in problem.message and "100 ms" in problem.message
    assert "simplify the pattern" in problem.message


def test_the_code_of_the_caller_is_kept() -> None:
    [problem] = validate_payload(
        TAGS, ["a" * 29 + "!"], "payloadExample", Code.PAYLOAD_EXAMPLE_DOES_NOT_MATCH_SCHEMA
    )
    assert problem.code is Code.PAYLOAD_EXAMPLE_DOES_NOT_MATCH_SCHEMA
    assert problem.field == "payloadExample"


def test_ordinary_patterns_still_match_and_refuse() -> None:
    schema = {"type": "string", "pattern": "^[a-z]+$"}
    assert validate_payload(schema, "abc") == []
    [problem] = validate_payload(schema, "ABC")
    assert "does not match '^[a-z]+$'" in problem.message


def test_additional_properties_match_keys_against_pattern_properties_on_the_budget() -> None:
    schema = {
        "type": "object",
        "properties": {"id": {"type": "string"}},
        "patternProperties": {"^x-": {"type": "integer"}},
        "additionalProperties": False,
    }
    assert validate_payload(schema, {"id": "1", "x-a": 2}) == []
    [problem] = validate_payload(schema, {"id": "1", "other": 2})
    assert problem.details["keyword"] == "additionalProperties"
    assert "'other' does not match any of the regexes: '^x-'" in problem.message
    closed = {"type": "object", "properties": {"id": {}}, "additionalProperties": False}
    [problem] = validate_payload(closed, {"id": 1, "b": 2, "a": 3})
    assert "('a', 'b' were unexpected)" in problem.message
    typed = {"type": "object", "patternProperties": {"^n": {}}, "additionalProperties": {"type": "string"}}
    [problem] = validate_payload(typed, {"n1": 1, "s": 2})
    assert problem.pointer == "/s"
    # A costly key pattern in additionalProperties' check is cut by the budget as well.
    costly = {"type": "object", "patternProperties": {"^(a|a)*$": {}}, "additionalProperties": False}
    [problem] = validate_payload(costly, {"a" * 29 + "!": 1})
    assert problem.details["pattern"] == "^(a|a)*$"


def test_nested_spending_blocks_share_the_outer_budget() -> None:
    with budget.spending(5.0) as outer:
        with budget.spending(0.001) as inner:
            assert inner is outer
        assert budget.current() is outer
    assert budget.current() is None


def test_a_spent_budget_refuses_the_next_match() -> None:
    with budget.spending(0.0), pytest.raises(budget.PatternBudgetExceeded) as caught:
        budget.search("^a$", "a")
    assert caught.value.pattern == "^a$"


def test_a_passed_checker_deadline_gives_a_too_costly_verdict() -> None:
    old = {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": False}
    new = {**old, "properties": {"a": {"type": "string"}, "b": {"type": "string"}}}
    candidate = Candidate(namespace="acme", name="thing.done", version="1.1.0", payload_schema=new)
    existing = [ExistingVersion(version="1.0.0", payload_schema=old, status=Status.PUBLISHED)]
    assert dry_run_verdict(candidate, existing).valid  # with time to compare: compatible
    verdict = dry_run_verdict(candidate, existing, deadline=0.0)
    assert not verdict.valid
    assert [p.code for p in verdict.errors] == [Code.MINOR_MUST_BE_BACKWARDS_COMPATIBLE]
    [change] = verdict.changes
    assert change.kind == "not_proven" and change.breaking
    assert change.message.startswith(budget.TOO_COSTLY)
    assert verdict.suggested_version == "2.0.0"
