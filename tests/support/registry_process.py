"""Start and stop a real ``platformxe serve`` process, and run ``platformxe admin`` against its DB.

Plain importable code (no pytest) so the contract suite, the SDK tests, the provider's acceptance
tests and the benchmark all drive the registry the same way a user does: through the command line
and over HTTP.

    server = RegistryProcess(db).start()
    org = server.create_org("acme", "basic")   # {"organizationId", "slug", "plan", "apiKey"}
    ... HTTP against server.url ...
    server.stop()

For PostgreSQL, :func:`new_postgres_schema` makes a throwaway schema and returns a URL whose
connections use it (libpq ``options=-csearch_path=…``), so runs never see each other's tables.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import selectors
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

REPO_ROOT = Path(__file__).resolve().parents[2]
_URL_LINE = re.compile(r"platformxe registry listening on (http://\S+)")
#: Env var naming a PostgreSQL database the contract suite may also run against.
POSTGRES_ENV = "PLATFORMXE_TEST_DATABASE_URL"


class RegistryProcessError(RuntimeError):
    """The server or an admin command did not behave; the message carries its output."""


def _cli() -> list[str]:
    return [sys.executable, "-m", "platformxe.cli.main"]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # The package is installed editable; this also keeps working from a bare checkout.
    provider = str(REPO_ROOT / "provider")
    env["PYTHONPATH"] = provider + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def admin(db: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``platformxe admin ARGS --db DB``; with ``check``, a non-zero exit raises."""
    result = subprocess.run(
        [*_cli(), "admin", *args, "--db", db],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
        check=False,
    )
    if check and result.returncode != 0:
        raise RegistryProcessError(
            f"platformxe admin {' '.join(args)} exited {result.returncode}: {result.stderr.strip()}"
        )
    return result


def create_org(db: str, slug: str, plan: str) -> dict[str, str]:
    """``admin org create --json``: ``{"organizationId", "slug", "plan", "apiKey"}``."""
    out = admin(db, "org", "create", "--slug", slug, "--plan", plan, "--json").stdout
    return dict(json.loads(out))


def unique_slug(prefix: str = "t") -> str:
    """A fresh organisation slug (also a valid namespace): ``prefix-`` plus 8 hex digits."""
    return f"{prefix[:20]}-{secrets.token_hex(4)}"


class RegistryProcess:
    """One ``platformxe serve --port 0`` child process on a given database."""

    def __init__(self, db: str, log_path: Path | None = None, extra_args: tuple[str, ...] = ()) -> None:
        self.db = db
        self.log_path = log_path
        self.extra_args = extra_args
        self.url = ""
        self._proc: subprocess.Popen[str] | None = None
        self._log: IO[str] | None = None

    @property
    def pid(self) -> int | None:
        """The child's process id while it runs."""
        return None if self._proc is None else self._proc.pid

    def start(self, timeout: float = 30.0) -> RegistryProcess:
        """Start the server, wait for its URL line and for ``/healthz``; returns self."""
        if self._proc is not None:
            raise RegistryProcessError("already started")
        if self.log_path is not None:
            self._log = open(self.log_path, "a", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        self._proc = subprocess.Popen(
            [*_cli(), "serve", "--db", self.db, "--port", "0", *self.extra_args],
            stdout=subprocess.PIPE,
            stderr=self._log if self._log is not None else subprocess.DEVNULL,
            text=True,
            env=_env(),
        )
        try:
            self.url = self._read_url(timeout)
            self._wait_healthy(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _read_url(self, timeout: float) -> str:
        assert self._proc is not None and self._proc.stdout is not None
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(self._proc.stdout, selectors.EVENT_READ)
            while time.monotonic() < deadline:
                if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
                    break
                line = self._proc.stdout.readline()
                if not line:
                    break
                match = _URL_LINE.search(line)
                if match:
                    return match.group(1)
        raise RegistryProcessError(
            f"platformxe serve did not print its URL within {timeout}s (exit code {self._proc.poll()}); "
            f"see {self.log_path or 'its stderr'}"
        )

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    raise RegistryProcessError(f"{self.url}/healthz never answered") from None
            time.sleep(0.05)

    def wait(self, timeout: float = 15.0) -> int:
        """Wait for the server to exit by itself (after a signal); returns its exit code."""
        if self._proc is None:
            raise RegistryProcessError("not started")
        return self._proc.wait(timeout=timeout)

    def stop(self, timeout: float = 15.0) -> int | None:
        """SIGTERM the server and wait (SIGKILL after ``timeout``); returns its exit code."""
        proc, self._proc = self._proc, None
        code = None
        if proc is not None:
            if proc.poll() is None:
                proc.terminate()
            try:
                code = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                code = proc.wait()
            if proc.stdout is not None:
                proc.stdout.close()
        if self._log is not None:
            self._log.close()
            self._log = None
        return code

    def kill(self) -> None:
        """SIGKILL the server (a crash: nothing is flushed or drained) and reap it."""
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.kill()
            proc.wait()
            if proc.stdout is not None:
                proc.stdout.close()
        if self._log is not None:
            self._log.close()
            self._log = None

    def restart(self) -> RegistryProcess:
        """Stop and start again on the same database (the URL changes: a new free port)."""
        self.stop()
        return self.start()

    def create_org(self, slug: str, plan: str) -> dict[str, str]:
        """Create an organisation in this server's database with the admin CLI."""
        return create_org(self.db, slug, plan)

    def admin(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run an admin command against this server's database."""
        return admin(self.db, *args, check=check)

    def __enter__(self) -> RegistryProcess:
        return self.start() if self._proc is None else self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


# -- PostgreSQL --------------------------------------------------------------------------------


def postgres_url() -> str | None:
    """The test PostgreSQL database URL from the environment, if any."""
    return os.environ.get(POSTGRES_ENV) or None


def _with_search_path(url: str, schema: str) -> str:
    option = quote(f"-csearch_path={schema}", safe="")
    return f"{url}{'&' if '?' in url else '?'}options={option}"


def new_postgres_schema(base_url: str, prefix: str = "pxe_test") -> tuple[str, str]:
    """Create an empty schema; returns ``(schema, url whose connections use it)``."""
    import psycopg

    schema = f"{prefix}_{secrets.token_hex(6)}"
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return schema, _with_search_path(base_url, schema)


def drop_postgres_schema(base_url: str, schema: str) -> None:
    """Drop a schema made by :func:`new_postgres_schema` and everything in it."""
    import psycopg

    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def postgres_reachable(url: str) -> bool:
    """True when a connection to ``url`` succeeds within a few seconds."""
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3):
            return True
    except Exception:
        return False
