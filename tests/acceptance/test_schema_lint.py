"""Schema lint through real Terraform: a misspelt keyword is a plan warning on payload_schema."""

from __future__ import annotations

import json
import re

import pytest
from custom_event_fixtures import Registry, TerraformDir, flat, registry, terraform, tf_string

__all__ = ["registry", "terraform"]

pytestmark = pytest.mark.acceptance


def test_a_typo_in_the_schema_is_a_plan_warning_naming_pointer_and_keyword(
    terraform: TerraformDir, registry: Registry
) -> None:
    schema = {
        "type": "object",
        "properties": {"id": {"type": "string"}, "tags": {"type": "array", "items": [{"type": "string"}]}},
        "requried": ["id"],
    }
    terraform.write(
        f'resource "platformxe_custom_event" "typo" {{\n  namespace = {tf_string(registry.slug)}\n'
        f'  name = "lint.typo"\n  version = "1.0.0"\n  payload_schema = jsonencode({json.dumps(schema)})\n}}\n'
    )
    # An array "items" is not 2020-12: the registry's rules refuse it, and the hint says what to write.
    refused = terraform.run("plan")
    assert refused.returncode == 1
    out = flat(refused.output)
    assert "(invalid_json_schema)" in out
    assert (
        'Draft-07 keyword "items" at /properties/tags/items in payload_schema: JSON Schema 2020-12 uses "prefixItems"'
        in out
    )

    schema["properties"]["tags"]["items"] = {"type": "string"}  # type: ignore[index]
    terraform.write(
        f'resource "platformxe_custom_event" "typo" {{\n  namespace = {tf_string(registry.slug)}\n'
        f'  name = "lint.typo"\n  version = "1.0.0"\n  payload_schema = jsonencode({json.dumps(schema)})\n}}\n'
    )
    plan = terraform.ok("plan")
    out = flat(plan.output)
    assert (
        'Warning: Unknown keyword "requried" at /requried in payload_schema: did you mean "required"?' in out
    )
    # Terraform points at the attribute.
    assert re.search(
        r"Warning: Unknown keyword[^\n]*\n\n  with platformxe_custom_event\.typo,\n  on main\.tf line \d+[^\n]*:\n\s+\d+:\s*payload_schema",
        plan.output,
    ), plan.output
    assert out.count('Unknown keyword "requried"') == 1  # said once, not per phase
    # Advice only: the version registers.
    terraform.apply()
    assert terraform.state("platformxe_custom_event.typo")["semver_bump"] == "initial"
