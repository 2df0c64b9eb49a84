"""Federation (docs/federation.md): groups, invitations (an accepted one is a membership), pushes and
HTTPS peers, and which of them an emitted event fans out to.

Reads take the caller's organisation wherever the row is the caller's; ``get_*_any`` functions are
for the bus and for the service's own visibility checks.
"""

from __future__ import annotations

from typing import Any

from platformxe.registry.storage.engine import Tx

PENDING = "pending"
ACCEPTED = "accepted"
DECLINED = "declined"
LEFT = "left"
REVOKED = "revoked"
#: Every invitation status, in the order an invitation can reach them.
INVITATION_STATUSES = (PENDING, ACCEPTED, DECLINED, LEFT, REVOKED)


def _insert(tx: Tx, table: str, row: dict[str, Any]) -> None:
    columns = list(row)
    tx.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
        [row[c] for c in columns],
    )


def _after(alias: str, after: tuple[str, str] | None, where: list[str], params: list[Any]) -> None:
    if after is not None:
        where.append(f"({alias}.created_at > ? OR ({alias}.created_at = ? AND {alias}.id > ?))")
        params += [after[0], after[0], after[1]]


# -- groups ----------------------------------------------------------------------------------------

_GROUP = """SELECT g.*,
                   (SELECT COUNT(*) FROM federation_invitations i
                     WHERE i.group_id = g.id AND i.status = 'accepted') AS member_count,
                   (SELECT COUNT(*) FROM federation_pushes p WHERE p.group_id = g.id) AS push_count,
                   (SELECT COUNT(*) FROM federation_https_peers h WHERE h.group_id = g.id) AS https_peer_count
            FROM federation_groups g"""


def insert_group(tx: Tx, row: dict[str, Any]) -> None:
    """Add one group."""
    _insert(tx, "federation_groups", row)


def get_group_any(tx: Tx, group_id: str) -> dict[str, Any] | None:
    """One group by id, whoever owns it (with its counts)."""
    return tx.one(_GROUP + " WHERE g.id = ?", (group_id,))


def group_by_name(tx: Tx, org_id: str, name: str) -> dict[str, Any] | None:
    """The owner's group of that name, or None."""
    return tx.one(_GROUP + " WHERE g.organization_id = ? AND g.name = ?", (org_id, name))


def count_groups(tx: Tx, org_id: str) -> int:
    """How many groups an organisation owns."""
    return int(tx.scalar("SELECT COUNT(*) FROM federation_groups WHERE organization_id = ?", (org_id,)) or 0)


def is_member(tx: Tx, group_id: str, org_id: str) -> bool:
    """Whether ``org_id`` has an accepted invitation to the group."""
    return (
        tx.one(
            "SELECT id FROM federation_invitations WHERE group_id = ? AND organization_id = ? AND status = 'accepted'",
            (group_id, org_id),
        )
        is not None
    )


def page_groups(tx: Tx, org_id: str, after: tuple[str, str] | None, limit: int) -> list[dict[str, Any]]:
    """Groups the organisation owns or is an accepted member of, oldest first."""
    where = [
        "(g.organization_id = ? OR EXISTS (SELECT 1 FROM federation_invitations m WHERE m.group_id = g.id "
        "AND m.organization_id = ? AND m.status = 'accepted'))"
    ]
    params: list[Any] = [org_id, org_id]
    _after("g", after, where, params)
    params.append(limit)
    return tx.all(_GROUP + " WHERE " + " AND ".join(where) + " ORDER BY g.created_at, g.id LIMIT ?", params)


def delete_group(tx: Tx, org_id: str, group_id: str) -> None:
    """Remove a group of ``org_id`` with its invitations, pushes and HTTPS peers."""
    for table in ("federation_pushes", "federation_https_peers", "federation_invitations"):
        tx.execute(f"DELETE FROM {table} WHERE group_id = ?", (group_id,))
    tx.execute("DELETE FROM federation_groups WHERE id = ? AND organization_id = ?", (group_id, org_id))


