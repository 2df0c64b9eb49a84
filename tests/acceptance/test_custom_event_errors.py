"""Bad input and a bad environment under real Terraform 1.15.5: clear errors, never a traceback.

Issue 5 "Proof" scenarios 11 (validate errors with attribute paths and seed codes) and 12
(registry down), plus a refused key, an organisation mismatch, missing settings, and the
``plan_checks`` modes with inputs unknown at plan.
"""

from __future__ import annotations

import json
import re
import socket

import pytest
from custom_event_fixtures import Registry, TerraformDir, flat, registry, terraform, tf_string

__all__ = ["registry", "terraform"]

pytestmark = pytest.mark.acceptance

OK_SCHEMA = json.dumps({"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]})


def block(label: str, namespace: str, name: str, version: str, schema: str, extra: str = "") -> str:
    return (
        f'resource "platformxe_custom_event" "{label}" {{\n  namespace = {tf_string(namespace)}\n'
        f"  name = {tf_string(name)}\n  version = {tf_string(version)}\n  payload_schema = {schema}\n{extra}}}\n"
    )


def errors_of(output: str) -> list[tuple[str, str]]:
    """(summary, the source line Terraform points at) of every error in the output."""
    found = re.findall(
        r"Error: (.+?)\n\n  with [^\n]+\n  on main\.tf line \d+[^\n]*:\n\s+\d+:\s*([^\n]+)", output
    )
    return [(summary.strip(), line.strip()) for summary, line in found]


def test_validate_reports_every_rule_on_its_attribute_with_the_seed_code(terraform: TerraformDir) -> None:
    too_deep = {"type": "object"}
    for _ in range(5):
        too_deep = {"type": "object", "properties": {"x": too_deep}}
    wide = {"type": "object", "properties": {f"p{i}": {"type": "string"} for i in range(51)}}
    terraform.write(
        block("shape", "Lettings", "property.favorited", "1.0", tf_string("{not json"))
        + block("reserved", "auth", "x.y", "1.0.0", f"jsonencode({json.dumps(too_deep)})")
        + block("generic", "platformxe", "generic", "1.0.0", tf_string(OK_SCHEMA))
        + block("wide", "acme", "wide.one", "1.0.0", tf_string(json.dumps(wide)))
        + block(
            "example",
            "acme",
            "ex.one",
            "1.0.0",
            tf_string(OK_SCHEMA),
            '  payload_example = "{\\"id\\": 5}"\n',
        )
        + block("openapi30", "acme", "ex.two", "1.0.0", tf_string('{"type": "object", "nullable": true}'))
    )
    result = terraform.run("validate")
    assert result.returncode == 1
    assert "Traceback" not in result.output
    found = errors_of(result.output)
    codes = {re.search(r"\((\w+)\)$", summary).group(1): line for summary, line in found}  # type: ignore[union-attr]
    assert codes["invalid_namespace"].startswith('namespace = "Lettings"')
    assert codes["invalid_version_format"].startswith('version = "1.0"')
    assert codes["invalid_json_schema"].startswith("payload_schema")
    assert codes["reserved_namespace"].startswith('namespace = "auth"')
    assert codes["schema_too_deep"].startswith("payload_schema = jsonencode")
    assert codes["cannot_register_generic_event"].startswith('name = "generic"')
    assert codes["schema_too_wide"].startswith("payload_schema")
    assert codes["payload_example_does_not_match_schema"].startswith("payload_example")
    assert "At JSON pointer /id inside payload_example." in flat(result.output)
    assert '"nullable" at the root is OpenAPI 3.0' in flat(result.output)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_registry_down_is_one_clear_error(terraform: TerraformDir, registry: Registry) -> None:
    terraform.write(
        block("a", registry.slug, "down.a", "1.0.0", tf_string(OK_SCHEMA))
        + block("b", registry.slug, "down.b", "1.0.0", tf_string(OK_SCHEMA)),
        endpoint=f"http://127.0.0.1:{free_port()}",
        max_retries=1,
    )
    result = terraform.run("plan")
    assert result.returncode == 1
    assert result.output.count("Error:") == 1
    assert "Cannot reach the PlatformXe registry at http://127.0.0.1:" in flat(result.output)
    assert "Traceback" not in result.output and "bug in the provider" not in result.output


def test_a_registry_that_never_answers_is_a_timeout_naming_request_timeout(
    terraform: TerraformDir, registry: Registry
) -> None:
    with socket.socket() as silent:  # accepts connections (kernel backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        terraform.write(
            block("a", registry.slug, "slow.a", "1.0.0", tf_string(OK_SCHEMA)),
            endpoint=f"http://127.0.0.1:{silent.getsockname()[1]}",
            request_timeout=1,
            max_retries=0,
        )
        result = terraform.run("plan")
    assert result.returncode == 1 and result.output.count("Error:") == 1
    assert "did not answer in time while checking the API key" in flat(result.output)
    assert "request_timeout" in flat(result.output)


def test_refused_key_missing_settings_and_wrong_organisation(
    terraform: TerraformDir, registry: Registry
) -> None:
    body = block("a", registry.slug, "auth.a", "1.0.0", tf_string(OK_SCHEMA))
    terraform.write(body, api_key="pxe_not_a_key")
    refused = terraform.run("plan")
    assert refused.returncode == 1 and refused.output.count("Error:") == 1
    assert "The PlatformXe registry refused the API key (unauthenticated)" in refused.output
    assert "pxe_not_a_key" not in refused.output  # sensitive: never echoed

    terraform.write(body, endpoint=None, api_key=None)
    missing = terraform.run("plan")
    assert missing.returncode == 1
    assert "No PlatformXe registry endpoint" in missing.output and "PLATFORMXE_ENDPOINT" in missing.output
    assert "No PlatformXe API key" in missing.output

    env_configured = terraform.tf.run(
        "plan",
        "-no-color",
        env={"PLATFORMXE_ENDPOINT": registry.url, "PLATFORMXE_API_KEY": registry.api_key},
    )
    assert env_configured.returncode == 0, env_configured.output

    terraform.write(body, organization_id="org_someone_else")
    mismatch = terraform.run("plan")
    assert mismatch.returncode == 1
    assert "organization_id does not match the API key" in mismatch.output


def test_unknown_inputs_skip_the_dry_run_and_the_registry_judges_at_apply(
    terraform: TerraformDir, registry: Registry
) -> None:
    terraform.write(
        f'resource "terraform_data" "schema" {{\n  input = {tf_string(OK_SCHEMA)}\n}}\n'
        + block("late", registry.slug, "late.schema", "1.0.0", "terraform_data.schema.output")
    )
    plan = terraform.ok("plan")
    assert re.search(r"semver_bump\s+= \(known after apply\)", plan.stdout)
    assert re.search(r"schema_hash\s+= \(known after apply\)", plan.stdout)
    assert "initial version" not in plan.output  # no verdict without the schema
    terraform.apply()
    state = terraform.state("platformxe_custom_event.late")
    assert (state["semver_bump"], state["previous_version"]) == ("initial", None)
    assert terraform.plan_exit().returncode == 0


@pytest.mark.parametrize("checks", ["offline", "off"])
def test_plan_checks_without_the_dry_run(terraform: TerraformDir, registry: Registry, checks: str) -> None:
    name = f"mode.{checks}"
    terraform.write(block("ev", registry.slug, name, "1.0.0", tf_string(OK_SCHEMA)), plan_checks=checks)
    plan = terraform.ok("plan")
    assert re.search(r"semver_bump\s+= \(known after apply\)", plan.stdout)
    assert re.search(r"schema_hash\s+= \"[0-9a-f]{64}\"", plan.stdout)  # still computed locally
    terraform.apply()
    assert terraform.state("platformxe_custom_event.ev")["semver_bump"] == "initial"

    described = json.dumps({**json.loads(OK_SCHEMA), "description": "documented"})
    terraform.write(block("ev", registry.slug, name, "1.0.1", tf_string(described)), plan_checks=checks)
    plan = terraform.ok("plan")
    assert re.search(r'semver_bump\s+= "initial" -> \(known after apply\)', plan.stdout)
    offline_line = f"{name} 1.0.1: patch bump over 1.0.0 (schema unchanged apart from descriptions) [offline"
    assert (offline_line in flat(plan.output)) is (checks == "offline")  # judged against the state's version
    terraform.apply()
    state = terraform.state("platformxe_custom_event.ev")
    assert (state["semver_bump"], state["previous_version"]) == ("patch", "1.0.0")  # from the registry
    terraform.write(block("ev", registry.slug, name, "1.0.1", tf_string(OK_SCHEMA)), plan_checks=checks)
    refused = terraform.run("plan")  # immutability is checked in every mode
    assert refused.returncode == 1 and "schemas are immutable per version" in flat(refused.output)
