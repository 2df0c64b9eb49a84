"""platformxe.tfplugin under real Terraform 1.15.5, with the test provider ``calderax/tfplugintest``.

One scenario per test, several Terraform steps each (plan, apply, update, replace, import,
destroy), checking what a user sees (plan text, warnings) and what the "real world" (the
provider's JSON store) and the state file hold.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess

import pytest
from tfplugin_testprovider.workspace import ProviderWorkspace

pytestmark = pytest.mark.acceptance

THING = """
resource "tfplugintest_thing" "a" {{
  name = "{name}"
  body = {body}
  size = {size}
  secret = "hunter2-sensitive"
  label {{
    key = "team"
    value = "events"
  }}
}}
"""


def thing(name: str = "alpha", body: str = "jsonencode({b = 1, a = 2})", size: int = 5) -> str:
    return THING.format(name=name, body=body, size=size)


def store(ws: ProviderWorkspace) -> dict:
    return json.loads(ws.store.read_text()) if ws.store.exists() else {}


def instance(ws: ProviderWorkspace, address_name: str = "a") -> dict:
    state = json.loads(ws.tf.run("state", "pull").check().stdout)
    for resource in state["resources"]:
        if resource["name"] == address_name:
            return resource["instances"][0]
    raise AssertionError(f"{address_name} not in state")


def test_create_update_replace_destroy(tfplugintest: ProviderWorkspace):
    ws, tf = tfplugintest, tfplugintest.tf
    ws.config(thing(size=150))

    # A create plan shows the value computed at plan time, unknowns, and the hook's warning.
    plan = tf.run("plan", "-no-color").check()
    assert "Plan: 1 to add, 0 to change, 0 to destroy." in plan.stdout
    assert '+ fingerprint = "' in plan.stdout
    assert "+ id          = (known after apply)" in plan.stdout
    assert "+ secret      = (sensitive value)" in plan.stdout
    assert "Warning: Large size" in plan.output
    assert "size 150 is above 100" in plan.output

    tf.run("apply", "-no-color", "-auto-approve").check()
    created = instance(ws)
    object_id = created["attributes"]["id"]
    assert store(ws)[object_id]["size"] == 150
    assert created["attributes"]["revision"] == 1
    assert created["identity"] == {"id": object_id}
    # Private state written at plan time and completed at apply time round-trips via the state file.
    assert json.loads(base64.b64decode(created["private"])) == {
        "planned_as": "create",
        "applied_as": "create",
    }

    # Same document, other key order: semantic equality keeps the prior value -> no changes.
    ws.config(thing(size=150, body='<<EOT\n{"a": 2,\n "b": 1}\nEOT'))
    assert "No changes." in tf.run("plan", "-no-color").check().stdout

    # Update in place: the id stays (use_state_for_unknown), the revision is unknown then bumped.
    ws.config(thing(size=6))
    plan = tf.run("plan", "-no-color").check()
    assert "will be updated in-place" in plan.stdout
    assert "~ size        = 150 -> 6" in plan.stdout
    assert "~ revision    = 1 -> (known after apply)" in plan.stdout
    assert "Plan: 0 to add, 1 to change, 0 to destroy." in plan.stdout
    assert "Warning: Large size" not in plan.output
    tf.run("apply", "-no-color", "-auto-approve").check()
    updated = instance(ws)
    assert updated["attributes"]["id"] == object_id
    assert updated["attributes"]["revision"] == 2
    assert store(ws)[object_id]["size"] == 6
    assert json.loads(base64.b64decode(updated["private"]))["applied_as"] == "update"

    # Replace: name requires replacement; the hook runs again for the create half.
    ws.config(thing(name="beta", size=6))
    plan = tf.run("plan", "-no-color").check()
    assert "must be replaced" in plan.stdout
    assert "# forces replacement" in plan.stdout
    assert "Plan: 1 to add, 0 to change, 1 to destroy." in plan.stdout
    tf.run("apply", "-no-color", "-auto-approve").check()
    replaced = instance(ws)
    assert replaced["attributes"]["id"] != object_id
    assert list(store(ws)) == [replaced["attributes"]["id"]]
    assert store(ws)[replaced["attributes"]["id"]]["name"] == "beta"

    # Drift: deleted outside Terraform -> read reports it gone -> planned for creation again.
    ws.store.write_text("{}")
    plan = tf.run("plan", "-no-color").check()
    assert "Plan: 1 to add, 0 to change, 0 to destroy." in plan.stdout
    ws.store.write_text(json.dumps({replaced["attributes"]["id"]: {**replaced["attributes"]}}))

    destroy = tf.run("destroy", "-no-color", "-auto-approve").check()
    assert "Destroy complete! Resources: 1 destroyed." in destroy.stdout
    assert store(ws) == {}


def test_import_by_cli_by_block_and_by_identity(tfplugintest: ProviderWorkspace):
    ws, tf = tfplugintest, tfplugintest.tf
    existing = {"name": "found", "body": None, "size": 3, "tags": {"env": "dev"}, "secret": None, "label": []}
    ws.store.write_text(
        json.dumps(
            {
                "cli000000001": {**existing, "id": "cli000000001", "revision": 4},
                "blk000000002": {**existing, "id": "blk000000002", "revision": 7},
                "idn000000003": {**existing, "id": "idn000000003", "revision": 9},
            }
        )
    )
    body = """
