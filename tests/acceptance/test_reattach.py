"""``platformxe terraform`` in reattach mode under real Terraform 1.15.5 and a real registry.

One provider server serves the whole command: Terraform starts no provider process, the results
are those of plain Terraform, the server's socket directory is gone once the command is over, and
``PLATFORMXE_TERRAFORM_REATTACH=0`` brings back one process per Terraform start.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from custom_event_fixtures import Registry, TerraformDir, registry, tf_string

__all__ = ["registry"]

pytestmark = pytest.mark.acceptance

SCHEMA = {"type": "object", "properties": {"propertyId": {"type": "string"}}, "additionalProperties": False}


def events(registry: Registry, count: int) -> str:
    return "".join(
        f'resource "platformxe_custom_event" "e{i}" {{\n'
        f"  namespace      = {tf_string(registry.slug)}\n"
        f'  name           = "reattach.e{i}"\n'
        f'  version        = "1.0.0"\n'
        f"  payload_schema = {tf_string(json.dumps(SCHEMA))}\n}}\n"
        for i in range(count)
    )


def logged_run(tf: TerraformDir, log: Path, *args: str, **env: str) -> tuple[int, str, str]:
    """Run with TF_LOG=debug into ``log`` (emptied first); exit code, output and the log."""
    log.write_text("")
    result = tf.tf.run(
        *args, "-no-color", env={"TF_LOG": "debug", "TF_LOG_PATH": str(log), **env}, timeout=300
    )
    return result.returncode, result.output, log.read_text()


def wait_until_empty(directory: Path, seconds: float = 15.0) -> list[str]:
    """What is left in ``directory`` once the server had time to stop (it polls its parent)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(directory.iterdir()):
        time.sleep(0.1)
    return [p.name for p in directory.iterdir()]


def test_one_server_serves_the_whole_command_and_leaves_nothing_behind(
    tmp_path: Path, registry: Registry
) -> None:
    sockets = tmp_path / "sockets"
    sockets.mkdir()
    tf = TerraformDir(tmp_path / "ws", registry, via_cli=True)
    tf.tf.env["PLUGIN_UNIX_SOCKET_DIR"] = str(sockets)
    tf.write(events(registry, 3))
    log = tmp_path / "tf.log"

    code, output, text = logged_run(tf, log, "apply", "-auto-approve")
    assert code == 0, output
    assert "3 added" in output
    assert "unmanaged provider" in text
    assert "starting plugin" not in text  # Terraform started no provider process
    assert wait_until_empty(sockets) == []  # the server stopped and removed its 0700 directory

    code, output, text = logged_run(tf, log, "plan", "-detailed-exitcode")
    assert code == 0, output
    assert "No changes" in output and "starting plugin" not in text
    assert wait_until_empty(sockets) == []

    # the same state, read by plain Terraform: nothing to do either
    plain = TerraformDir(tmp_path / "ws", registry)
    assert plain.plan_exit().returncode == 0


def test_the_opt_out_lets_terraform_start_the_provider(tmp_path: Path, registry: Registry) -> None:
    tf = TerraformDir(tmp_path / "ws", registry, via_cli=True)
    tf.write(events(registry, 1).replace("reattach.e0", "reattach.optout"))
    code, output, text = logged_run(tf, tmp_path / "tf.log", "plan", PLATFORMXE_TERRAFORM_REATTACH="0")
    assert code == 0, output
    assert "starting plugin" in text and "unmanaged provider" not in text


def test_a_reattached_plan_judges_its_new_versions_ahead_with_the_verdicts_of_plain_terraform(
    tmp_path: Path, registry: Registry
) -> None:
    """The validate walk's creates are judged in one batch when the plan walk starts; each plan then
    shows exactly the verdict plain Terraform (one dry-run per plan) shows."""
    optional = {**SCHEMA, "properties": {**SCHEMA["properties"], "note": {"type": "string"}}}
    required = {**optional, "required": ["note"]}
    base = {"namespace": registry.slug, "name": "ahead.base", "version": "1.0.0", "payloadSchema": SCHEMA}
    assert registry.http("POST", "/registrations", json=base).status_code == 201
    body = events(registry, 4).replace("reattach.e", "ahead.e") + "".join(
        f'resource "platformxe_custom_event" "{label}" {{\n'
        f"  namespace      = {tf_string(registry.slug)}\n"
        f'  name           = "ahead.base"\n'
        f'  version        = "{version}"\n'
        f"  payload_schema = {tf_string(json.dumps(schema))}\n}}\n"
        for label, version, schema in (("minor", "1.1.0", optional), ("major", "2.0.0", required))
    ).replace(
        'resource "platformxe_custom_event" "major" {\n',
        'resource "platformxe_custom_event" "major" {\n  depends_on = [platformxe_custom_event.minor]\n',
    )
    verdicts = ("semver_bump", "previous_version", "changes", "schema_hash")
    shown = {}
    log = tmp_path / "tf.log"
    registry_log = Path(str(registry.process.log_path))
    for via_cli in (True, False):
        tf = TerraformDir(tmp_path / f"ws-{via_cli}", registry, via_cli=via_cli)
        tf.write(body)
        tf.tf.env.update({"TF_LOG": "debug", "TF_LOG_PATH": str(log)})
        log.write_text("")
        before = registry_log.read_text().count("/dry-run")
        planned = tf.planned()
        dry_runs = registry_log.read_text().count("/dry-run") - before
        shown[via_cli] = {a: {k: c["change"]["after"].get(k) for k in verdicts} for a, c in planned.items()}
        if via_cli:
            assert "dry-runs judged ahead" in log.read_text()
            assert dry_runs == 1  # one batch for the six creates (the minor one's sibling is judged at apply)
    assert shown[True] == shown[False]
    minor = shown[True]["platformxe_custom_event.minor"]
    assert minor["semver_bump"] == "minor" and minor["previous_version"] == "1.0.0"
    assert all(shown[True][f"platformxe_custom_event.e{i}"]["semver_bump"] == "initial" for i in range(4))
