"""Every file under ``examples/`` works as written: real registry, the provider from its mirror,
the embedded Terraform 1.15.5 (through ``tools/sandbox.py``, as ``make demo`` runs them).

The docs pages embed these files, so a broken example would be a broken doc.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import urllib.error
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))

from sandbox import EXAMPLES, PLATFORMXE, Sandbox  # noqa: E402

pytestmark = pytest.mark.acceptance

RESOURCE_EXAMPLES = EXAMPLES / "resources" / "platformxe_custom_event"
DATA_SOURCES = ("platformxe_custom_event", "platformxe_custom_events", "platformxe_custom_events_health")


@pytest.fixture(scope="module")
def box() -> Iterator[tuple[Sandbox, str]]:
    """A registry with one Pro organisation allowed the lettings namespace; the provider mirror."""
    with Sandbox() as sandbox:
        sandbox.start_registry()
        org = sandbox.create_org("examples", "pro")
        sandbox.grant_namespace("examples", "lettings")
        sandbox.install_provider()
        yield sandbox, org["apiKey"]


def _provider_tf(sandbox: Sandbox) -> str:
    # The example names the conventional local address; point it at this registry.
    return (EXAMPLES / "provider" / "provider.tf").read_text().replace("http://127.0.0.1:8780", sandbox.url)


def _outputs(sandbox: Sandbox, work: Path, key: str) -> dict[str, object]:
    shown = sandbox.terraform(work, "output", "-json", api_key=key).require(0)
    return {name: value["value"] for name, value in json.loads(shown.output).items()}


def test_provider_resource_and_data_source_examples_apply_then_plan_no_changes(
    box: tuple[Sandbox, str],
) -> None:
    sandbox, key = box
    work = sandbox.workdir("reference", RESOURCE_EXAMPLES)
    for name in ("import.sh", "import-by-string-id.tf", "import-by-identity.tf"):
        (work / name).unlink()
    (work / "provider.tf").write_text(_provider_tf(sandbox))
    for data_source in DATA_SOURCES:
        shutil.copy(EXAMPLES / "data-sources" / data_source / "data-source.tf", work / f"{data_source}.tf")
    sandbox.terraform(work, "init", api_key=key).require(0)
    # Data sources read what the same apply registers, so the resources go first.
    sandbox.terraform(
        work,
        "apply",
        "-auto-approve",
        "-target=platformxe_custom_event.property_favorited",
        "-target=platformxe_custom_event.viewing_booked",
        api_key=key,
    ).require(0)
    applied = sandbox.terraform(work, "apply", "-auto-approve", api_key=key).require(0)
    assert "Warning: Check block assertion failed" not in applied.flat
    outputs = _outputs(sandbox, work, key)
    favorited = outputs["favorited_latest"]
    assert isinstance(favorited, dict)
    assert favorited["version"] == "1.0.0" and favorited["required"] == ["propertyId", "subjectId"]
    assert sorted(str(n).rsplit(":", 1)[1] for n in outputs["lettings_canonical_names"]) == [  # type: ignore[attr-defined]
        "lettings.property.favorited@1.0.0",
        "lettings.viewing.booked@1.0.0",
    ]
    assert outputs["emits_this_month"] == 0
    # The file() schema and the jsonencode() one both plan clean after apply.
    assert sandbox.terraform(work, "plan", "-detailed-exitcode", api_key=key).returncode == 0


@pytest.mark.parametrize("example", ["import-by-string-id.tf", "import-by-identity.tf"])
def test_import_block_examples_import_without_changes(box: tuple[Sandbox, str], example: str) -> None:
    sandbox, key = box
    work = sandbox.workdir(f"import-{example.removesuffix('.tf')}")
    resource = (RESOURCE_EXAMPLES / "resource.tf").read_text().split("# A schema kept in its own file")[0]
    (work / "main.tf").write_text(_provider_tf(sandbox) + "\n" + resource)
    sandbox.terraform(work, "init", api_key=key).require(0)
    try:
        sandbox.api(key, "GET", "/registrations/lettings/property.favorited/versions/1.0.0")
    except urllib.error.HTTPError:
        # Run alone: register the version with Terraform, then make Terraform forget it.
        sandbox.terraform(work, "apply", "-auto-approve", api_key=key).require(0)
        sandbox.terraform(
            work, "state", "rm", "platformxe_custom_event.property_favorited", api_key=key
        ).require(0)
    shutil.copy(RESOURCE_EXAMPLES / example, work / "import.tf")
    plan = sandbox.terraform(work, "plan", api_key=key).require(0)
    assert "Plan: 1 to import, 0 to add, 0 to change, 0 to destroy." in plan.output


def test_gitops_script_comments_a_refused_plan_and_gates_drift(box: tuple[Sandbox, str]) -> None:
    sandbox, key = box
    work = sandbox.workdir("gitops", EXAMPLES / "evolution")
    config = (work / "main.tf").read_text()
    assert 'name        = "property.favorited"' in config
    (work / "main.tf").write_text(
        config.replace('name        = "property.favorited"', 'name        = "gitops.demo"')
    )
    script = ["bash", str(EXAMPLES / "gitops" / "plan-check.sh")]
    tools = {"TERRAFORM": " ".join([*PLATFORMXE, "terraform"]), "PLATFORMXE": " ".join(PLATFORMXE)}
    sandbox.terraform(work, "init", api_key=key).require(0)
    sandbox.terraform(work, "apply", "-auto-approve", api_key=key).require(0)

    def gate(**env: str) -> tuple[int, str]:
        comment = work / "plan-check.md"
        comment.unlink(missing_ok=True)
        run = sandbox.run(
            script, cwd=work, env=sandbox.terraform_env(key, {**tools, **env}), shown_as="plan-check.sh"
        )
        return run.returncode, comment.read_text(encoding="utf-8") if comment.exists() else ""

    # A breaking change offered as a minor: no plan, the comment carries the refusal.
    code, comment = gate(TF_VAR_event_version="1.1.0", TF_VAR_schema="2.0.0")
    assert code == 1
    assert comment.startswith("## PlatformXe plan check: ❌ fail")
    assert "register it as 2.0.0 (minor_must_be_backwards_compatible)" in " ".join(comment.split())

    # Nothing changed: the gate passes and says so.
    code, comment = gate()
    assert code == 0 and comment.startswith("## PlatformXe plan check: ✅ pass"), comment

    # A major bump with breaking changes: the plan is fine, and the default gate ("breaking drift",
    # as docs/plan-check.md shows) fails it until a reviewer approves.
    code, comment = gate(TF_VAR_event_version="2.0.0")
    assert code == 1 and comment.startswith("## PlatformXe plan check: ❌ fail"), comment
    assert re.search(r"\| replace \| `lettings\.gitops\.demo` \| 1\.0\.0 → 2\.0\.0 \| major \|", comment), (
        comment
    )
    code, comment = gate(TF_VAR_event_version="2.0.0", FAIL_ON="drift")
    assert code == 0 and comment.startswith("## PlatformXe plan check: ✅ pass"), comment

    # Archived by hand in the registry: drift, which the default gate fails.
    sandbox.api(key, "PATCH", "/registrations/lettings/gitops.demo/versions/1.0.0", {"status": "archived"})
    code, comment = gate()
    assert code == 1 and comment.startswith("## PlatformXe plan check: ❌ fail"), comment
    assert "published -> archived" in comment or "published → archived" in comment
    # Without the drift policy the same plan passes (the update back to published is a change).
    code, comment = gate(FAIL_ON="")
    assert code == 0, comment
