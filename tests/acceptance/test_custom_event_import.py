"""Import, adoption and data sources of the platformxe provider under real Terraform 1.15.5.

Issue 5 "Proof" scenarios 8 (import by id, by canonical name in an ``import {}`` block,
``-generate-config-out`` round trip) and 9 (the three data sources), plus create adopting an
identical existing version and refusing a different one with an import hint.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from custom_event_fixtures import Registry, TerraformDir, flat, registry, terraform, tf_string

__all__ = ["registry", "terraform"]

pytestmark = pytest.mark.acceptance

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"id": {"type": "string", "maxLength": 64}, "score": {"type": "number"}},
    "required": ["id"],
}


def register_by_hand(registry: Registry, name: str, **extra: Any) -> dict[str, Any]:
    """Register a version through the API, as a person or another tool would."""
    body = {"namespace": registry.slug, "name": name, "version": "1.0.0", "payloadSchema": SCHEMA, **extra}
    answer = registry.http("POST", "/registrations", json=body)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def resource(registry: Registry, label: str, name: str, schema_text: str, extra: str = "") -> str:
    return (
        f'resource "platformxe_custom_event" "{label}" {{\n'
        f"  namespace = {tf_string(registry.slug)}\n"
        f"  name      = {tf_string(name)}\n"
        '  version   = "1.0.0"\n'
        f"  payload_schema = <<-JSON\n{schema_text}\n  JSON\n{extra}}}\n"
    )


# Same document as SCHEMA, written differently (key order, whitespace, 64.0).
REWRITTEN = (
    '  { "required": ["id"], "type": "object",\n'
    '    "properties": {"score": {"type": "number"}, "id": {"maxLength": 64.0, "type": "string"}} }'
)


def test_import_by_id_then_the_hand_written_config_plans_no_changes(
    terraform: TerraformDir, registry: Registry
) -> None:
    register_by_hand(
        registry, "imp.byid", description="made by hand", payloadExample={"id": "x", "score": 1.5}
    )
    example = '  payload_example = jsonencode({ score = 1.5, id = "x" })\n  description = "made by hand"\n'
    terraform.write(resource(registry, "ev", "imp.byid", REWRITTEN, example))
    imported = terraform.ok("import", "platformxe_custom_event.ev", f"{registry.slug}/imp.byid@1.0.0")
    assert "Import successful!" in imported.stdout
    state = terraform.state("platformxe_custom_event.ev")
    assert json.loads(state["payload_schema"]) == SCHEMA
    assert (state["semver_bump"], state["previous_version"], state["on_destroy"]) == (
        "initial",
        None,
        "archive",
    )
    result = terraform.plan_exit()
    assert result.returncode == 0, result.output


def test_import_block_by_canonical_name_and_generated_config_round_trip(
    terraform: TerraformDir, registry: Registry
) -> None:
    register_by_hand(registry, "imp.block", payloadExample={"id": "y"})
    canonical = f"TENANT_CUSTOM:{registry.org_id}:{registry.slug}.imp.block@1.0.0"
    terraform.write(f'import {{\n  to = platformxe_custom_event.gen\n  id = "{canonical}"\n}}\n')
    plan = terraform.ok("plan", "-generate-config-out=generated.tf")
    assert "1 to import" in plan.stdout
    generated = (terraform.dir / "generated.tf").read_text()
    assert 'resource "platformxe_custom_event" "gen"' in generated
    assert "payload_schema" in generated and "canonical_name" not in generated  # computed ones left out
    terraform.apply()
    assert terraform.state("platformxe_custom_event.gen")["canonical_name"] == canonical
    result = terraform.plan_exit()
    assert result.returncode == 0, result.output


def test_import_block_by_identity(terraform: TerraformDir, registry: Registry) -> None:
    register_by_hand(registry, "imp.identity")
    terraform.write(
        resource(registry, "ev", "imp.identity", REWRITTEN)
        + "import {\n  to = platformxe_custom_event.ev\n"
        + f'  identity = {{ namespace = {tf_string(registry.slug)}, name = "imp.identity", version = "1.0.0" }}\n}}\n'
    )
    plan = terraform.ok("plan")
    assert "1 to import, 0 to add, 0 to change, 0 to destroy" in plan.stdout
    terraform.apply()
    assert terraform.state("platformxe_custom_event.ev")["id"] == f"{registry.slug}/imp.identity@1.0.0"
    assert terraform.plan_exit().returncode == 0


def test_canonical_name_of_another_organisation_is_refused(
    terraform: TerraformDir, registry: Registry
) -> None:
    terraform.write(resource(registry, "ev", "imp.other", json.dumps(SCHEMA)))
    result = terraform.run(
        "import", "platformxe_custom_event.ev", f"TENANT_CUSTOM:org_other:{registry.slug}.x@1.0.0"
    )
    assert result.returncode == 1
    assert "belongs to another organisation" in flat(result.output)


def test_create_adopts_an_identical_version_and_refuses_a_different_one(
    terraform: TerraformDir, registry: Registry
) -> None:
    first = register_by_hand(registry, "adopt.same", status="draft")
    register_by_hand(registry, "adopt.other")
    terraform.write(resource(registry, "same", "adopt.same", REWRITTEN))
    plan = terraform.ok("plan")
    assert "already registered with the same schema (status draft); apply will adopt it" in flat(plan.output)
    terraform.apply()
    state = terraform.state("platformxe_custom_event.same")
    assert (state["created_at"], state["status"]) == (
        first["createdAt"],
        "published",
    )  # adopted, then published
    assert state["semver_bump"] == "initial"

    terraform.write(resource(registry, "other", "adopt.other", json.dumps({"type": "object"})))
    refused = terraform.run("plan")
    assert refused.returncode == 1
    assert "version_already_exists" in refused.output
    hint = f'terraform import platformxe_custom_event.<name> "{registry.slug}/adopt.other@1.0.0"'
    assert hint in flat(refused.output)


def test_the_three_data_sources_read(terraform: TerraformDir, registry: Registry) -> None:
    ns = tf_string(registry.slug)
    terraform.write(
        resource(registry, "one", "data.one", json.dumps(SCHEMA))
        + f"""