# -- invitations -----------------------------------------------------------------------------------

_INVITATION = """SELECT i.*, g.name AS group_name FROM federation_invitations i
                 JOIN federation_groups g ON g.id = i.group_id"""


def insert_invitation(tx: Tx, row: dict[str, Any]) -> None:
    """Add one invitation."""
    _insert(tx, "federation_invitations", row)


def get_invitation_any(tx: Tx, invitation_id: str) -> dict[str, Any] | None:
    """One invitation by id (with its group's name), whoever it concerns."""
    return tx.one(_INVITATION + " WHERE i.id = ?", (invitation_id,))


def open_invitation(tx: Tx, group_id: str, org_id: str) -> dict[str, Any] | None:
    """The pending or accepted invitation of ``org_id`` to the group, if any."""
    return tx.one(
        _INVITATION
        + " WHERE i.group_id = ? AND i.organization_id = ? AND i.status IN ('pending', 'accepted')",
        (group_id, org_id),
    )


def count_open_invitations(tx: Tx, group_id: str) -> int:
    """Pending and accepted invitations of a group (its members and would-be members)."""
    return int(
        tx.scalar(
            "SELECT COUNT(*) FROM federation_invitations WHERE group_id = ? AND status IN ('pending', 'accepted')",
            (group_id,),
        )
        or 0
    )


def page_invitations(
    tx: Tx,
    *,
    group_id: str | None = None,
    invitee: str | None = None,
    status: str | None,
    after: tuple[str, str] | None,
    limit: int,
) -> list[dict[str, Any]]:
    """Invitations of one group, or to one organisation, optionally of one status, oldest first."""
    where: list[str] = []
    params: list[Any] = []
    if group_id is not None:
        where.append("i.group_id = ?")
        params.append(group_id)
    if invitee is not None:
        where.append("i.organization_id = ?")
        params.append(invitee)
    if status is not None:
        where.append("i.status = ?")
        params.append(status)
    _after("i", after, where, params)
    params.append(limit)
    return tx.all(
        _INVITATION + " WHERE " + " AND ".join(where or ["1 = 1"]) + " ORDER BY i.created_at, i.id LIMIT ?",
        params,
    )


def set_invitation_status(tx: Tx, invitation_id: str, status: str, now: str) -> None:
    """Move one invitation to ``status``."""
    tx.execute(
        "UPDATE federation_invitations SET status = ?, updated_at = ? WHERE id = ?",
        (status, now, invitation_id),
    )


# -- pushes ----------------------------------------------------------------------------------------


def insert_push(tx: Tx, row: dict[str, Any]) -> None:
    """Add one push."""
    _insert(tx, "federation_pushes", row)


def push_of_version(tx: Tx, group_id: str, namespace: str, name: str, version: str) -> dict[str, Any] | None:
    """The group's push of one version, or None."""
    return tx.one(
        "SELECT * FROM federation_pushes WHERE group_id = ? AND namespace = ? AND name = ? AND version = ?",
        (group_id, namespace, name, version),
    )


def get_push(tx: Tx, group_id: str, push_id: str) -> dict[str, Any] | None:
    """One push of a group, or None."""
    return tx.one("SELECT * FROM federation_pushes WHERE group_id = ? AND id = ?", (group_id, push_id))


def count_pushes(tx: Tx, group_id: str) -> int:
    """How many pushes a group has."""
    return int(tx.scalar("SELECT COUNT(*) FROM federation_pushes WHERE group_id = ?", (group_id,)) or 0)


def page_pushes(tx: Tx, group_id: str, after: tuple[str, str] | None, limit: int) -> list[dict[str, Any]]:
    """A group's pushes, oldest first."""
    where: list[str] = ["p.group_id = ?"]
    params: list[Any] = [group_id]
    _after("p", after, where, params)
    params.append(limit)
    return tx.all(
        "SELECT p.* FROM federation_pushes p WHERE "
        + " AND ".join(where)
        + " ORDER BY p.created_at, p.id LIMIT ?",
        params,
    )


