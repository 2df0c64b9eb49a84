"""Organisations, their API keys (hashed) and their namespace allowlists."""

from __future__ import annotations

from typing import Any

from platformxe.registry.storage.engine import Tx


def insert_org(tx: Tx, org_id: str, slug: str, plan: str, now: str) -> None:
    """Create an organisation row (the slug's uniqueness is the caller's to check first)."""
    tx.execute(
        "INSERT INTO organizations (id, slug, plan, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
        (org_id, slug, plan, now, now),
    )


def find_org(tx: Tx, ref: str) -> dict[str, Any] | None:
    """The organisation whose id or slug is ``ref``."""
    return tx.one("SELECT * FROM organizations WHERE id = ? OR slug = ?", (ref, ref))


def get_org(tx: Tx, org_id: str) -> dict[str, Any] | None:
    """The organisation with this id."""
    return tx.one("SELECT * FROM organizations WHERE id = ?", (org_id,))


def set_plan(tx: Tx, org_id: str, plan: str, now: str) -> None:
    """Change an organisation's plan tier."""
    tx.execute("UPDATE organizations SET plan = ?, updated_at = ? WHERE id = ?", (plan, now, org_id))


def insert_key(tx: Tx, key_id: str, org_id: str, key_hash: str, prefix: str, now: str) -> None:
    """Store a new API key by its hash."""
    tx.execute(
        "INSERT INTO api_keys (id, organization_id, key_hash, prefix, created_at) VALUES (?, ?, ?, ?, ?)",
        (key_id, org_id, key_hash, prefix, now),
    )


ORG_FOR_KEY_HASH = """SELECT o.* FROM api_keys k JOIN organizations o ON o.id = k.organization_id
                      WHERE k.key_hash = ? AND k.revoked = 0"""


def org_for_key_hash(tx: Tx, key_hash: str) -> dict[str, Any] | None:
    """The organisation owning the non-revoked key with this hash."""
    return tx.one(ORG_FOR_KEY_HASH, (key_hash,))


def revoke_key(tx: Tx, org_id: str, key_id: str) -> int:
    """Revoke one key of an organisation; returns 1 if it existed."""
    return tx.execute(
        "UPDATE api_keys SET revoked = 1 WHERE id = ? AND organization_id = ?", (key_id, org_id)
    )


def list_keys(tx: Tx, org_id: str) -> list[dict[str, Any]]:
    """Every key of an organisation (id, prefix, created_at, revoked; never the hash)."""
    return tx.all(
        "SELECT id, prefix, created_at, revoked FROM api_keys WHERE organization_id = ? ORDER BY created_at",
        (org_id,),
    )


def allowlist(tx: Tx, org_id: str) -> frozenset[str]:
    """The namespaces this organisation may register under."""
    rows = tx.all("SELECT namespace FROM namespace_allowlist WHERE organization_id = ?", (org_id,))
    return frozenset(str(row["namespace"]) for row in rows)


def grant_namespace(tx: Tx, org_id: str, namespace: str, now: str) -> bool:
    """Add a namespace to the allowlist; False when it was already there."""
    changed = tx.execute(
        """INSERT INTO namespace_allowlist (organization_id, namespace, granted_at) VALUES (?, ?, ?)
           ON CONFLICT (organization_id, namespace) DO NOTHING""",
        (org_id, namespace, now),
    )
    return changed > 0