resource "platformxe_custom_event" "draft" {{
  namespace = {ns}
  name      = "data.one"
  version   = "1.1.0"
  status    = "draft"
  payload_schema = platformxe_custom_event.one.payload_schema
}}
data "platformxe_custom_event" "latest" {{
  namespace  = {ns}
  name       = "data.one"
  depends_on = [platformxe_custom_event.draft]
}}
data "platformxe_custom_event" "pinned" {{
  namespace  = {ns}
  name       = "data.one"
  version    = "1.1.0"
  depends_on = [platformxe_custom_event.draft]
}}
data "platformxe_custom_event" "generic" {{
  namespace = "platformxe"
  name      = "generic"
}}
data "platformxe_custom_events" "drafts" {{
  namespace  = {ns}
  status     = "draft"
  depends_on = [platformxe_custom_event.draft]
}}
data "platformxe_custom_events_health" "usage" {{
  depends_on = [platformxe_custom_event.draft]
}}
output "latest" {{ value = data.platformxe_custom_event.latest.version }}
output "pinned" {{ value = data.platformxe_custom_event.pinned.status }}
output "generic" {{ value = data.platformxe_custom_event.generic.canonical_name }}
output "generic_schema" {{ value = jsondecode(data.platformxe_custom_event.generic.payload_schema).required }}
output "drafts" {{ value = [for e in data.platformxe_custom_events.drafts.events : e.id] }}
output "health" {{ value = data.platformxe_custom_events_health.usage }}
"""
    )
    terraform.apply()
    outputs = {k: v["value"] for k, v in json.loads(terraform.ok("output", "-json").stdout).items()}
    assert outputs["latest"] == "1.0.0"  # the draft 1.1.0 is not the latest *published*
    assert outputs["pinned"] == "draft"
    assert outputs["generic"] == f"TENANT_CUSTOM:{registry.org_id}:platformxe.generic@1.0.0"
    assert outputs["generic_schema"] == ["kind"]
    assert outputs["drafts"] == [f"{registry.slug}/data.one@1.1.0"]
    health = outputs["health"]
    assert health["plan"] == "PRO"
    assert (health["registrations_limit"], health["emits_monthly_limit"]) == (25, 100000)
    assert health["registrations_used"] >= 1 and health["recent_failures"] == []


def test_a_missing_version_in_a_data_source_is_one_clear_error(
    terraform: TerraformDir, registry: Registry
) -> None:
    terraform.write(
        f'data "platformxe_custom_event" "x" {{\n  namespace = {tf_string(registry.slug)}\n'
        '  name = "nothing.here"\n  version = "9.9.9"\n}\n'
    )
    result = terraform.run("plan")
    assert result.returncode == 1
    assert "event_not_registered" in result.output and "Traceback" not in result.output
