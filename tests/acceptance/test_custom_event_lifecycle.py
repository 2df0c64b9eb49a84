"""platformxe_custom_event under real Terraform 1.15.5 against a real registry: create, semantic
JSON equality, immutability, bump verdicts at plan, in-place updates, drift, destroy.

Issue 5 "Proof" scenarios 1–7 and 10.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from custom_event_fixtures import BOTH_WAYS, Registry, TerraformDir, flat, registry, terraform, tf_string

__all__ = ["registry", "terraform"]

pytestmark = pytest.mark.acceptance

#: The reference example (additionalProperties false, so adding an optional property is compatible).
FAVORITED: dict[str, Any] = {
    "type": "object",
    "properties": {
        "propertyId": {"type": "string", "maxLength": 64},
        "subjectId": {"type": "string", "maxLength": 64},
        "favoritedAt": {"type": "string", "format": "date-time"},
    },
    "required": ["propertyId", "subjectId"],
    "additionalProperties": False,
}
WITH_NOTE = {**FAVORITED, "properties": {**FAVORITED["properties"], "note": {"type": "string"}}}
BREAKING = {**FAVORITED, "required": [*FAVORITED["required"], "favoritedAt"]}


def event(
    registry: Registry,
    name: str,
    version: str,
    schema: dict[str, Any] | str,
    *,
    label: str = "ev",
    extra: str = "",
) -> str:
    """A resource block; a dict schema is written as an indented heredoc (literal JSON text)."""
    text = schema if isinstance(schema, str) else json.dumps(schema, indent=2)
    return (
        f'resource "platformxe_custom_event" "{label}" {{\n'
        f"  namespace = {tf_string(registry.slug)}\n"
        f"  name      = {tf_string(name)}\n"
        f"  version   = {tf_string(version)}\n"
        f"  payload_schema = <<-JSON\n{text}\n  JSON\n"
        f"{extra}\n}}\n"
    )


def test_create_shows_the_verdict_in_the_plan_then_plans_no_changes(
    terraform: TerraformDir, registry: Registry
) -> None:
    terraform.write(event(registry, "create.favorited", "1.0.0", FAVORITED))
    plan = terraform.ok("plan")
    assert re.search(r'semver_bump\s+= "initial"', plan.stdout)
    # The verdict is in the planned values; nothing to act on, so no warning (only Terraform's own
    # notice about the development override the tests install the provider with).
    assert [w for w in re.findall(r"Warning: (.+)", plan.output) if "development overrides" not in w] == []
    expected_canonical = f"TENANT_CUSTOM:{registry.org_id}:{registry.slug}.create.favorited@1.0.0"
    assert re.search(rf'canonical_name\s+= "{re.escape(expected_canonical)}"', plan.stdout)  # known at plan

    terraform.apply()
    assert terraform.plan_exit().returncode == 0
    state = terraform.state("platformxe_custom_event.ev")
    stored = registry.get("create.favorited", "1.0.0")
    assert stored is not None and stored["status"] == "published"
    assert state["schema_hash"] == stored["schemaHash"]
    assert state["canonical_name"] == expected_canonical == stored["canonicalName"]
    assert (state["semver_bump"], state["previous_version"], state["changes"]) == ("initial", None, [])


def test_whitespace_key_order_and_number_spelling_never_show_a_diff(
    terraform: TerraformDir, registry: Registry
) -> None:
    terraform.write(event(registry, "format.favorited", "1.0.0", FAVORITED))
    terraform.apply()
    reshaped = (
        '{ "additionalProperties" : false, "required": ["propertyId","subjectId"],\n'
        '      "properties": {"favoritedAt": {"format": "date-time", "type": "string"},\n'
        '   "subjectId": {"maxLength": 64.0, "type": "string"}, "propertyId": {"type":"string","maxLength":6.4e1}},\n'
        '"type": "object"   }'
    )
    terraform.write(event(registry, "format.favorited", "1.0.0", reshaped))
    result = terraform.plan_exit()
    assert result.returncode == 0, result.output
    assert "No changes." in result.stdout


def test_schema_evolution_is_judged_at_plan(terraform: TerraformDir, registry: Registry) -> None:
    name = "evolve.favorited"
    terraform.write(event(registry, name, "1.0.0", FAVORITED))
    terraform.apply()

    # Scenario 3: a schema edit without a version change is refused at plan.
    terraform.write(event(registry, name, "1.0.0", WITH_NOTE))
    refused = terraform.run("plan")
    assert refused.returncode == 1
    assert "schemas are immutable per version; bump version to 1.1.0 to register this change" in flat(
        refused.output
    )

    # Scenario 5: a breaking change offered as a minor names the major.
    terraform.write(event(registry, name, "1.1.0", BREAKING))
    refused = terraform.run("plan")
    assert refused.returncode == 1
    assert "this change is breaking; register it as 2.0.0" in flat(refused.output)
    assert "minor_must_be_backwards_compatible" in refused.output
    assert (
        "on main.tf line" in refused.output and 'version   = "1.1.0"' in refused.output
    )  # points at version

    terraform.write(event(registry, name, "2.0.0", BREAKING))
    major = terraform.planned()["platformxe_custom_event.ev"]
    assert major["change"]["actions"] == ["delete", "create"]
    assert major["change"]["after"]["semver_bump"] == "major"
    assert major["change"]["after"]["previous_version"] == "1.0.0"
    assert any(change["breaking"] for change in major["change"]["after"]["changes"])

    # Scenario 4: a compatible change as 1.1.0 replaces the resource with a minor verdict.
    terraform.write(event(registry, name, "1.1.0", WITH_NOTE))
    plan = terraform.ok("plan")
    assert "must be replaced" in plan.stdout
    assert re.search(r'semver_bump\s+= "initial" -> "minor"', plan.stdout)
    assert "added optional property" in plan.stdout  # the changes, in the planned values
    assert f"Warning: {registry.slug}.{name}" not in flat(plan.output)  # a minor bump needs no action
    terraform.apply()
    state = terraform.state("platformxe_custom_event.ev")
    assert (state["version"], state["semver_bump"], state["previous_version"]) == ("1.1.0", "minor", "1.0.0")
    assert (
        registry.get(name, "1.0.0")["status"] == "archived"
    )  # the replaced version was destroyed = archived
    assert terraform.plan_exit().returncode == 0


def test_description_only_patch_is_accepted_and_a_schema_change_as_patch_is_refused(
    terraform: TerraformDir, registry: Registry
) -> None:
    name = "patch.favorited"
    terraform.write(event(registry, name, "1.0.0", FAVORITED))
    terraform.apply()
    described = {**FAVORITED, "description": "A customer favourited a property"}
    terraform.write(event(registry, name, "1.0.1", described))
    plan = terraform.ok("plan")
    assert re.search(r'semver_bump\s+= "initial" -> "patch"', plan.stdout)
    assert f"Warning: {registry.slug}.{name}" not in flat(plan.output)  # a patch needs no action
    terraform.apply()
    assert terraform.state("platformxe_custom_event.ev")["semver_bump"] == "patch"

    terraform.write(event(registry, name, "1.0.2", WITH_NOTE))
    refused = terraform.run("plan")
    assert refused.returncode == 1
    assert "patch_must_be_byte_equal" in refused.output
    assert "register it as 1.1.0" in flat(refused.output)
    assert registry.get(name, "1.0.2") is None  # nothing reached the registry


def test_status_and_description_change_in_place_and_draft_is_unreachable(
    terraform: TerraformDir, registry: Registry
) -> None:
    name = "inplace.favorited"
    terraform.write(event(registry, name, "1.0.0", FAVORITED))
    terraform.apply()
    created_at = terraform.state("platformxe_custom_event.ev")["created_at"]
    terraform.write(
        event(
            registry,
            name,
            "1.0.0",
            FAVORITED,
            extra='  description = "now documented"\n  status = "archived"',
        )
    )
    plan = terraform.ok("plan")
    assert "1 to change, 0 to destroy" in plan.stdout
    terraform.apply()
    stored = registry.get(name, "1.0.0")
    assert (stored["status"], stored["description"]) == ("archived", "now documented")
    assert terraform.state("platformxe_custom_event.ev")["created_at"] == created_at

    terraform.write(event(registry, name, "1.0.0", FAVORITED, extra='  status = "published"'))
    terraform.apply()  # removing the description clears it
    stored = registry.get(name, "1.0.0")
    assert (stored["status"], stored["description"]) == ("published", None)
    assert terraform.plan_exit().returncode == 0

    terraform.write(event(registry, name, "1.0.0", FAVORITED, extra='  status = "draft"'))
    refused = terraform.run("plan")
    assert refused.returncode == 1
    assert "invalid_status_transition" in refused.output and '"published"' in refused.output


@BOTH_WAYS
def test_drift_archived_out_of_band_is_planned_back_and_a_deleted_version_is_recreated(
    terraform: TerraformDir, registry: Registry
) -> None:
    name = terraform.unique("drift.favorited")
    terraform.write(event(registry, name, "1.0.0", FAVORITED))
    terraform.apply()

    assert registry.http("DELETE", f"/registrations/{registry.slug}/{name}/versions/1.0.0").status_code == 200
    assert terraform.run("plan", "-refresh-only", "-detailed-exitcode").returncode == 2
    drift = terraform.plan_exit()
    assert drift.returncode == 2
    assert re.search(r'status\s+= "archived" -> "published"', drift.stdout)
    terraform.apply()
    assert registry.get(name, "1.0.0")["status"] == "published"

    registry.purge(name, "1.0.0")
    gone = terraform.plan_exit()
    assert gone.returncode == 2 and "will be created" in gone.stdout
    terraform.apply()
    assert registry.get(name, "1.0.0") is not None
    assert terraform.plan_exit().returncode == 0


@BOTH_WAYS
def test_destroy_archives_and_retain_leaves_the_version_published(
    terraform: TerraformDir, registry: Registry
) -> None:
    terraform.write(
        event(registry, terraform.unique("destroy.archived"), "1.0.0", FAVORITED, label="archived")
        + event(
            registry,
            terraform.unique("destroy.retained"),
            "1.0.0",
            FAVORITED,
            label="retained",
            extra='  on_destroy = "retain"',
        )
    )
    terraform.apply()
    terraform.ok("destroy", "-auto-approve")
    assert registry.get(terraform.unique("destroy.archived"), "1.0.0")["status"] == "archived"
    assert registry.get(terraform.unique("destroy.retained"), "1.0.0")["status"] == "published"


@BOTH_WAYS
def test_a_schema_known_only_at_apply_under_the_same_version_warns_and_a_refusal_restores_the_version(
    terraform: TerraformDir, registry: Registry
) -> None:
    name = terraform.unique("later.schema")

    def config(label: str) -> str:
        return (
            f'resource "terraform_data" "later" {{\n  input = {tf_string(label)}\n}}\n'
            f'resource "platformxe_custom_event" "ev" {{\n  namespace = {tf_string(registry.slug)}\n'
            f"  name = {tf_string(name)}\n"
            '  version = "1.0.0"\n'
            '  payload_schema = jsonencode({type = "object", description = terraform_data.later.id})\n}\n'
        )

    terraform.write(config("a"))
    terraform.apply()
    plan = terraform.run("plan", "-replace=terraform_data.later")
    assert plan.returncode == 0
    assert f"{registry.slug}.{name} 1.0.0: payload_schema is only known at apply" in flat(plan.output)

    applied = terraform.run("apply", "-auto-approve", "-replace=terraform_data.later")
    assert applied.returncode == 1
    assert "Traceback" not in applied.output
    assert "version_already_exists" in applied.output
    assert "restored it to published" in flat(applied.output)
    stored = registry.get(name, "1.0.0")
    assert stored is not None and stored["status"] == "published"  # the archive was undone


def test_two_versions_of_one_event_with_depends_on_plan_and_apply_in_order(
    terraform: TerraformDir, registry: Registry
) -> None:
    terraform.write(
        event(registry, "two.versions", "1.0.0", FAVORITED, label="v1")
        + event(
            registry,
            "two.versions",
            "1.1.0",
            WITH_NOTE,
            label="v11",
            extra="  depends_on = [platformxe_custom_event.v1]",
        )
    )
    plan = terraform.ok("plan")
    assert f"{registry.slug}.two.versions 1.1.0: judged at apply, after 1.0.0" in flat(plan.output)
    terraform.apply()
    first = terraform.state("platformxe_custom_event.v1")
    second = terraform.state("platformxe_custom_event.v11")
    assert (first["semver_bump"], first["previous_version"]) == ("initial", None)
    assert (second["semver_bump"], second["previous_version"]) == ("minor", "1.0.0")
    assert terraform.plan_exit().returncode == 0


@BOTH_WAYS
def test_a_refresh_reads_every_event_with_one_list_call_and_still_sees_drift(
    terraform: TerraformDir, registry: Registry
) -> None:
    names = [terraform.unique(f"snapshot.e{i}") for i in range(4)]
    terraform.write(
        "".join(event(registry, n, "1.0.0", FAVORITED, label=f"e{i}") for i, n in enumerate(names))
    )
    terraform.apply()
    log = registry.process.log_path
    assert log is not None

    def registry_reads_during(*args: str) -> tuple[int, list[str]]:
        """The plan's exit code and its reads of this organisation's events (list or one GET)."""
        before = len(log.read_text().splitlines())
        code = terraform.plan_exit(*args).returncode
        lines = log.read_text().splitlines()[before:]
        ours = (
            '"GET /v1/events/custom/registrations?',
            f'"GET /v1/events/custom/registrations/{registry.slug}/',
        )
        return code, [line for line in lines if any(o in line for o in ours)]

    code, reads = registry_reads_during()
    assert code == 0
    assert len(reads) == 1 and "registrations?" in reads[0], reads  # one list, no GET per event

    # drift is seen exactly as before: archived out of band -> update, deleted -> create
    assert (
        registry.http("DELETE", f"/registrations/{registry.slug}/{names[1]}/versions/1.0.0").status_code
        == 200
    )
    registry.purge(names[2], "1.0.0")
    code, reads = registry_reads_during()
    assert code == 2 and len(reads) == 1
    plan = terraform.plan_exit()
    assert re.search(r'status\s+= "archived" -> "published"', plan.stdout)
    assert "platformxe_custom_event.e2 will be created" in plan.stdout
    assert "1 to add, 1 to change, 0 to destroy" in plan.stdout


def test_concurrent_plans_share_batched_dry_runs_with_the_verdicts_of_one_by_one(
    terraform: TerraformDir, registry: Registry
) -> None:
    base = "batched.base"
    assert (
        registry.http(
            "POST",
            "/registrations",
            json={"namespace": registry.slug, "name": base, "version": "1.0.0", "payloadSchema": FAVORITED},
        ).status_code
        == 201
    )
    wanted = {f"n{i}": (f"batched.n{i}", "1.0.0", FAVORITED) for i in range(12)}
    wanted["bump"] = (base, "1.1.0", WITH_NOTE)
    terraform.write("".join(event(registry, n, v, s, label=label) for label, (n, v, s) in wanted.items()))
    log = registry.process.log_path
    assert log is not None
    before = len(log.read_text().splitlines())
    changes = terraform.planned()
    lines = log.read_text().splitlines()[before:]
    batches = [line for line in lines if '"POST /v1/events/custom/dry-run/batch' in line]
    singles = [line for line in lines if '"POST /v1/events/custom/dry-run ' in line]
    assert batches, "no dry-runs were coalesced"
    assert len(batches) + len(singles) < len(wanted)  # fewer round trips than resources

    for label, (name, version, schema) in wanted.items():
        planned = changes[f"platformxe_custom_event.{label}"]["change"]["after"]
        alone = registry.http(
            "POST",
            "/dry-run",
            json={"namespace": registry.slug, "name": name, "version": version, "payloadSchema": schema},
        ).json()
        assert planned["semver_bump"] == alone["semverBump"], label
        assert planned["previous_version"] == alone["previousVersion"], label
        assert planned["schema_hash"] == alone["schemaHash"], label
