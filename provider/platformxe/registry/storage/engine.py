"""Connections and transactions, one code path for SQLite and PostgreSQL.

A :class:`Store` owns a small pool of connections (web requests run in a thread pool, and each
transaction borrows one connection for its duration). Connections run in autocommit mode and
transactions are opened explicitly, so the same ``BEGIN`` / ``COMMIT`` discipline applies to
both drivers. Rows come back as plain ``dict`` objects.
"""

from __future__ import annotations

import contextlib
import queue
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from platformxe.registry.storage.dialect import dialect_for
from platformxe.registry.storage.errors import StorageError
from platformxe.registry.storage.migrations import apply_migrations
from platformxe.registry.storage.tx import Tx

__all__ = ["SQLITE_BUSY_TIMEOUT_MS", "StorageError", "Store", "Tx"]

#: Milliseconds a SQLite writer waits for the write lock before giving up.
SQLITE_BUSY_TIMEOUT_MS = 10_000


class Store:
    """A database (SQLite file or PostgreSQL URL) with its migrations applied.

    ``pool_size`` bounds the open connections; a request that finds none free waits for one.
    """

    def __init__(self, url: str, pool_size: int = 8) -> None:
        self.url = url
        self.dialect = dialect_for(url)
        self._pool: queue.LifoQueue[Any] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(pool_size)
        self._closed = False
        # SQLite has one writer at a time. Threads of this process queue here, in order, instead of
        # in SQLite's busy handler, which sleeps in growing steps (up to 100 ms) and made the bus's
        # writers (relay, deliverer) and the emit requests wait far longer than the lock was held.
        self._write_turn: threading.Lock | None = None
        if self.dialect.name == "sqlite":
            self._sqlite_path = _sqlite_path(url)
            self._write_turn = threading.Lock()
        # Fail fast with a readable message instead of on the first request.
        apply_migrations(self)

    # -- connections -------------------------------------------------------------------------

    def _connect(self) -> Any:
        if self.dialect.name == "postgresql":
            return _connect_postgres(self.url)
        return _connect_sqlite(self._sqlite_path)

    @contextmanager
    def connection(self) -> Iterator[Any]:
        """Borrow a connection from the pool for the duration of the ``with`` block."""
        if self._closed:
            raise StorageError("the store is closed")
        self._slots.acquire()
        try:
            try:
                conn = self._pool.get_nowait()
            except queue.Empty:
                conn = self._connect()
            healthy = True
            try:
                yield conn
            except BaseException as exc:
                healthy = not _is_connection_broken(conn, exc)
                raise
            finally:
                if healthy and not self._closed:
                    self._pool.put(conn)
                else:
                    _close_quietly(conn)
        finally:
            self._slots.release()

    # -- transactions ------------------------------------------------------------------------

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """A read-only transaction: every query sees one consistent snapshot."""
        with self.connection() as conn:
            conn.execute(self.dialect.begin_read)
            try:
                yield Tx(conn, self.dialect)
            finally:
                _rollback_quietly(conn)

    def query_one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        """One single-statement read outside an explicit transaction (one round trip)."""
        with self.connection() as conn:
            return Tx(conn, self.dialect).one(sql, params)

    @contextmanager
    def write(self, org_id: str | None = None) -> Iterator[Tx]:
        """A write transaction, committed when the block ends without an exception.

        With ``org_id``, writers of that organisation are serialised (SQLite: every writer is;
        PostgreSQL: the organisation's row is locked), so check-then-insert sequences such as
        quota checks and idempotency lookups cannot interleave.
        """
        turn = self._write_turn if self._write_turn is not None else contextlib.nullcontext()
        with self.connection() as conn, turn:
            conn.execute(self.dialect.begin_write)
            tx = Tx(conn, self.dialect)
            try:
                if org_id is not None and self.dialect.lock_org:
                    tx.execute(self.dialect.lock_org, (org_id,))
                yield tx
            except BaseException:
                _rollback_quietly(conn)
                raise
            conn.execute("COMMIT")

    def close(self) -> None:
        """Close every pooled connection; the store cannot be used afterwards."""
        self._closed = True
        while True:
            try:
                _close_quietly(self._pool.get_nowait())
            except queue.Empty:
                break

    def is_integrity_error(self, exc: BaseException) -> bool:
        """True when ``exc`` is the driver's unique/foreign-key violation."""
        if isinstance(exc, sqlite3.IntegrityError):
            return True
        if self.dialect.name == "postgresql":
            import psycopg  # loaded already: a PostgreSQL store connected through it

            return isinstance(exc, psycopg.errors.IntegrityError)
        return False


def _sqlite_path(url: str) -> str:
    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url
    parent = Path(path).expanduser().resolve().parent
    if not parent.is_dir():
        raise StorageError(f"--db {url}: the directory {parent} does not exist")
    return str(Path(path).expanduser())


def _connect_sqlite(path: str) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(
            path,
            isolation_level=None,  # autocommit: transactions are opened explicitly
            check_same_thread=False,  # pooled: used by one thread at a time, not always the same
            timeout=SQLITE_BUSY_TIMEOUT_MS / 1000,
        )
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        # NORMAL is crash-safe in WAL mode (a process crash loses nothing committed); only an
        # OS crash or power loss may roll back the last few commits.
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.Error as exc:
        raise StorageError(f"cannot open SQLite database {path}: {exc}") from exc
    return conn


def _connect_postgres(url: str) -> Any:
    # deferred: psycopg ~300 ms (bench/deferred_imports.py); SQLite stores never load it
    import psycopg
    from psycopg.rows import dict_row

    try:
        return psycopg.connect(url, autocommit=True, row_factory=dict_row, connect_timeout=10)
    except psycopg.Error as exc:
        # The URL may carry a password: name the host only.
        raise StorageError(f"cannot connect to PostgreSQL: {str(exc).strip()}") from exc


def _is_connection_broken(conn: Any, exc: BaseException) -> bool:
    if isinstance(conn, sqlite3.Connection):
        return False
    return bool(getattr(conn, "broken", False) or getattr(conn, "closed", False))


def _rollback_quietly(conn: Any) -> None:
    # The connection may already be gone; the original error matters more.
    with contextlib.suppress(Exception):
        conn.execute("ROLLBACK")


def _close_quietly(conn: Any) -> None:
    # Closing a broken connection can itself fail; there is nothing left to do about it.
    with contextlib.suppress(Exception):
        conn.close()
