"""The API key stays out of saved plans: the documented provider block under real Terraform 1.15.5.

``examples/provider/provider.tf`` (the block docs/index.md shows) passes the key through an
``ephemeral = true`` variable, or leaves it null for ``PLATFORMXE_API_KEY``. Either way a saved
plan file, ``terraform show -json`` of it and the state after ``apply saved.tfplan`` hold no key.
The control case proves the search can fail: a plain (sensitive) variable puts the key in the plan.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from custom_event_fixtures import Registry, TerraformDir, registry, terraform, tf_string

__all__ = ["registry", "terraform"]

pytestmark = pytest.mark.acceptance

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "provider" / "provider.tf"
SCHEMA = {"type": "object", "properties": {"propertyId": {"type": "string", "maxLength": 64}}}


def _config(registry: Registry, name: str, provider_tf: str) -> str:
    resource = (
        'resource "platformxe_custom_event" "ev" {\n'
        f"  namespace      = {tf_string(registry.slug)}\n"
        f"  name           = {tf_string(name)}\n"
        '  version        = "1.0.0"\n'
        f"  payload_schema = {tf_string(json.dumps(SCHEMA))}\n"
        "}\n"
    )
    return provider_tf.replace("http://127.0.0.1:8780", registry.url) + "\n" + resource


def _plan_file_text(path: Path) -> str:
    """Every member of a saved plan (a zip: plan, state snapshots, config, lock file) as text."""
    with zipfile.ZipFile(path) as archive:
        return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())


def _saved_plan(terraform: TerraformDir, env: dict[str, str]) -> tuple[str, str]:
    terraform.tf.run("plan", "-no-color", "-out=saved.tfplan", env=env).check()
    shown = terraform.tf.run("show", "-json", "-no-color", "saved.tfplan", env=env).check().stdout
    return _plan_file_text(terraform.dir / "saved.tfplan"), shown


@pytest.mark.parametrize(
    "how", ["ephemeral variable", "environment variable"], ids=["tf-var-ephemeral", "env"]
)
def test_the_documented_provider_block_keeps_the_key_out_of_saved_plans_and_state(
    terraform: TerraformDir, registry: Registry, how: str
) -> None:
    key = registry.api_key
    name = "keyless.ephemeral" if how == "ephemeral variable" else "keyless.env"
    terraform.tf.write("main.tf", _config(registry, name, EXAMPLE.read_text()))
    env = {"TF_VAR_platformxe_api_key": key} if how == "ephemeral variable" else {"PLATFORMXE_API_KEY": key}

    plan_file, shown = _saved_plan(terraform, env)
    assert json.loads(shown)["resource_changes"][0]["change"]["actions"] == ["create"]
    assert key not in plan_file
    assert key not in shown
    # The plan is usable: applying it (the ephemeral value is given again, as Terraform requires).
    applied = terraform.tf.run("apply", "-no-color", "saved.tfplan", env=env).check()
    assert "Apply complete! Resources: 1 added" in applied.stdout
    assert registry.get(name, "1.0.0") is not None
    assert key not in (terraform.dir / "terraform.tfstate").read_text()
    assert key not in terraform.tf.run("show", "-json", "-no-color", env=env).check().stdout


def test_control_a_plain_sensitive_variable_does_put_the_key_in_the_plan(
    terraform: TerraformDir, registry: Registry
) -> None:
    """Why the docs insist on ephemeral: Terraform stores plain variables in the plan file."""
    plain = EXAMPLE.read_text().replace("  ephemeral = true\n", "")
    assert plain != EXAMPLE.read_text()
    terraform.tf.write("main.tf", _config(registry, "keyless.control", plain))
    plan_file, shown = _saved_plan(terraform, {"TF_VAR_platformxe_api_key": registry.api_key})
    assert registry.api_key in plan_file
    assert registry.api_key in shown
