"""platformxe_custom_event under real Terraform: a bump without an availability gap, the warning
when it would archive a version still emitted, and a destroy that no verdict can block.

Terraform 1.15.5 (embedded) always; the ``terraform`` on PATH too when there is one.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from typing import Any

import pytest
from custom_event_fixtures import BOTH_WAYS, Registry, TerraformDir, flat, registry, terraform, tf_string
from terraform_harness import Result

__all__ = ["registry", "terraform"]

pytestmark = pytest.mark.acceptance

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"propertyId": {"type": "string"}, "subjectId": {"type": "string"}},
    "required": ["propertyId"],
    "additionalProperties": False,
}
#: Adding an optional property to a closed object: a minor bump.
WITH_NOTE = {**SCHEMA, "properties": {**SCHEMA["properties"], "note": {"type": "string"}}}
#: Requiring subjectId breaks old payloads: refused as a minor.
BREAKING = {**WITH_NOTE, "required": ["propertyId", "subjectId"]}
PAYLOAD = {"propertyId": "p_1"}


def event(registry: Registry, name: str, version: str, schema: dict[str, Any]) -> str:
    return (
        'resource "platformxe_custom_event" "ev" {\n'
        f"  namespace      = {tf_string(registry.slug)}\n"
        f"  name           = {tf_string(name)}\n"
        f"  version        = {tf_string(version)}\n"
        f"  payload_schema = jsonencode({json.dumps(schema)})\n"
        "  lifecycle {\n    create_before_destroy = true\n  }\n"
        "}\n"
    )


def emit(registry: Registry, name: str, version: str, times: int) -> None:
    for _ in range(times):
        sent = registry.http(
            "POST", "/emit", json={"name": f"{registry.slug}.{name}", "version": version, "payload": PAYLOAD}
        )
        assert sent.status_code == 202, sent.text


def other_warnings(result: Result) -> list[str]:
    """Warning summaries, without Terraform's own notice about the tests' development override."""
    return [w for w in re.findall(r"Warning: (.+)", result.output) if "development overrides" not in w]


def test_a_bump_registers_first_and_warns_when_the_archived_version_is_still_emitted(
    terraform: TerraformDir, registry: Registry
) -> None:
    name = "bump.favorited"
    terraform.write(event(registry, name, "1.0.0", SCHEMA))
    terraform.apply()
    emit(registry, name, "1.0.0", 3)

    terraform.write(event(registry, name, "1.1.0", WITH_NOTE))
    plan = terraform.ok("plan")
    assert other_warnings(plan) == [
        f"{registry.slug}.{name} 1.0.0 received 3 emits in the last 7 days, and this plan archives it"
    ]
    assert "create replacement and then destroy" in plan.stdout  # create_before_destroy
    applied = terraform.apply()
    # The new version was registered before the old one was archived.
    created = applied.stdout.index("platformxe_custom_event.ev: Creation complete")
    archived = applied.stdout.index("platformxe_custom_event.ev (deposed object")
    assert created < archived
    assert (registry.get(name, "1.0.0") or {})["status"] == "archived"
    assert (registry.get(name, "1.1.0") or {})["status"] == "published"

    # 1.1.0 was never emitted: its replacement plans without a warning.
    terraform.write(event(registry, name, "1.2.0", {**WITH_NOTE, "description": "x"}))
    assert other_warnings(terraform.ok("plan")) == []


def run(terraform: TerraformDir, binary: str | None, *args: str) -> Result:
    """``terraform <args>`` with the embedded Terraform (``binary`` None) or a binary on PATH."""
    if binary is None:
        return terraform.run(*args)
    proc = subprocess.run(
        [binary, *args, "-no-color"],
        cwd=terraform.dir,
        env=terraform.tf.env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    return Result(args, proc.returncode, proc.stdout, proc.stderr)


def destroy_with_a_refused_configuration(
    terraform: TerraformDir, registry: Registry, binary: str | None
) -> None:
    """State at 1.1.0, configuration at a 1.2.0 the registry refuses; destroy archives 1.1.0."""
    name = terraform.unique(f"destroy{'path' if binary else ''}.favorited")
    for version, schema in (("1.0.0", SCHEMA), ("1.1.0", WITH_NOTE)):
        terraform.write(event(registry, name, version, schema))
        run(terraform, binary, "apply", "-auto-approve").check()
    terraform.write(event(registry, name, "1.2.0", BREAKING))
    refused = run(terraform, binary, "plan")
    assert refused.returncode == 1
    assert "this change is breaking; register it as 2.0.0" in flat(refused.output)

    destroyed = run(terraform, binary, "destroy", "-auto-approve")
    assert destroyed.returncode == 0, destroyed.output
    assert "Destroy complete! Resources: 1 destroyed." in destroyed.stdout
    assert (registry.get(name, "1.1.0") or {})["status"] == "archived"
    assert registry.get(name, "1.2.0") is None  # nothing was registered on the way


@BOTH_WAYS
def test_destroy_succeeds_whatever_the_configuration_would_be_judged(
    terraform: TerraformDir, registry: Registry
) -> None:
    destroy_with_a_refused_configuration(terraform, registry, None)


@pytest.mark.skipif(shutil.which("terraform") is None, reason="no terraform binary on PATH")
def test_destroy_succeeds_with_the_terraform_on_path_too(terraform: TerraformDir, registry: Registry) -> None:
    destroy_with_a_refused_configuration(terraform, registry, shutil.which("terraform"))