def delete_push(tx: Tx, group_id: str, push_id: str) -> None:
    """Remove one push of a group."""
    tx.execute("DELETE FROM federation_pushes WHERE group_id = ? AND id = ?", (group_id, push_id))


# -- HTTPS peers -----------------------------------------------------------------------------------


def insert_https_peer(tx: Tx, row: dict[str, Any]) -> None:
    """Add one HTTPS peer."""
    _insert(tx, "federation_https_peers", row)


def get_https_peer(tx: Tx, group_id: str, peer_id: str) -> dict[str, Any] | None:
    """One HTTPS peer of a group, or None."""
    return tx.one("SELECT * FROM federation_https_peers WHERE group_id = ? AND id = ?", (group_id, peer_id))


def https_peer_by_url(tx: Tx, group_id: str, url: str) -> dict[str, Any] | None:
    """The group's HTTPS peer at ``url``, or None."""
    return tx.one("SELECT * FROM federation_https_peers WHERE group_id = ? AND url = ?", (group_id, url))


def count_https_peers(tx: Tx, group_id: str) -> int:
    """How many HTTPS peers a group has."""
    return int(tx.scalar("SELECT COUNT(*) FROM federation_https_peers WHERE group_id = ?", (group_id,)) or 0)


def page_https_peers(
    tx: Tx, group_id: str, after: tuple[str, str] | None, limit: int
) -> list[dict[str, Any]]:
    """A group's HTTPS peers, oldest first."""
    where: list[str] = ["h.group_id = ?"]
    params: list[Any] = [group_id]
    _after("h", after, where, params)
    params.append(limit)
    return tx.all(
        "SELECT h.* FROM federation_https_peers h WHERE "
        + " AND ".join(where)
        + " ORDER BY h.created_at, h.id LIMIT ?",
        params,
    )


def delete_https_peer(tx: Tx, group_id: str, peer_id: str) -> None:
    """Remove one HTTPS peer of a group."""
    tx.execute("DELETE FROM federation_https_peers WHERE group_id = ? AND id = ?", (group_id, peer_id))


# -- fan-out ---------------------------------------------------------------------------------------


def fan_out_targets(tx: Tx, org_id: str, namespace: str, name: str, version: str) -> list[str]:
    """Delivery targets of one emitted version of ``org_id``: the accepted membership (invitation id) of
    each peer organisation in a group pushing it (one per peer organisation, never the owner), then
    each HTTPS peer of those groups."""
    members = tx.all(
        """SELECT i.id, i.organization_id FROM federation_pushes p
           JOIN federation_invitations i ON i.group_id = p.group_id AND i.status = 'accepted'
           WHERE p.organization_id = ? AND p.namespace = ? AND p.name = ? AND p.version = ?
                 AND i.organization_id <> ?
           ORDER BY i.created_at, i.id""",
        (org_id, namespace, name, version, org_id),
    )
    seen: set[str] = set()
    targets: list[str] = []
    for row in members:
        if row["organization_id"] not in seen:
            seen.add(str(row["organization_id"]))
            targets.append(str(row["id"]))
    peers = tx.all(
        """SELECT h.id FROM federation_pushes p JOIN federation_https_peers h ON h.group_id = p.group_id
           WHERE p.organization_id = ? AND p.namespace = ? AND p.name = ? AND p.version = ?
           ORDER BY h.created_at, h.id""",
        (org_id, namespace, name, version),
    )
    targets += [str(r["id"]) for r in peers]
    return targets


def push_covers(tx: Tx, group_id: str, namespace: str, name: str, version: str) -> bool:
    """Whether the group still pushes that version (checked again before each federated attempt)."""
    return push_of_version(tx, group_id, namespace, name, version) is not None
