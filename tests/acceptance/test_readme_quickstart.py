"""The README's manual Quickstart, run as written: a real registry, the real provider, real Terraform.

The two ``sh`` blocks after ``<!-- quickstart:serve -->`` and ``<!-- quickstart:steps -->`` in
README.md are read from the file and run with bash, in a scratch directory holding a copy of
``examples/quickstart`` (what a checkout has there), with ``HOME`` in the scratch directory too.
The one change to the text: the registry's port 8780 becomes a free port, so the test never
collides with a registry already running on this machine.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.acceptance

REPO = Path(__file__).resolve().parents[2]
README_PORT = "8780"


def _block(marker: str) -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    found = re.search(rf"<!-- quickstart:{marker} -->\n```sh\n(.*?)```", text, re.S)
    assert found, f"README.md has no sh block after <!-- quickstart:{marker} -->"
    return found.group(1)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_the_readme_quickstart_runs_as_written(tmp_path: Path) -> None:
    serve, steps = _block("serve"), _block("steps")
    # What the README promises a reader: every piece of the sequence is there.
    for needle in ("platformxe serve --db ./platformxe.db",):
        assert needle in serve
    for needle in (
        "platformxe admin org create",
        "--db ./platformxe.db",
        "platformxe admin namespace grant --org acme --namespace lettings",
        "export PLATFORMXE_ENDPOINT=",
        "export PLATFORMXE_API_KEY=",
        "platformxe provider install",
        "platformxe terraform init",
        "platformxe terraform plan",
        "platformxe terraform apply",
    ):
        assert needle in steps, needle
    assert README_PORT in serve and README_PORT in steps
    port = str(_free_port())
    serve, steps = serve.replace(README_PORT, port), steps.replace(README_PORT, port)

    work = tmp_path / "checkout"
    shutil.copytree(REPO / "examples" / "quickstart", work / "examples" / "quickstart")
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "PLATFORMXE_", "XDG_"))}
    env.update(
        HOME=str(home),
        PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
        # The pinned Terraform 1.15.5, whatever this machine has on PATH.
        PLATFORMXE_TERRAFORM="embedded",
    )
    server = subprocess.Popen(
        ["bash", "-c", f"exec {serve}"],
        cwd=work,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert server.stdout is not None
        listening = server.stdout.readline()
        assert listening.strip() == f"platformxe registry listening on http://127.0.0.1:{port}", listening
        run = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", steps],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            stdin=subprocess.DEVNULL,
        )
        out = re.sub(r"\x1b\[[0-9;]*m", "", run.stdout + run.stderr)  # Terraform's colours
        assert run.returncode == 0, out[-4000:]
        flat = " ".join(out.split())
        # serve created the file; admin used that same one.
        assert f"platformxe admin: created the new database {work / 'platformxe.db'}" not in flat
        assert f"platformxe admin: used database {work / 'platformxe.db'}" in flat
        assert "- Installed calderax/platformxe v0.1.0" in out
        assert re.search(r'\+ semver_bump\s+= "initial"', out)
        assert "Apply complete! Resources: 1 added, 0 changed, 0 destroyed." in out
        state = (work / "my-events" / "terraform.tfstate").read_text(encoding="utf-8")
        assert '"id": "lettings/property.favorited@1.0.0"' in state
        assert not re.search(r"pxe_[A-Za-z0-9_-]{20,}", out)  # the key went into the variable only
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        _, err = server.communicate(timeout=60)
    assert server.returncode == 0, err[-2000:]
    assert f"platformxe serve: created the new database {work / 'platformxe.db'}" in err
