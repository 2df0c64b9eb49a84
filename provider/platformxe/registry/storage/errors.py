"""The storage layer's one exception, below both the engine and the migrations that use it."""

from __future__ import annotations


class StorageError(Exception):
    """The database could not be opened or migrated; the message is meant for an operator."""