resource "tfplugintest_thing" "a" {
  name = "found"
  size = 3
  tags = { env = "dev" }
}
resource "tfplugintest_thing" "b" {
  name = "found"
  size = 3
  tags = { env = "dev" }
}
resource "tfplugintest_thing" "c" {
  name = "found"
  size = 3
  tags = { env = "dev" }
}
"""
    ws.config(body)
    result = tf.run("import", "-no-color", "tfplugintest_thing.a", "cli000000001").check()
    assert "Import successful!" in result.stdout
    imported = instance(ws, "a")
    assert imported["attributes"]["revision"] == 4
    assert imported["attributes"]["tags"] == {"env": "dev"}
    assert imported["identity"] == {"id": "cli000000001"}

    ws.config(
        body
        + """
import {
  to = tfplugintest_thing.b
  id = "blk000000002"
}
import {
  to       = tfplugintest_thing.c
  identity = { id = "idn000000003" }
}
data "tfplugintest_lookup" "found" {
  id = "blk000000002"
}
output "found_name" {
  value = data.tfplugintest_lookup.found.name
}
output "canonical" {
  value = provider::tfplugintest::canonical_json("{\\"b\\": 1, \\"a\\": [true]}")
}
"""
    )
    plan = tf.run("plan", "-no-color").check()
    assert "Plan: 2 to import, 0 to add, 0 to change, 0 to destroy." in plan.stdout
    tf.run("apply", "-no-color", "-auto-approve").check()
    assert instance(ws, "b")["attributes"]["revision"] == 7
    assert instance(ws, "c")["attributes"]["revision"] == 9
    outputs = json.loads(tf.run("output", "-json").check().stdout)
    assert outputs["found_name"]["value"] == "found"
    assert outputs["canonical"]["value"] == '{"a":[true],"b":1}'

    # A bad import ID is a clean diagnostic from read (object gone), not a crash.
    ws.config(body + 'resource "tfplugintest_thing" "d" {\n  name = "x"\n}\n')
    result = tf.run("import", "-no-color", "tfplugintest_thing.d", "nope")
    assert result.returncode == 1
    assert "Cannot import non-existent remote object" in result.output


def test_ten_resources_are_planned_in_parallel(tfplugintest: ProviderWorkspace, tmp_path):
    ws, tf = tfplugintest, tfplugintest.tf
    ws.config(
        """
resource "tfplugintest_thing" "many" {
  count = 10
  name  = "thing-${count.index}"
  size  = count.index
}
"""
    )
    log = tmp_path / "plan-calls.log"
    plan = tf.run(
        "plan",
        "-no-color",
        "-parallelism=10",
        env={"TFPLUGINTEST_PLAN_LOG": str(log), "TFPLUGINTEST_PLAN_DELAY": "0.4"},
    ).check()
    assert "Plan: 10 to add, 0 to change, 0 to destroy." in plan.stdout
    intervals = [tuple(map(float, line.split())) for line in log.read_text().splitlines()]
    assert len(intervals) == 10
    most_at_once = max(sum(1 for s, e in intervals if s <= start < e) for start, _ in intervals)
    assert most_at_once >= 5, f"plan calls overlapped at most {most_at_once} at a time"
    tf.run("apply", "-no-color", "-auto-approve", "-parallelism=10").check()
    assert sorted(o["name"] for o in store(ws).values()) == sorted(f"thing-{i}" for i in range(10))


def test_validation_error_points_at_the_attribute(tfplugintest: ProviderWorkspace):
    tfplugintest.config(thing(body='"{not json"'))
    result = tfplugintest.tf.run("plan", "-no-color")
    assert result.returncode == 1
    assert "Error: Invalid JSON in body" in result.stderr
    assert 'on main.tf line 14, in resource "tfplugintest_thing" "a":' in result.stderr


def test_provider_logs_reach_terraform_without_sensitive_values(tfplugintest: ProviderWorkspace):
    tfplugintest.config(thing())
    result = tfplugintest.tf.run("plan", "-no-color", env={"TF_LOG_PROVIDER": "DEBUG"}).check()
    # go-plugin parsed our JSON lines and Terraform re-printed them in its own log format.
    assert "[DEBUG] provider.terraform-provider-tfplugintest: rpc finished:" in result.stderr
    assert "tf_rpc=PlanResourceChange" in result.stderr
    assert "hunter2-sensitive" not in result.stderr


def test_plugin_run_by_hand_explains_itself(tfplugintest: ProviderWorkspace):
    env = {k: v for k, v in os.environ.items() if k != "TF_PLUGIN_MAGIC_COOKIE"}
    proc = subprocess.run([str(tfplugintest.plugin)], env=env, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 1
    assert "This program is a Terraform provider plugin (terraform-provider-tfplugintest)" in proc.stderr
    assert 'tfplugintest = { source = "calderax/tfplugintest" }' in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""
