"""The plan pipeline (platformxe.tfplugin.plan), table by table."""

from __future__ import annotations

import json

import pytest

from platformxe.tfplugin import (
    NUMBER,
    STRING,
    UNKNOWN,
    Attribute,
    DiagnosticError,
    ElementKey,
    List,
    NestedBlock,
    Nesting,
    PlanRequest,
    Resource,
    Schema,
    Severity,
)
from platformxe.tfplugin.plan import normalise_paths, plan_resource_change


def json_equal(a: str, b: str) -> bool:
    return json.loads(a) == json.loads(b)


SCHEMA = Schema(
    attributes={
        "name": Attribute(STRING, required=True, requires_replace=True),
        "size": Attribute(NUMBER, optional=True),
        "doc": Attribute(STRING, optional=True, semantic_equal=json_equal),
        "id": Attribute(STRING, computed=True, use_state_for_unknown=True),
        "revision": Attribute(NUMBER, computed=True),
        "region": Attribute(STRING, optional=True, computed=True),
    },
    blocks={
        "rule": NestedBlock(
            attributes={"port": Attribute(NUMBER, required=True), "status": Attribute(STRING, computed=True)},
            nesting=Nesting.LIST,
        ),
        "owner": NestedBlock(
            attributes={"team": Attribute(STRING, required=True), "uid": Attribute(STRING, computed=True)},
            nesting=Nesting.SINGLE,
        ),
        "env": NestedBlock(attributes={"url": Attribute(STRING, computed=True)}, nesting=Nesting.MAP),
    },
)

PRIOR = {
    "name": "a",
    "size": 1,
    "doc": '{"x": 1, "y": 2}',
    "id": "id-1",
    "revision": 3,
    "region": "eu",
    "rule": [{"port": 80, "status": "open"}],
    "owner": {"team": "t", "uid": "u-1"},
    "env": {"prod": {"url": "https://p"}},
}


def config_of(state: dict) -> dict:
    """What Terraform sends as config: computed-only attributes null."""
    config = dict(state, id=None, revision=None)
    config["rule"] = [dict(r, status=None) for r in state["rule"]]
    config["owner"] = dict(state["owner"], uid=None)
    config["env"] = {k: dict(v, url=None) for k, v in state["env"].items()}
    return config


class Recorder(Resource):
    """A resource whose hook records its calls and runs an optional action."""

    type_name = "test_thing"

    def __init__(self, action=None):
        self.calls: list[PlanRequest] = []
        self.action = action

    def schema(self) -> Schema:
        return SCHEMA

    def modify_plan(self, req: PlanRequest) -> None:
        self.calls.append(req)
        if self.action:
            self.action(req)


def plan(resource, *, config, prior, proposed, **kw):
    return plan_resource_change(resource, SCHEMA, config=config, prior=prior, proposed=proposed, **kw)


def test_destroy_is_returned_as_is_and_never_reaches_the_hook():
    resource = Recorder()
    outcome = plan(
        resource, config=None, prior=PRIOR, proposed=None, prior_private=b"p", prior_identity={"id": "x"}
    )
    assert outcome.planned is None
    assert outcome.private == b"p" and outcome.identity == {"id": "x"}
    assert resource.calls == []


def test_create_marks_computed_attributes_unknown_at_every_depth():
    resource = Recorder()
    config = config_of(PRIOR) | {"region": None}
    outcome = plan(resource, config=config, prior=None, proposed=config)
    planned = outcome.planned
    assert planned["id"] is UNKNOWN and planned["revision"] is UNKNOWN and planned["region"] is UNKNOWN
    assert planned["rule"][0]["status"] is UNKNOWN
    assert planned["owner"]["uid"] is UNKNOWN
    assert planned["env"]["prod"]["url"] is UNKNOWN
    assert planned["name"] == "a" and planned["rule"][0]["port"] == 80
    assert len(resource.calls) == 1 and resource.calls[0].is_create
    assert outcome.requires_replace == []


def test_optional_computed_attribute_set_in_config_is_kept():
    config = config_of(PRIOR)
    outcome = plan(Recorder(), config=config, prior=None, proposed=config)
    assert outcome.planned["region"] == "eu"


def test_update_marks_computed_unknown_keeps_state_for_unknown_and_runs_the_hook():
    resource = Recorder()
    config = config_of(PRIOR) | {"size": 2}
    # Terraform proposes prior values for computed attributes that are null in config.
    proposed = dict(PRIOR, size=2)
    outcome = plan(resource, config=config, prior=PRIOR, proposed=proposed)
    assert outcome.planned["size"] == 2
    assert outcome.planned["revision"] is UNKNOWN
    assert outcome.planned["id"] == "id-1"  # use_state_for_unknown
    assert outcome.planned["rule"][0]["status"] is UNKNOWN
    assert outcome.requires_replace == []
    assert len(resource.calls) == 1 and not resource.calls[0].is_create


def test_no_change_keeps_prior_values_and_still_runs_the_hook():
    resource = Recorder(lambda req: req.diagnostics.warning("looked"))
    outcome = plan(resource, config=config_of(PRIOR), prior=PRIOR, proposed=dict(PRIOR))
    assert outcome.planned == PRIOR
    assert [d.summary for d in outcome.diagnostics] == ["looked"]


def test_semantically_equal_value_keeps_prior_so_the_plan_is_empty():
    proposed = dict(PRIOR, doc='{"y": 2,\n "x": 1}')
    outcome = plan(Recorder(), config=config_of(proposed), prior=PRIOR, proposed=proposed)
    assert outcome.planned == PRIOR


