"""A throwaway PlatformXe setup driven through the user's own commands: the demo and the plan
recorder share it.

Everything lives in one temporary directory: the registry's SQLite file, the provider mirror, the
Terraform CLI configuration, a private ``HOME`` (so nothing touches ``~/.terraform.d``) and the
Terraform working directories. Processes are started with the ``platformxe`` command of this
interpreter (``python -m platformxe.cli.main``) exactly as a person would type them:

    with Sandbox() as box:
        url = box.start_registry()                       # platformxe serve --port 0
        org = box.create_org("demo", "pro")              # platformxe admin org create --json
        box.install_provider()                           # platformxe provider install --mirror ...
        work = box.workdir("quickstart", REPO / "examples" / "quickstart")
        box.terraform(work, "init", api_key=org["apiKey"]).require(0)

Leaving the ``with`` block (normally, on an exception, on Ctrl-C, or on SIGTERM once
:func:`exit_on_sigterm` is installed) stops the running Terraform child and the registry and
removes the directory.
"""

from __future__ import annotations

import json
import os
import re
import selectors
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType, TracebackType
from typing import IO, Any

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
#: The ``platformxe`` command of this interpreter (works without the venv's bin/ on PATH).
PLATFORMXE = [sys.executable, "-m", "platformxe.cli.main"]
_URL_LINE = re.compile(r"platformxe registry listening on (http://\S+)")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class SandboxError(RuntimeError):
    """A command of the sandbox did not behave; the message says which and why."""


def flat(text: str) -> str:
    """``text`` without colour codes, every run of whitespace made one space (Terraform wraps
    long diagnostics, so checks match on flattened text)."""
    return " ".join(_ANSI.sub("", text).split())


def exit_on_sigterm() -> None:
    """Turn SIGTERM into ``SystemExit(143)`` so ``finally`` blocks and ``__exit__`` still run
    (Python's default SIGTERM handling ends the process without them), and make Ctrl-C raise
    ``KeyboardInterrupt`` even when the parent started us with SIGINT ignored (a background job)."""

    def _raise(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _raise)
    signal.signal(signal.SIGINT, signal.default_int_handler)


@dataclass(frozen=True)
class Run:
    """Outcome of one command: its argv as shown, exit code, and stdout+stderr interleaved."""

    shown: str
    returncode: int
    output: str

    def require(self, *codes: int) -> Run:
        """Return self when the exit code is one of ``codes``; otherwise raise with the output."""
        if self.returncode not in codes:
            raise SandboxError(f"`{self.shown}` exited {self.returncode}:\n{self.output.rstrip()}")
        return self

    @property
    def flat(self) -> str:
        """The output flattened (see :func:`flat`)."""
        return flat(self.output)


