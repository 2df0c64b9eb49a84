"""Fixtures of the contract suite: a real registry server process per database backend.

``registry_server`` (session scope) runs ``platformxe serve --port 0`` on a temp SQLite file,
and — when ``PLATFORMXE_TEST_DATABASE_URL`` is set — a second time on a fresh PostgreSQL schema;
every test using it runs once per backend. It yields a :class:`RegistryServer` with ``.url``,
``.db``, ``.backend`` and ``.create_org(slug, plan)`` (the ``admin org create --json`` output).
Tests share the server but never an organisation: each creates its own with a unique slug.

``fresh_registry`` is a factory for a separate server on a new, empty database of the same
backend (for restart tests); everything it starts is stopped at the end of the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from support.registry_process import (
    RegistryProcess,
    drop_postgres_schema,
    new_postgres_schema,
    postgres_url,
    unique_slug,
)


def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if postgres_url() else ["sqlite"]


@dataclass
class RegistryServer:
    """A running registry: its URL, database and backend, and helpers to set up tenants."""

    process: RegistryProcess
    backend: str
    log_path: Path
    cleanups: list[Callable[[], None]] = field(default_factory=list)

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:41234`` (no trailing slash, no ``/v1``)."""
        return self.process.url

    @property
    def db(self) -> str:
        """The ``--db`` value the server runs on (SQLite path or PostgreSQL URL)."""
        return self.process.db

    def create_org(self, slug: str, plan: str) -> dict[str, str]:
        """``platformxe admin org create --slug SLUG --plan PLAN --json`` on this database."""
        return self.process.create_org(slug, plan)

    def new_org(self, plan: str, prefix: str = "t") -> dict[str, str]:
        """An organisation with a fresh unique slug."""
        return self.create_org(unique_slug(prefix), plan)

    def client(self, api_key: str | None = None) -> httpx.Client:
        """A raw HTTP client on ``/v1/events/custom`` (close it, or use it in ``with``)."""
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        return httpx.Client(base_url=self.url + "/v1/events/custom", headers=headers, timeout=30)

    def admin(self, *args: str, check: bool = True) -> object:
        """Run an admin command on this database."""
        return self.process.admin(*args, check=check)


def _database(backend: str, tmp: Path) -> tuple[str, Callable[[], None]]:
    if backend == "sqlite":
        return str(tmp / "registry.db"), lambda: None
    base = postgres_url()
    assert base is not None
    schema, url = new_postgres_schema(base)
    return url, lambda: drop_postgres_schema(base, schema)


@pytest.fixture(scope="session", params=_backends())
def registry_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RegistryServer]:
    """A real server process on a fresh database of each backend (see the module docstring)."""
    backend = str(request.param)
    tmp = tmp_path_factory.mktemp(f"registry-{backend}")
    db, drop = _database(backend, tmp)
    log_path = tmp / "server.log"
    process = RegistryProcess(db, log_path=log_path)
    server = RegistryServer(process, backend, log_path, [drop])
    process.start()
    try:
        yield server
    finally:
        process.stop()
        for cleanup in server.cleanups:
            cleanup()


@pytest.fixture
def fresh_registry(
    registry_server: RegistryServer, tmp_path: Path
) -> Iterator[Callable[..., RegistryServer]]:
    """Factory: a separate server on a new empty database of ``registry_server``'s backend
    (``make(*serve_args)``: extra ``platformxe serve`` options, e.g. ``--rate-limit``)."""
    started: list[RegistryServer] = []

    def make(*serve_args: str) -> RegistryServer:
        where = tmp_path / f"registry{len(started)}"
        where.mkdir()
        db, drop = _database(registry_server.backend, where)
        log_path = tmp_path / f"server{len(started)}.log"
        server = RegistryServer(
            RegistryProcess(db, log_path=log_path, extra_args=serve_args),
            registry_server.backend,
            log_path,
            [drop],
        )
        started.append(server)
        server.process.start()
        return server

    yield make
    for server in started:
        server.process.stop()
        for cleanup in server.cleanups:
            cleanup()


@pytest.fixture
def org(registry_server: RegistryServer) -> dict[str, str]:
    """A fresh Pro organisation (may register and pin versions) on the shared server."""
    return registry_server.new_org("pro", "pro")


@pytest.fixture
def api(registry_server: RegistryServer, org: dict[str, str]) -> Iterator[httpx.Client]:
    """A raw HTTP client authenticated as :func:`org`."""
    with registry_server.client(org["apiKey"]) as client:
        yield client


#: The bus's test server: loopback receivers allowed, quick retries, a short delivery timeout.
BUS_ARGS = ("--allow-private-webhooks", "--retry-schedule", "0,0.2,0.2", "--delivery-timeout", "1")


@pytest.fixture(scope="session", params=_backends())
def bus_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RegistryServer]:
    """A server process per backend that delivers to loopback receivers (``BUS_ARGS``)."""
    backend = str(request.param)
    tmp = tmp_path_factory.mktemp(f"bus-{backend}")
    db, drop = _database(backend, tmp)
    log_path = tmp / "server.log"
    process = RegistryProcess(db, log_path=log_path, extra_args=BUS_ARGS)
    server = RegistryServer(process, backend, log_path, [drop])
    process.start()
    try:
        yield server
    finally:
        process.stop()
        drop()
