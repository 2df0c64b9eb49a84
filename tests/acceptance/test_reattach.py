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
