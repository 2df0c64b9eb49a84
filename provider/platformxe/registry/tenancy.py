"""Organisations and API keys: what the ``admin`` CLI changes and what each request authenticates.

API keys are ``pxe_`` followed by 32 random bytes (``secrets.token_urlsafe``), shown once and
stored only as their SHA-256. A fast hash is the right tool here: a 256-bit random key cannot be
guessed or brute-forced from its hash, so the slow, salted hashes meant for low-entropy
passwords would only add latency to every request without adding protection.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

from platformxe import rules
from platformxe.registry import lifecycle_types
from platformxe.registry.clock import now_text
from platformxe.registry.storage import Store, Tx
from platformxe.registry.storage import lifecycle as lifecycle_log
from platformxe.registry.storage import orgs as org_rows
from platformxe.registry.storage import registrations as registration_rows
from platformxe.rules import PlanTier, Status

KEY_PREFIX = "pxe_"
#: Characters of a key kept in clear for display (``pxe_`` + 8), never enough to use it.
DISPLAY_PREFIX_LENGTH = 12


class TenancyError(Exception):
    """An operator's request that cannot be done; ``code`` is a seed code where one fits."""

    def __init__(self, message: str, code: str = "invalid_request") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Org:
    """The organisation a request acts for."""

    id: str
    slug: str
    plan: PlanTier


def org_from_row(row: dict[str, Any]) -> Org:
    """An :class:`Org` from an ``organizations`` row."""
    return Org(id=str(row["id"]), slug=str(row["slug"]), plan=PlanTier(row["plan"]))


def hash_key(api_key: str) -> str:
    """The stored form of an API key (hex SHA-256)."""
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


def new_api_key() -> str:
    """A fresh random API key."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def parse_plan(text: str) -> PlanTier:
    """A plan tier from its name (any case)."""
    try:
        return PlanTier(text.strip().lower())
    except ValueError:
        accepted = ", ".join(p.value for p in PlanTier)
        raise TenancyError(f"plan {text!r} is not a plan tier; accepted: {accepted}") from None


def authenticate(store: Store, api_key: str) -> Org | None:
    """The organisation of a valid, non-revoked key, or None."""
    # Runs on every request: one statement, no explicit transaction.
    row = store.query_one(org_rows.ORG_FOR_KEY_HASH, (hash_key(api_key),))
    return None if row is None else org_from_row(row)


def _require_org(tx: Tx, ref: str) -> dict[str, Any]:
    row = org_rows.find_org(tx, ref)
    if row is None:
        raise TenancyError(f"no organisation with id or slug {ref!r}", code="not_found")
    return row


def _issue_key(tx: Tx, org_id: str) -> tuple[str, str]:
    api_key = new_api_key()
    key_id = "key_" + secrets.token_hex(8)
    org_rows.insert_key(tx, key_id, org_id, hash_key(api_key), api_key[:DISPLAY_PREFIX_LENGTH], now_text())
    return key_id, api_key


def _seed_generic(tx: Tx, org_id: str, now: str) -> None:
    schema = rules.GENERIC_SCHEMA
    major, minor, patch = rules.parse_version(rules.GENERIC_VERSION)
    registration_rows.insert_registration(
        tx,
        {
            "organization_id": org_id,
            "namespace": rules.GENERIC_NAMESPACE,
            "name": rules.GENERIC_NAME,
            "version": rules.GENERIC_VERSION,
            "version_major": major,
            "version_minor": minor,
            "version_patch": patch,
            "status": Status.PUBLISHED.value,
            "description": rules.GENERIC_DESCRIPTION,
            "payload_schema": json.dumps(schema),
            "payload_example": None,
            "schema_hash": rules.schema_hash(schema),
            "schema_flavour": rules.detect_flavour(schema).value,
            "created_at": now,
            "updated_at": now,
        },
    )
    canonical = rules.canonical_name(
        org_id, rules.GENERIC_NAMESPACE, rules.GENERIC_NAME, rules.GENERIC_VERSION
    )
    lifecycle_log.append(
        tx,
        org_id,
        lifecycle_types.GENERIC_SEEDED,
        canonical,
        now,
        {"namespace": rules.GENERIC_NAMESPACE, "name": rules.GENERIC_NAME, "version": rules.GENERIC_VERSION},
    )


def create_org(store: Store, slug: str, plan: str) -> dict[str, str]:
    """Create an organisation with its first API key, allowlist and generic event.

    Returns ``{"organizationId", "slug", "plan", "apiKey"}`` — the only time the key is seen.
    """
    tier = parse_plan(plan)
    problems = rules.validate_namespace(slug)
    if problems:
        # The slug seeds the namespace allowlist, so it must itself be a usable namespace.
        raise TenancyError(f"--slug: {problems[0].message}", code=str(problems[0].code))
    org_id = "org_" + secrets.token_hex(8)
    now = now_text()
    try:
        with store.write() as tx:
            if org_rows.find_org(tx, slug) is not None:
                raise TenancyError(f"an organisation with slug {slug!r} already exists", code="conflict")
            org_rows.insert_org(tx, org_id, slug, tier.value, now)
            org_rows.grant_namespace(tx, org_id, slug, now)
            _, api_key = _issue_key(tx, org_id)
            _seed_generic(tx, org_id, now)
    except Exception as exc:
        if store.is_integrity_error(exc):  # a concurrent create won the race for the slug
            raise TenancyError(
                f"an organisation with slug {slug!r} already exists", code="conflict"
            ) from None
        raise
    return {"organizationId": org_id, "slug": slug, "plan": tier.value, "apiKey": api_key}


def create_key(store: Store, org_ref: str) -> dict[str, str]:
    """Issue another API key for an organisation (by id or slug)."""
    with store.write() as tx:
        row = _require_org(tx, org_ref)
        key_id, api_key = _issue_key(tx, row["id"])
    return {
        "organizationId": row["id"],
        "slug": row["slug"],
        "keyId": key_id,
        "prefix": api_key[:DISPLAY_PREFIX_LENGTH],
        "apiKey": api_key,
    }


def revoke_key(store: Store, org_ref: str, key_id: str) -> None:
    """Revoke one of an organisation's keys; requests with it are then ``unauthenticated``."""
    with store.write() as tx:
        row = _require_org(tx, org_ref)
        if org_rows.revoke_key(tx, row["id"], key_id) == 0:
            raise TenancyError(f"organisation {row['slug']!r} has no key {key_id!r}", code="not_found")


