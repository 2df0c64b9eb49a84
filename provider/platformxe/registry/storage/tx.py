"""One open transaction over a DB-API connection, the same for SQLite and PostgreSQL.

Kept apart from :mod:`engine` (the pool that opens transactions) so that the migrations, which
the pool runs when it opens, can name the transaction type without importing the pool.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from platformxe.registry.storage.dialect import Dialect

__all__ = ["Tx"]


class Tx:
    """One open transaction: run SQL written with ``?`` placeholders, get dicts back."""

    def __init__(self, conn: Any, dialect: Dialect) -> None:
        self._conn = conn
        self.dialect = dialect

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement; returns the number of rows it changed."""
        cur = self._conn.execute(self.dialect.sql(sql), tuple(params))
        return int(cur.rowcount)

    def one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        """The first row of a query (or ``None``)."""
        cur = self._conn.execute(self.dialect.sql(sql), tuple(params))
        row = cur.fetchone()
        # Drain the cursor: SQLite finishes a RETURNING statement only once every row is read.
        cur.fetchall()
        return None if row is None else dict(row)

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Every row of a query."""
        cur = self._conn.execute(self.dialect.sql(sql), tuple(params))
        return [dict(row) for row in cur.fetchall()]

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """The first column of the first row (or ``None``)."""
        row = self.one(sql, params)
        return None if row is None else next(iter(row.values()))
