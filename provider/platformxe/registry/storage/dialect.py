"""The small differences between SQLite and PostgreSQL that the storage layer must paper over.

Everything else (SQL text, ``ON CONFLICT ... DO NOTHING``, ``RETURNING``, row-value comparison for
keyset pagination) is written once: SQLite >= 3.35 and PostgreSQL >= 12 both understand it.
What differs:

- placeholders: queries are written with ``?``; PostgreSQL's driver wants ``%s``;
- DDL: an auto-increasing integer key, and a byte-order collation for the text columns that
  lists are sorted by (PostgreSQL's default collation is locale-aware, SQLite's is binary; without
  ``COLLATE "C"`` the two backends would page through registrations in different orders);
- how a write transaction starts and serialises against others of the same organisation
  (``BEGIN IMMEDIATE`` takes SQLite's single write lock up front; PostgreSQL locks the
  organisation's row with ``SELECT ... FOR UPDATE``);
- the driver's exception for a unique-index violation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PLACEHOLDER = re.compile(r"\?")


@dataclass(frozen=True)
class Dialect:
    """One backend's spelling of the few things that are not portable."""

    name: str
    #: DDL fragments substituted into migration templates (``{id_pk}``, ``{text_c}``).
    ddl: dict[str, str]
    #: Statement that opens a transaction that will write.
    begin_write: str
    #: Statement that opens a transaction that only reads (one consistent snapshot).
    begin_read: str
    #: Query run right after ``begin_write`` to serialise writers of one organisation ("" = none).
    lock_org: str
    #: Statement run (inside the migration transaction) to serialise concurrent migrators.
    lock_migrations: str

    def sql(self, text: str) -> str:
        """``text`` with ``?`` placeholders rewritten for this driver."""
        if self.name == "postgresql":
            return _PLACEHOLDER.sub("%s", text)
        return text

    def render_ddl(self, template: str) -> str:
        """A migration template with this backend's DDL fragments filled in."""
        return template.format(**self.ddl)


SQLITE = Dialect(
    name="sqlite",
    ddl={"id_pk": "INTEGER PRIMARY KEY AUTOINCREMENT", "text_c": "TEXT"},
    begin_write="BEGIN IMMEDIATE",
    begin_read="BEGIN",
    # BEGIN IMMEDIATE already holds the database-wide write lock.
    lock_org="",
    lock_migrations="",
)

POSTGRESQL = Dialect(
    name="postgresql",
    ddl={"id_pk": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "text_c": 'TEXT COLLATE "C"'},
    begin_write="BEGIN",
    begin_read="BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    lock_org="SELECT id FROM organizations WHERE id = ? FOR UPDATE",
    # Any constant works; it only has to be the same for every migrating process.
    lock_migrations="SELECT pg_advisory_xact_lock(727274)",
)


def dialect_for(url: str) -> Dialect:
    """The dialect of a ``--db`` value: PostgreSQL for ``postgres[ql]://`` URLs, else SQLite."""
    return POSTGRESQL if is_postgres_url(url) else SQLITE


def is_postgres_url(url: str) -> bool:
    """True when ``url`` names a PostgreSQL database rather than a SQLite file."""
    return url.startswith(("postgresql://", "postgres://"))