class Sandbox:
    """A temp directory, a registry process, a provider mirror and Terraform runs inside them."""

    def __init__(self, keep: bool = False) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="platformxe-demo-"))
        self.keep = keep
        self.url = ""
        self.registry_pid: int | None = None
        self._registry: subprocess.Popen[str] | None = None
        self._registry_log: IO[str] | None = None
        self._child: subprocess.Popen[str] | None = None
        self.cli_config = self.root / "terraform.tfrc"
        self.home = self.root / "home"
        self.home.mkdir()

    # -- lifecycle -----------------------------------------------------------------------------

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> list[str]:
        """Stop every process this sandbox started and remove its directory; returns what it did."""
        done: list[str] = []
        child, self._child = self._child, None
        if child is not None and child.poll() is None:
            _terminate(child, group=True)
            done.append(f"stopped a running command (pid {child.pid})")
        registry, self._registry = self._registry, None
        if registry is not None:
            code = _terminate(registry)
            done.append(f"stopped platformxe serve (pid {registry.pid}, exit code {code})")
            if registry.stdout is not None:
                registry.stdout.close()
        if self._registry_log is not None:
            self._registry_log.close()
            self._registry_log = None
        if self.keep:
            done.append(f"kept {self.root}")
        elif self.root.exists():
            shutil.rmtree(self.root, ignore_errors=True)
            done.append(f"removed {self.root}")
        return done

    # -- registry ------------------------------------------------------------------------------

    @property
    def db(self) -> Path:
        """The registry's SQLite file."""
        return self.root / "registry.sqlite"

    def start_registry(self, timeout: float = 30.0) -> str:
        """``platformxe serve --db <temp> --port 0``; returns the URL from its listening line."""
        self._registry_log = open(self.root / "registry.log", "w", encoding="utf-8")  # noqa: SIM115
        self._registry = subprocess.Popen(
            [*PLATFORMXE, "serve", "--db", str(self.db), "--port", "0", "--no-access-log"],
            stdout=subprocess.PIPE,
            stderr=self._registry_log,
            text=True,
            env=self._base_env(),
        )
        self.registry_pid = self._registry.pid
        assert self._registry.stdout is not None
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(self._registry.stdout, selectors.EVENT_READ)
            while not self.url and selector.select(timeout=max(0.0, deadline - time.monotonic())):
                line = self._registry.stdout.readline()
                if not line:
                    break
                match = _URL_LINE.search(line)
                if match:
                    self.url = match.group(1)
        if not self.url:
            raise SandboxError(
                f"platformxe serve printed no URL within {timeout:g}s (exit code {self._registry.poll()}); "
                f"its log:\n{(self.root / 'registry.log').read_text(encoding='utf-8', errors='replace')}"
            )
        self._wait_healthy(deadline)
        return self.url

    def _wait_healthy(self, deadline: float) -> None:
        while True:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    raise SandboxError(f"{self.url}/healthz never answered") from None
            time.sleep(0.05)

    def platformxe(self, *args: str) -> Run:
        """Run ``platformxe ARGS`` (not echoed) and return its outcome."""
        proc = subprocess.run(
            [*PLATFORMXE, *args], capture_output=True, text=True, env=self._base_env(), timeout=120
        )
        return Run(shown("platformxe", *args), proc.returncode, proc.stdout + proc.stderr)

    def create_org(self, slug: str, plan: str) -> dict[str, str]:
        """``platformxe admin org create --json``: ``{"organizationId", "slug", "plan", "apiKey"}``."""
        result = self.platformxe(
            "admin", "org", "create", "--slug", slug, "--plan", plan, "--db", str(self.db), "--json"
        ).require(0)
        # The JSON object comes first (stdout); the line naming the database follows (stderr).
        org: dict[str, str] = json.JSONDecoder().raw_decode(result.output)[0]
        return org

    def grant_namespace(self, org: str, namespace: str) -> Run:
        """``platformxe admin namespace grant``: allow one more namespace for the organisation."""
        return self.platformxe(
            "admin", "namespace", "grant", "--org", org, "--namespace", namespace, "--db", str(self.db)
        ).require(0)

    def api(self, api_key: str, method: str, path: str, body: Any = None) -> Any:
        """One request to ``/v1/events/custom{path}`` (out-of-band changes); returns the JSON answer."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}/v1/events/custom{path}",
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            text = answer.read()
        return json.loads(text) if text else None

    # -- Terraform -----------------------------------------------------------------------------

    def install_provider(self) -> Run:
        """``platformxe provider install`` into this sandbox's mirror and CLI configuration."""
        return self.platformxe(
            "provider", "install", "--mirror", str(self.root / "mirror"), "--cli-config", str(self.cli_config)
        ).require(0)

    def workdir(self, name: str, *sources: Path) -> Path:
        """A Terraform working directory ``name`` holding a copy of every file under ``sources``."""
        work = self.root / name
        work.mkdir(exist_ok=True)
        for source in sources:
            self.copy_into(work, source)
        return work

    @staticmethod
    def copy_into(work: Path, source: Path) -> None:
        """Copy the files of ``source`` into ``work`` (existing files with the same names replaced)."""
        shutil.copytree(source, work, dirs_exist_ok=True)

    def terraform_env(self, api_key: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment Terraform runs in: our CLI config, private HOME, endpoint and key."""
        env = {k: v for k, v in self._base_env().items() if not k.startswith(("TF_", "PLUGIN_"))}
        env.update(
            {
                "TF_CLI_CONFIG_FILE": str(self.cli_config),
                "HOME": str(self.home),
                "CHECKPOINT_DISABLE": "1",  # no version check calls to checkpoint-api.hashicorp.com
                "TF_IN_AUTOMATION": "1",  # no "run terraform apply next" hints
                "PLATFORMXE_TERRAFORM": "embedded",  # the pinned Terraform 1.15.5, whatever is on PATH
                "PLATFORMXE_ENDPOINT": self.url,
                "PLATFORMXE_API_KEY": api_key,
            }
        )
        env.update(extra or {})
        return env

    def terraform(
        self,
        work: Path,
        *args: str,
        api_key: str,
        echo: Callable[[str], None] | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float = 180,
    ) -> Run:
        """``platformxe terraform ARGS -no-color`` in ``work``; ``echo`` receives each output line."""
        argv = [*PLATFORMXE, "terraform", *args]
        if args and args[0] not in ("version", "fmt"):
            argv.append("-no-color")
        return self.run(
            argv,
            cwd=work,
            env=self.terraform_env(api_key, env),
            shown_as=shown("terraform", *args),
            echo=echo,
            timeout=timeout,
        )

    def run(
        self,
        argv: Sequence[str],
        *,
        cwd: Path,
        env: Mapping[str, str],
        shown_as: str,
        echo: Callable[[str], None] | None = None,
        timeout: float = 180,
    ) -> Run:
        """Run a command, streaming its merged output line by line to ``echo`` as it comes."""
        self._child = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=dict(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,  # never wait for an answer to a prompt
            text=True,
            # Its own process group, so stopping it also stops the provider processes Terraform
            # started (they are its children); Ctrl-C reaches the demo, which stops the group.
            start_new_session=True,
        )
        lines: list[str] = []
        # A command that hangs without printing would block the loop below: a timer ends it.
        child, timed_out = self._child, threading.Event()

        def _stop() -> None:
            timed_out.set()
            _terminate(child, group=True, timeout=5)

        watchdog = threading.Timer(timeout, _stop)
        watchdog.start()
        assert self._child.stdout is not None
        try:
            for line in self._child.stdout:
                lines.append(line)
                if echo is not None:
                    echo(line.rstrip("\n"))
            code = self._child.wait()
        finally:
            watchdog.cancel()
            self._child.stdout.close()
        if timed_out.is_set():
            raise SandboxError(f"`{shown_as}` took longer than {timeout:g}s and was stopped")
        self._child = None
        return Run(shown_as, code, "".join(lines))

    def scrub(self, text: str) -> str:
        """``text`` with this sandbox's paths replaced by placeholders (for recorded files)."""
        return text.replace(str(self.root), "<sandbox>").replace(str(REPO), "<repo>")

    @staticmethod
    def _base_env() -> dict[str, str]:
        env = dict(os.environ)
        # Also works from a bare checkout (the package is normally installed editable).
        provider = str(REPO / "provider")
        env["PYTHONPATH"] = provider + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        return env


def shown(program: str, *args: str) -> str:
    """A command line as a person would type it (quoted where the shell needs it)."""
    return " ".join([program, *(shlex.quote(a) for a in args)])


def _terminate(proc: subprocess.Popen[Any], *, group: bool = False, timeout: float = 10.0) -> int:
    """SIGTERM, wait, SIGKILL if needed; returns the exit code. ``group``: signal the process
    group the child leads (started with ``start_new_session``), i.e. it and its own children."""

    def send(signum: int) -> None:
        try:
            if group:
                os.killpg(proc.pid, signum)
            else:
                proc.send_signal(signum)
        except ProcessLookupError:
            pass

    if proc.poll() is None:
        send(signal.SIGTERM)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        return proc.wait()
