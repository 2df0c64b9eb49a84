"""``platformxe admin``: operator commands that work on the registry database directly.

    platformxe admin org create --slug S --plan free|basic|pro|enterprise --db DB [--json | --key-only]
    platformxe admin org show --org ORG --db DB [--json]
    platformxe admin key create --org ORG --db DB [--json]
    platformxe admin key revoke --org ORG --key-id KEY_ID --db DB
    platformxe admin namespace grant --org ORG --namespace NS --db DB [--json]
    platformxe admin plan set --org ORG --plan PLAN --db DB [--json]

``ORG`` is an organisation id (``org_…``) or slug. API keys are printed once and stored only as
their SHA-256. ``--db`` defaults to ``./platformxe.db``, the same file ``platformxe serve`` uses
by default; every command names the database it used on stderr, and only ``org create`` may create
a new SQLite file (the others refuse a file that is not there). Errors (unknown organisation,
duplicate or invalid slug, reserved namespace …) are one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from platformxe.cli.database import add_db_argument, exists, shown

PLANS = ("free", "basic", "pro", "enterprise")


def _plan(text: str) -> str:
    value = text.strip().lower()
    if value not in PLANS:
        raise argparse.ArgumentTypeError(f"{text!r} is not a plan; choose from {', '.join(PLANS)}")
    return value


def _common(parser: argparse.ArgumentParser, with_json: bool = True) -> None:
    add_db_argument(parser)
    if with_json:
        parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")


def add_parser(subparsers: Any) -> None:
    """Register the ``admin`` subcommand tree."""
    admin = subparsers.add_parser(
        "admin",
        help="manage organisations, API keys, namespaces and plans",
        description="Operator commands on the registry database (no server needed).",
    )
    groups = admin.add_subparsers(dest="admin_group", metavar="GROUP", required=True)

    org = groups.add_parser("org", help="organisations").add_subparsers(dest="admin_action", required=True)
    create = org.add_parser("create", help="create an organisation and its first API key")
    create.add_argument("--slug", required=True, help="unique slug; also the first allowed namespace")
    create.add_argument("--plan", required=True, type=_plan, help="free, basic, pro or enterprise")
    _common(create)
    create.add_argument(
        "--key-only",
        action="store_true",
        help="print only the API key, e.g. for export PLATFORMXE_API_KEY=$(platformxe admin org create ...)",
    )
    create.set_defaults(func=_org_create)
    show = org.add_parser("show", help="show an organisation, its allowlist and key prefixes")
    show.add_argument("--org", required=True, help="organisation id or slug")
    _common(show)
    show.set_defaults(func=_org_show)

    key = groups.add_parser("key", help="API keys").add_subparsers(dest="admin_action", required=True)
    key_create = key.add_parser("create", help="issue another API key (printed once)")
    key_create.add_argument("--org", required=True, help="organisation id or slug")
    _common(key_create)
    key_create.set_defaults(func=_key_create)
    key_revoke = key.add_parser("revoke", help="revoke an API key by its id")
    key_revoke.add_argument("--org", required=True, help="organisation id or slug")
    key_revoke.add_argument("--key-id", required=True, help="the key's id (key_…), see 'org show'")
    _common(key_revoke, with_json=False)
    key_revoke.set_defaults(func=_key_revoke)

    ns = groups.add_parser("namespace", help="namespace allowlist").add_subparsers(
        dest="admin_action", required=True
    )
    grant = ns.add_parser("grant", help="allow an organisation to register under a namespace")
    grant.add_argument("--org", required=True, help="organisation id or slug")
    grant.add_argument("--namespace", required=True, help="the namespace to allow")
    _common(grant)
    grant.set_defaults(func=_namespace_grant)

    plan = groups.add_parser("plan", help="plan tiers").add_subparsers(dest="admin_action", required=True)
    plan_set = plan.add_parser("set", help="move an organisation to another plan")
    plan_set.add_argument("--org", required=True, help="organisation id or slug")
    plan_set.add_argument("--plan", required=True, type=_plan, help="free, basic, pro or enterprise")
    _common(plan_set)
    plan_set.set_defaults(func=_plan_set)


def _with_store(
    args: argparse.Namespace, action: Callable[[Any], dict[str, Any] | None], may_create: bool = False
) -> int:
    """Open the database, run ``action``, print its result; one-line errors with exit code 2.

    The database used is named on stderr; a SQLite file that is not there is created only when
    ``may_create`` (``org create``), otherwise the command stops before creating an empty file.
    """
    # deferred: the registry's storage and tenancy code (~100 ms, bench/deferred_imports.py);
    # every CLI start loads this module to build its parser (cli/main.py)
    from platformxe.registry.storage import StorageError, open_store
    from platformxe.registry.tenancy import TenancyError

    new = not exists(args.db)
    if new and not may_create:
        print(
            f"platformxe admin: error: there is no database at {shown(args.db)}; pass --db with the "
            "file or URL that 'platformxe serve' uses",
            file=sys.stderr,
        )
        return 2
    try:
        store = open_store(args.db, pool_size=1)
    except StorageError as exc:
        print(f"platformxe admin: error: {exc}", file=sys.stderr)
        return 2
    try:
        result = action(store)
    except TenancyError as exc:
        where = f" in database {shown(args.db)}" if exc.code == "not_found" else ""
        print(f"platformxe admin: error: {exc}{where} ({exc.code})", file=sys.stderr)
        return 2
    except StorageError as exc:
        print(f"platformxe admin: error: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    print(
        f"platformxe admin: {'created the new' if new else 'used'} database {shown(args.db)}", file=sys.stderr
    )
    if result is not None and getattr(args, "json", False):
        print(json.dumps(result))
    return 0


def _org_create(args: argparse.Namespace) -> int:
    from platformxe.registry.tenancy import create_org  # deferred: see _with_store

    def action(store: Any) -> dict[str, Any]:
        created = create_org(store, args.slug, args.plan)
        if args.key_only and not args.json:
            print(created["apiKey"])
        elif not args.json:
            print(
                f"created organisation {created['organizationId']} (slug {created['slug']}, plan {created['plan']})"
            )
            print(f"namespace allowlist: {created['slug']}; platformxe.generic 1.0.0 seeded")
            print(f"API key (shown once, only its hash is stored): {created['apiKey']}")
        return created

    return _with_store(args, action, may_create=True)


def _org_show(args: argparse.Namespace) -> int:
    from platformxe.registry.tenancy import describe_org  # deferred: see _with_store

    def action(store: Any) -> dict[str, Any]:
        info = describe_org(store, args.org)
        if not args.json:
            print(f"organisation {info['organizationId']} (slug {info['slug']}, plan {info['plan']})")
            print(f"created: {info['createdAt']}")
            print(f"namespace allowlist: {', '.join(info['allowlist'])}")
            for k in info["keys"]:
                state = "revoked" if k["revoked"] else "active"
                print(f"key {k['keyId']} {k['prefix']}… created {k['createdAt']} ({state})")
        return info

    return _with_store(args, action)


def _key_create(args: argparse.Namespace) -> int:
    from platformxe.registry.tenancy import create_key  # deferred: see _with_store

    def action(store: Any) -> dict[str, Any]:
        created = create_key(store, args.org)
        if not args.json:
            print(
                f"created key {created['keyId']} for organisation {created['organizationId']} ({created['slug']})"
            )
            print(f"API key (shown once, only its hash is stored): {created['apiKey']}")
        return created

    return _with_store(args, action)


def _key_revoke(args: argparse.Namespace) -> int:
    from platformxe.registry.tenancy import revoke_key  # deferred: see _with_store

    def action(store: Any) -> None:
        revoke_key(store, args.org, args.key_id)
        print(f"revoked key {args.key_id}")

    return _with_store(args, action)


def _namespace_grant(args: argparse.Namespace) -> int:
    from platformxe.registry.tenancy import grant_namespace  # deferred: see _with_store

    def action(store: Any) -> dict[str, Any]:
        granted = grant_namespace(store, args.org, args.namespace)
        if not args.json:
            done = "granted" if granted["added"] else "already granted"
            print(f"namespace {args.namespace} {done}; allowlist: {', '.join(granted['allowlist'])}")
        return granted

    return _with_store(args, action)


def _plan_set(args: argparse.Namespace) -> int:
    from platformxe.registry.tenancy import set_plan  # deferred: see _with_store

    def action(store: Any) -> dict[str, Any]:
        changed = set_plan(store, args.org, args.plan)
        if not args.json:
            print(f"organisation {changed['slug']}: plan {changed['previousPlan']} -> {changed['plan']}")
        return changed

    return _with_store(args, action)
