"""Persistence for the registry: one code path over SQLite (default) and PostgreSQL.

``open_store(db)`` opens (and migrates) the database named by a ``--db`` value: a file path for
SQLite, or a ``postgresql://`` / ``postgres://`` URL. Query modules (``orgs``, ``registrations``,
``emits``, ``lifecycle``) are plain functions over an open :class:`Tx`.
"""

from __future__ import annotations

from platformxe.registry.storage.engine import StorageError, Store, Tx

__all__ = ["StorageError", "Store", "Tx", "open_store"]


def open_store(db: str, pool_size: int = 8) -> Store:
    """Open the database named by ``db`` and apply any pending migrations."""
    return Store(db, pool_size=pool_size)
