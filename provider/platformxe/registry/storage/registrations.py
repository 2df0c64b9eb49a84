"""Registered versions: one row per (organisation, namespace, name, version)."""

from __future__ import annotations

from typing import Any

from platformxe.registry.storage.engine import Tx

#: Numeric version order; the text column breaks no ties (versions are unique per event).
_ORDER = "namespace, name, version_major, version_minor, version_patch"
#: The same order reversed. SQL's DESC applies to one column only, so every column needs its own.
_ORDER_DESC = "namespace DESC, name DESC, version_major DESC, version_minor DESC, version_patch DESC"


def versions_of(tx: Tx, org_id: str, namespace: str, name: str) -> list[dict[str, Any]]:
    """Every version of one event, lowest first."""
    return tx.all(
        f"""SELECT * FROM registrations WHERE organization_id = ? AND namespace = ? AND name = ?
            ORDER BY {_ORDER}""",
        (org_id, namespace, name),
    )


def get_version(tx: Tx, org_id: str, namespace: str, name: str, version: str) -> dict[str, Any] | None:
    """One version of one event."""
    return tx.one(
        """SELECT * FROM registrations
           WHERE organization_id = ? AND namespace = ? AND name = ? AND version = ?""",
        (org_id, namespace, name, version),
    )


def latest_published(tx: Tx, org_id: str, namespace: str, name: str) -> dict[str, Any] | None:
    """The highest published version of one event."""
    return tx.one(
        f"""SELECT * FROM registrations
            WHERE organization_id = ? AND namespace = ? AND name = ? AND status = 'published'
            ORDER BY {_ORDER_DESC} LIMIT 1""",
        (org_id, namespace, name),
    )


def count_registrations(tx: Tx, org_id: str, generic: tuple[str, str]) -> int:
    """(namespace, name) pairs with a non-archived version, the generic event excluded."""
    value = tx.scalar(
        """SELECT COUNT(*) FROM (
               SELECT DISTINCT namespace, name FROM registrations
               WHERE organization_id = ? AND status <> 'archived'
                 AND NOT (namespace = ? AND name = ?)
           ) AS events""",
        (org_id, generic[0], generic[1]),
    )
    return int(value or 0)


def insert_registration(tx: Tx, row: dict[str, Any]) -> None:
    """Insert one version; a duplicate raises the driver's integrity error (unique index)."""
    columns = list(row)
    tx.execute(
        f"INSERT INTO registrations ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
        [row[c] for c in columns],
    )


def update_version(
    tx: Tx, org_id: str, namespace: str, name: str, version: str, changes: dict[str, Any]
) -> None:
    """Set ``changes`` (status, description, updated_at) on one version."""
    assignments = ", ".join(f"{column} = ?" for column in changes)
    tx.execute(
        f"""UPDATE registrations SET {assignments}
            WHERE organization_id = ? AND namespace = ? AND name = ? AND version = ?""",
        [*changes.values(), org_id, namespace, name, version],
    )


def list_page(
    tx: Tx,
    org_id: str,
    *,
    namespace: str | None,
    name: str | None,
    status: str | None,
    after: tuple[str, str, int, int, int] | None,
    limit: int,
) -> list[dict[str, Any]]:
    """Up to ``limit`` versions after the keyset position ``after``, in list order."""
    where = ["organization_id = ?"]
    params: list[Any] = [org_id]
    for column, value in (("namespace", namespace), ("name", name), ("status", status)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if after is not None:
        # Row-value comparison: both SQLite (>= 3.15) and PostgreSQL use the index for it.
        where.append(f"({_ORDER}) > (?, ?, ?, ?, ?)")
        params.extend(after)
    return tx.all(
        f"SELECT * FROM registrations WHERE {' AND '.join(where)} ORDER BY {_ORDER} LIMIT ?",
        [*params, limit],
    )
