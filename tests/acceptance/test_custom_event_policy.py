"""compatibility_policy of platformxe_custom_event under real Terraform 1.15.5 and a real registry:
the policy judges the plan, is shown in it, changes in place, and reaches the registry's log."""

from __future__ import annotations

import re
from typing import Any

import pytest
from custom_event_fixtures import Registry, TerraformDir, registry, terraform
from test_custom_event_lifecycle import event

__all__ = ["registry", "terraform"]

pytestmark = pytest.mark.acceptance

#: An open object (no additionalProperties), as many tenants write it.
OPEN: dict[str, Any] = {
    "type": "object",
    "properties": {"propertyId": {"type": "string"}, "subjectId": {"type": "string"}},
    "required": ["propertyId"],
}
#: 1.1.0: an optional typed property on the open object — breaking strictly, minor leniently.
OPEN_WITH_NOTE = {**OPEN, "properties": {**OPEN["properties"], "note": {"type": "string"}}}


def _policy(registry: Registry, name: str) -> str:
    answer = registry.http("GET", f"/registrations/{registry.slug}/{name}/policy")
    assert answer.status_code == 200, answer.text
    return str(answer.json()["compatibilityPolicy"])


def test_the_policy_judges_the_plan_changes_in_place_and_is_logged(
    terraform: TerraformDir, registry: Registry
) -> None:
    name = "policy.favorited"
    terraform.write(event(registry, name, "1.0.0", OPEN))
    plan = terraform.ok("plan")
    assert re.search(r'compatibility_policy\s+= "strict"', plan.stdout)  # the default, shown
    terraform.apply()

    # strict (default): adding a typed optional property to an open object is refused as a minor
    terraform.write(event(registry, name, "1.1.0", OPEN_WITH_NOTE))
    refused = terraform.run("plan")
    assert refused.returncode == 1
    assert "minor_must_be_backwards_compatible" in refused.output
    assert "strict compatibility policy" in re.sub(r"\s+", " ", refused.output)

    # the same version under lenient: planned as a minor, the policy next to the verdict
    lenient = 'compatibility_policy = "lenient"'
    terraform.write(event(registry, name, "1.1.0", OPEN_WITH_NOTE, extra=f"  {lenient}"))
    changes = terraform.planned()
    after = changes["platformxe_custom_event.ev"]["change"]["after"]
    assert (after["compatibility_policy"], after["semver_bump"]) == ("lenient", "minor")
    assert [c["kind"] for c in after["changes"]] == ["property_added"]
    terraform.apply()
    assert _policy(registry, name) == "lenient"
    assert registry.get(name, "1.1.0") is not None

    # back to strict on the same version: an in-place update, visible in the plan
    terraform.write(event(registry, name, "1.1.0", OPEN_WITH_NOTE, extra='  compatibility_policy = "strict"'))
    plan = terraform.ok("plan")
    assert re.search(r'~ compatibility_policy\s+= "lenient" -> "strict"', plan.stdout)
    assert "0 to add, 1 to change, 0 to destroy" in plan.stdout
    terraform.apply()
    assert _policy(registry, name) == "strict"
    assert terraform.plan_exit().returncode == 0

    log = registry.http("GET", "/lifecycle-events", params={"limit": 500}).json()["items"]
    moves = [
        (e["data"]["previousPolicy"], e["data"]["compatibilityPolicy"])
        for e in log
        if e["data"].get("reason") == "compatibility_policy_changed"
    ]
    assert moves == [("strict", "lenient"), ("lenient", "strict")]


def test_an_unknown_policy_is_a_validate_error_on_the_attribute(
    terraform: TerraformDir, registry: Registry
) -> None:
    terraform.write(event(registry, "policy.bad", "1.0.0", OPEN, extra='  compatibility_policy = "loose"'))
    result = terraform.run("validate")
    assert result.returncode == 1
    assert "compatibility_policy" in result.output and '"lenient"' in result.output