def test_semantically_different_value_is_planned():
    proposed = dict(PRIOR, doc='{"x": 2}')
    outcome = plan(Recorder(), config=config_of(proposed), prior=PRIOR, proposed=proposed)
    assert outcome.planned["doc"] == '{"x": 2}'
    assert outcome.planned["revision"] is UNKNOWN


def test_a_failing_semantic_comparison_warns_and_plans_the_new_value():
    proposed = dict(PRIOR, doc="not json")
    outcome = plan(Recorder(), config=config_of(proposed), prior=PRIOR, proposed=proposed)
    assert outcome.planned["doc"] == "not json"
    [warning] = outcome.diagnostics
    assert warning.severity is Severity.WARNING and warning.path == ("doc",)


def test_hook_keeping_prior_values_turns_the_plan_into_no_changes():
    proposed = dict(PRIOR, size=1.0000001)

    def same_size(req: PlanRequest) -> None:
        if abs(req.planned["size"] - req.prior["size"]) < 0.001:
            req.keep_prior("size")

    outcome = plan(Recorder(same_size), config=config_of(proposed), prior=PRIOR, proposed=proposed)
    assert outcome.planned == PRIOR  # the pipeline's own UNKNOWNs were reverted too


def test_requires_replace_from_the_schema_flag_and_from_the_hook_sorted_and_unique():
    def replace(req: PlanRequest) -> None:
        req.require_replace("size")
        req.require_replace(["rule", 0, "port"])
        req.require_replace("size")
        req.require_replace(("env", ElementKey("prod"), "url"))

    proposed = dict(PRIOR, name="b")
    outcome = plan(Recorder(replace), config=config_of(proposed), prior=PRIOR, proposed=proposed)
    assert outcome.requires_replace == [
        ("env", ElementKey("prod"), "url"),
        ("name",),
        ("rule", 0, "port"),
        ("size",),
    ]


def test_requires_replace_is_never_returned_on_create():
    config = config_of(PRIOR)
    outcome = plan(
        Recorder(lambda req: req.require_replace("size")), config=config, prior=None, proposed=config
    )
    assert outcome.requires_replace == []


def test_unchanged_requires_replace_attribute_does_not_replace():
    proposed = dict(PRIOR, size=9)
    outcome = plan(Recorder(), config=config_of(proposed), prior=PRIOR, proposed=proposed)
    assert outcome.requires_replace == []


def test_hook_can_set_a_computed_value_private_state_and_identity():
    def decide(req: PlanRequest) -> None:
        req.planned["revision"] = 99
        req.private = b"plan-private"
        req.identity = {"id": "new"}

    config = config_of(PRIOR)
    outcome = plan(Recorder(decide), config=config, prior=None, proposed=config, prior_private=b"old")
    assert outcome.planned["revision"] == 99
    assert outcome.private == b"plan-private"
    assert outcome.identity == {"id": "new"}


@pytest.mark.parametrize(
    ("error", "summary"),
    [
        (ValueError("boom"), "Unexpected error in test_thing plan"),
        (DiagnosticError("Quota exceeded", "Ask for more", "size"), "Quota exceeded"),
    ],
)
def test_exceptions_in_the_hook_become_error_diagnostics(error, summary):
    def fail(req: PlanRequest) -> None:
        raise error

    config = config_of(PRIOR)
    outcome = plan(Recorder(fail), config=config, prior=None, proposed=config)
    [diagnostic] = outcome.diagnostics
    assert diagnostic.severity is Severity.ERROR and diagnostic.summary == summary


def test_provider_data_and_config_reach_the_hook():
    resource = Recorder()
    config = config_of(PRIOR)
    plan(resource, config=config, prior=None, proposed=config, provider_data={"client": 1})
    assert resource.calls[0].provider_data == {"client": 1}
    assert resource.calls[0].config == config


def test_list_nested_block_with_new_elements_marks_each_computed_attribute():
    proposed = dict(PRIOR, rule=[{"port": 80, "status": "open"}, {"port": 81, "status": None}])
    config = config_of(proposed)
    outcome = plan(Recorder(), config=config, prior=PRIOR, proposed=proposed)
    assert [r["status"] for r in outcome.planned["rule"]] == [UNKNOWN, UNKNOWN]


def test_normalise_paths_orders_names_then_indexes_then_keys():
    paths = [("b",), ("a", ElementKey("z")), ("a", 1), ("a", "x"), ("a", 0), ("b",)]
    assert normalise_paths(paths) == [("a", "x"), ("a", 0), ("a", 1), ("a", ElementKey("z")), ("b",)]


def test_list_type_attribute_with_unknown_element_counts_as_a_change():
    schema = Schema(
        attributes={"tags": Attribute(List(STRING), optional=True), "n": Attribute(NUMBER, computed=True)}
    )
    prior = {"tags": ["a"], "n": 1}
    proposed = {"tags": ["a", UNKNOWN], "n": 1}
    outcome = plan_resource_change(
        Recorder(), schema, config={"tags": ["a", UNKNOWN], "n": None}, prior=prior, proposed=proposed
    )
    assert outcome.planned == {"tags": ["a", UNKNOWN], "n": UNKNOWN}


def test_write_only_attributes_are_planned_null_but_visible_in_config():
    schema = Schema(
        attributes={
            "name": Attribute(STRING, required=True),
            "password": Attribute(STRING, optional=True, write_only=True),
        }
    )
    seen = []
    resource = Recorder(lambda req: seen.append(req.config["password"]))
    config = {"name": "a", "password": "pw"}
    outcome = plan_resource_change(resource, schema, config=config, prior=None, proposed=dict(config))
    assert outcome.planned == {"name": "a", "password": None}
    assert seen == ["pw"]
