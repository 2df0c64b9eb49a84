"""Versioned schema migrations, applied in order when a store opens.

Each migration is a list of DDL templates (``{id_pk}`` and ``{text_c}`` are filled in by the
dialect) and runs in one transaction together with its row in ``schema_migrations``, so a
crash never leaves a half-applied version behind. Concurrent openers (the server and an
``admin`` command started at the same moment) are serialised by the write lock (SQLite) or an
advisory lock (PostgreSQL). Migrations are append-only: never edit one that has shipped.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from platformxe.registry.storage.errors import StorageError
from platformxe.registry.storage.tx import Tx


class Writable(Protocol):
    """What the migrations need of a store: a write transaction (the engine's ``Store``)."""

    def write(self, org_id: str | None = None) -> AbstractContextManager[Tx]: ...


@dataclass(frozen=True)
class Migration:
    """One schema version: its number, a one-line description and its statements."""

    version: int
    description: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "tenancy, registrations, emits (audit), outbox, failures, lifecycle log",
        (
            """CREATE TABLE organizations (
                id TEXT PRIMARY KEY,
                slug {text_c} NOT NULL UNIQUE,
                plan TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            # Only the SHA-256 of a key is kept; ``prefix`` lets an operator tell keys apart.
            """CREATE TABLE api_keys (
                id TEXT PRIMARY KEY,
                organization_id TEXT NOT NULL REFERENCES organizations(id),
                key_hash TEXT NOT NULL UNIQUE,
                prefix TEXT NOT NULL,
                created_at TEXT NOT NULL,
                revoked INTEGER NOT NULL DEFAULT 0
            )""",
            "CREATE INDEX api_keys_org ON api_keys (organization_id)",
            """CREATE TABLE namespace_allowlist (
                organization_id TEXT NOT NULL REFERENCES organizations(id),
                namespace {text_c} NOT NULL,
                granted_at TEXT NOT NULL,
                PRIMARY KEY (organization_id, namespace)
            )""",
            """CREATE TABLE registrations (
                id {id_pk},
                organization_id TEXT NOT NULL REFERENCES organizations(id),
                namespace {text_c} NOT NULL,
                name {text_c} NOT NULL,
                version {text_c} NOT NULL,
                version_major INTEGER NOT NULL,
                version_minor INTEGER NOT NULL,
                version_patch INTEGER NOT NULL,
                status TEXT NOT NULL,
                description TEXT,
                payload_schema TEXT NOT NULL,
                payload_example TEXT,
                schema_hash TEXT NOT NULL,
                schema_flavour TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                UNIQUE (organization_id, namespace, name, version)
            )""",
            # Lists are ordered by (namespace, name, version numerically): keyset pagination.
            """CREATE INDEX registrations_order ON registrations
                (organization_id, namespace, name, version_major, version_minor, version_patch)""",
            # The audit row of every accepted emit. The partial unique index is the idempotency
            # guarantee: one row per (organisation, key), whatever the concurrency.
            """CREATE TABLE emits (
                event_id TEXT PRIMARY KEY,
                organization_id TEXT NOT NULL REFERENCES organizations(id),
                namespace TEXT NOT NULL,
                name TEXT NOT NULL,
                version TEXT NOT NULL,
                canonical_name TEXT NOT NULL,
                payload TEXT NOT NULL,
                idempotency_key TEXT,
                created_at TEXT NOT NULL,
                month TEXT NOT NULL
            )""",
            """CREATE UNIQUE INDEX emits_idempotency ON emits (organization_id, idempotency_key)
                WHERE idempotency_key IS NOT NULL""",
            "CREATE INDEX emits_month ON emits (organization_id, month)",
            # What the bus (a later piece) relays to subscribers.
            """CREATE TABLE outbox (
                event_id TEXT PRIMARY KEY REFERENCES emits(event_id),
                organization_id TEXT NOT NULL REFERENCES organizations(id),
                canonical_name TEXT NOT NULL,
                payload TEXT NOT NULL,
                status TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            "CREATE INDEX outbox_status ON outbox (status, created_at)",
            """CREATE TABLE emit_failures (
                id {id_pk},
                organization_id TEXT NOT NULL REFERENCES organizations(id),
                name TEXT NOT NULL,
                version TEXT,
                code TEXT NOT NULL,
                message TEXT NOT NULL,
                event_id TEXT,
                occurred_at TEXT NOT NULL
            )""",
            "CREATE INDEX emit_failures_org ON emit_failures (organization_id, id)",
            """CREATE TABLE lifecycle_events (
                id {id_pk},
                organization_id TEXT NOT NULL REFERENCES organizations(id),
                type TEXT NOT NULL,
                subject TEXT NOT NULL,
                occurred_at TEXT NOT NULL,
                data TEXT NOT NULL
            )""",
            "CREATE INDEX lifecycle_events_org ON lifecycle_events (organization_id, id)",
        ),
    ),
    Migration(
        2,
        "the bus: subscriptions, deliveries and their attempts; delivery status and chains on emits",
        (
            # A webhook (url) or built-in workflow (workflow: what to emit) subscriber. ``events``
            # and ``canonical_names`` are JSON arrays in the same order; ``secret`` is kept in
            # clear because the service signs with it (HMAC needs the key), and
            # ``previous_secret`` keeps signing until ``previous_secret_until`` after a rotation.
            """CREATE TABLE subscriptions (
                id TEXT PRIMARY KEY,
                organization_id TEXT NOT NULL REFERENCES organizations(id),
                kind TEXT NOT NULL,
                url TEXT,
                events TEXT NOT NULL,
                canonical_names TEXT NOT NULL,
                kinds TEXT NOT NULL,
                workflow TEXT,
                description TEXT,
                enabled INTEGER NOT NULL,
                disabled_reason TEXT,
                secret TEXT NOT NULL,
                previous_secret TEXT,
                previous_secret_until TEXT,
                created_at {text_c} NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            "CREATE INDEX subscriptions_org ON subscriptions (organization_id, created_at, id)",
            # One row per (event, subscription) that must be delivered. ``lease_until`` is when a
            # deliverer's claim lapses (a crashed process's claims are taken over afterwards).
            """CREATE TABLE deliveries (
                id {id_pk},
                event_id TEXT NOT NULL REFERENCES emits(event_id),
                organization_id TEXT NOT NULL REFERENCES organizations(id),
                subscription_id TEXT NOT NULL,
                status TEXT NOT NULL,
                attempt_count INTEGER NOT NULL DEFAULT 0,
                next_attempt_at TEXT,
                lease_until TEXT,
                last_error TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                UNIQUE (event_id, subscription_id)
            )""",
            "CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at)",
            "CREATE INDEX deliveries_subscription ON deliveries (subscription_id, status, updated_at)",
            """CREATE TABLE delivery_attempts (
                id {id_pk},
                delivery_id BIGINT NOT NULL REFERENCES deliveries(id),
                at TEXT NOT NULL,
                status_code INTEGER,
                error TEXT,
                duration_ms INTEGER NOT NULL
            )""",
            "CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, id)",
            "ALTER TABLE emits ADD COLUMN delivery_status TEXT NOT NULL DEFAULT 'QUEUED'",
            "ALTER TABLE emits ADD COLUMN chain_depth INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE emits ADD COLUMN causation_id TEXT",
            "ALTER TABLE emits ADD COLUMN failed_at TEXT",
            "ALTER TABLE emits ADD COLUMN last_error TEXT",
            "CREATE INDEX emits_failed ON emits (organization_id, delivery_status, failed_at)",
        ),
    ),
    Migration(
        3,
        "compatibility policy per event (namespace + name); no row means strict",
        (
            """CREATE TABLE event_policies (
                organization_id TEXT NOT NULL REFERENCES organizations(id),
                namespace {text_c} NOT NULL,
                name {text_c} NOT NULL,
                policy TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (organization_id, namespace, name)
            )""",
        ),
    ),
    Migration(
        4,
        "the marketplace: listings of published versions; forkedFrom on registrations",
        (
            # One listing per published version of the owner's event; browse reads the schema from
            # the registration itself (a version's schema never changes), so nothing is copied.
            """CREATE TABLE marketplace_listings (
                id TEXT PRIMARY KEY,
                organization_id TEXT NOT NULL REFERENCES organizations(id),
                namespace {text_c} NOT NULL,
                name {text_c} NOT NULL,
                version {text_c} NOT NULL,
                title TEXT NOT NULL,
                summary TEXT,
                tags TEXT NOT NULL,
                created_at {text_c} NOT NULL,
                UNIQUE (organization_id, namespace, name, version)
            )""",
            "CREATE INDEX marketplace_listings_order ON marketplace_listings (created_at, id)",
            # JSON of the listing a registration was forked from (null for every other registration).
            "ALTER TABLE registrations ADD COLUMN forked_from TEXT",
        ),
    ),
    Migration(
        5,
        "federation: groups, invitations (memberships), pushes, HTTPS peers; federated deliveries",
        (
            # A group belongs to its owner organisation; its name is unique per owner.
            """CREATE TABLE federation_groups (
                id TEXT PRIMARY KEY,
                organization_id TEXT NOT NULL REFERENCES organizations(id),
                name {text_c} NOT NULL,
                created_at {text_c} NOT NULL,
                UNIQUE (organization_id, name)
            )""",
            "CREATE INDEX federation_groups_org ON federation_groups (organization_id, created_at, id)",
            # One row per invitation; an accepted one is the membership. ``status``: pending,
            # accepted, declined, left, revoked. A new invitation may follow a declined, left or
            # revoked one, so (group, organisation) is not unique here; the service checks it.
            """CREATE TABLE federation_invitations (
                id TEXT PRIMARY KEY,
                group_id TEXT NOT NULL,
                owner_organization_id TEXT NOT NULL REFERENCES organizations(id),
                organization_id TEXT NOT NULL REFERENCES organizations(id),
                status TEXT NOT NULL,
                created_at {text_c} NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            "CREATE INDEX federation_invitations_group ON federation_invitations (group_id, status)",
            """CREATE INDEX federation_invitations_invitee ON federation_invitations
                (organization_id, status, created_at, id)""",
            # One push per (group, owner's version).
            """CREATE TABLE federation_pushes (
                id TEXT PRIMARY KEY,
                group_id TEXT NOT NULL,
                organization_id TEXT NOT NULL REFERENCES organizations(id),
                namespace {text_c} NOT NULL,
                name {text_c} NOT NULL,
                version {text_c} NOT NULL,
                created_at {text_c} NOT NULL,
                UNIQUE (group_id, namespace, name, version)
            )""",
            """CREATE INDEX federation_pushes_version ON federation_pushes
                (organization_id, namespace, name, version)""",
            # ``secret`` is kept in clear, like a subscription's: the service signs with it.
            """CREATE TABLE federation_https_peers (
                id TEXT PRIMARY KEY,
                group_id TEXT NOT NULL,
                organization_id TEXT NOT NULL REFERENCES organizations(id),
                url TEXT NOT NULL,
                secret TEXT NOT NULL,
                description TEXT,
                created_at {text_c} NOT NULL
            )""",
            "CREATE INDEX federation_https_peers_group ON federation_https_peers (group_id, created_at, id)",
            # A federated delivery (subscription_id = an invitation or HTTPS peer id): what it came
            # to (relayed, peer_not_registered, ...) and the peer's re-emitted event.
            "ALTER TABLE deliveries ADD COLUMN federation_outcome TEXT",
            "ALTER TABLE deliveries ADD COLUMN relayed_event_id TEXT",
        ),
    ),
)


def apply_migrations(store: Writable) -> list[int]:
    """Bring the database up to the newest migration; returns the versions applied now."""
    applied_now: list[int] = []
    try:
        with store.write() as tx:
            if tx.dialect.lock_migrations:
                tx.execute(tx.dialect.lock_migrations)
            tx.execute(
                """CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY,
                    description TEXT NOT NULL,
                    applied_at TEXT NOT NULL
                )"""
            )
            done = {int(row["version"]) for row in tx.all("SELECT version FROM schema_migrations")}
            newest_known = max(m.version for m in MIGRATIONS)
            if done and max(done) > newest_known:
                raise StorageError(
                    f"the database is at schema version {max(done)}, newer than this platformxe "
                    f"understands ({newest_known}); upgrade platformxe"
                )
            for migration in MIGRATIONS:
                if migration.version in done:
                    continue
                for statement in migration.statements:
                    tx.execute(tx.dialect.render_ddl(statement))
                tx.execute(
                    "INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.description, datetime.now(UTC).isoformat()),
                )
                applied_now.append(migration.version)
    except StorageError:
        raise
    except Exception as exc:
        raise StorageError(f"cannot migrate the database: {exc}") from exc
    return applied_now
