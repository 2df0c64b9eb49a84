"""The ``--db`` option shared by ``platformxe serve`` and ``platformxe admin``.

Both commands default to the same file, ``./platformxe.db`` in the current directory, so an
organisation created without ``--db`` is the one a server started without ``--db`` from the same
directory sees. Every command says which database it used (the absolute path of a SQLite file,
or a PostgreSQL URL with any password hidden), so a key refused by a server that reads another
file is noticed at once.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_DB = "./platformxe.db"


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--db`` with the shared default."""
    parser.add_argument(
        "--db",
        default=DEFAULT_DB,
        help=f"SQLite file path, or a postgresql:// URL (default: {DEFAULT_DB} in the current directory)",
    )


def is_postgres(db: str) -> bool:
    return db.startswith(("postgresql://", "postgres://"))


def sqlite_file(db: str) -> Path | None:
    """The absolute path of a SQLite ``--db`` value; ``None`` for a PostgreSQL URL."""
    if is_postgres(db):
        return None
    path = db.removeprefix("sqlite:///") if db.startswith("sqlite:///") else db
    return Path(path).expanduser().absolute()


def shown(db: str) -> str:
    """How a ``--db`` value is named in messages: an absolute path, or the URL without its password."""
    path = sqlite_file(db)
    if path is not None:
        return str(path)
    parts = urlsplit(db)
    if parts.password is None:
        return db
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    netloc = f"{parts.username or ''}:***@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def exists(db: str) -> bool:
    """Whether the database is already there (a PostgreSQL URL always counts as existing)."""
    path = sqlite_file(db)
    return path is None or path.exists()