def grant_namespace(store: Store, org_ref: str, namespace: str) -> dict[str, Any]:
    """Allow an organisation to register under ``namespace``; idempotent."""
    problems = rules.validate_namespace(namespace)
    if problems:
        raise TenancyError(f"--namespace: {problems[0].message}", code=str(problems[0].code))
    with store.write() as tx:
        row = _require_org(tx, org_ref)
        added = org_rows.grant_namespace(tx, row["id"], namespace, now_text())
        allowed = sorted(org_rows.allowlist(tx, row["id"]))
    return {"organizationId": row["id"], "namespace": namespace, "added": added, "allowlist": allowed}


def set_plan(store: Store, org_ref: str, plan: str) -> dict[str, str]:
    """Move an organisation to another plan tier (takes effect on its next request)."""
    tier = parse_plan(plan)
    with store.write() as tx:
        row = _require_org(tx, org_ref)
        org_rows.set_plan(tx, row["id"], tier.value, now_text())
    return {"organizationId": row["id"], "slug": row["slug"], "plan": tier.value, "previousPlan": row["plan"]}


def describe_org(store: Store, org_ref: str) -> dict[str, Any]:
    """An organisation's id, slug, plan, allowlist and keys (prefixes only)."""
    with store.read() as tx:
        row = _require_org(tx, org_ref)
        allowed = sorted(org_rows.allowlist(tx, row["id"]))
        keys = org_rows.list_keys(tx, row["id"])
    return {
        "organizationId": row["id"],
        "slug": row["slug"],
        "plan": row["plan"],
        "createdAt": row["created_at"],
        "allowlist": allowed,
        "keys": [
            {
                "keyId": k["id"],
                "prefix": k["prefix"],
                "createdAt": k["created_at"],
                "revoked": bool(k["revoked"]),
            }
            for k in keys
        ],
    }
