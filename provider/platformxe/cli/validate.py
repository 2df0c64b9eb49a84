"""``platformxe validate``: judge a payload schema offline with the rules engine.

Reads the candidate schema (and optionally the previous version's schema and an example
payload) from files, runs :func:`platformxe.rules.dry_run_verdict` without an organisation
(no allowlist or quota rules) and prints the verdict as a table or, with ``--json``, as the
API's dry-run body. Exit codes: 0 valid, 1 invalid, 2 usage or input error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

__all__ = ["add_parser", "render_table", "run"]

_DEFAULT_NAMESPACE = "example"
_DEFAULT_NAME = "event"
_DEFAULT_VERSION = "1.0.0"


class UsageError(Exception):
    """Bad command-line input: reported on one line, exit code 2."""


def add_parser(subparsers: Any) -> None:
    """Register the ``validate`` subcommand."""
    parser = subparsers.add_parser(
        "validate",
        help="judge a payload schema offline (names, version, schema, caps, bump rules)",
        description=(
            "Judge a payload schema with the rules engine, offline. With --previous, the schema is "
            "judged as a new version of OLD.json (patch/minor/major rules). Exit 0 valid, 1 invalid, "
            "2 usage error."
        ),
    )
    parser.add_argument("schema", metavar="SCHEMA.json", help="the candidate payload schema")
    parser.add_argument("--previous", metavar="OLD.json", help="schema of the previous version")
    parser.add_argument("--previous-version", metavar="X.Y.Z", help="version OLD.json is registered as")
    parser.add_argument(
        "--version",
        metavar="X.Y.Z",
        help="candidate version (default 1.0.0, or the suggested version when --previous is given)",
    )
    parser.add_argument("--namespace", default=_DEFAULT_NAMESPACE, help="event namespace (default: example)")
    parser.add_argument("--name", default=_DEFAULT_NAME, help="event name (default: event)")
    parser.add_argument("--example", metavar="EXAMPLE.json", help="an example payload to check")
    parser.add_argument("--json", action="store_true", help="print the verdict as JSON")
    parser.set_defaults(func=run)


def _read_text(path: str, what: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{what} file {path!r} does not exist") from None
    except IsADirectoryError:
        raise UsageError(f"{what} file {path!r} is a directory, not a JSON file") from None
    except UnicodeDecodeError:
        raise UsageError(f"{what} file {path!r} is not UTF-8 text") from None
    except OSError as exc:
        raise UsageError(f"{what} file {path!r} cannot be read: {exc.strerror or exc}") from None


def _previous(args: argparse.Namespace) -> list[Any]:
    from platformxe.rules import ExistingVersion, validate_version  # deferred: see _judge

    if args.previous is None and args.previous_version is None:
        return []
    if args.previous is None or args.previous_version is None:
        raise UsageError("--previous OLD.json and --previous-version X.Y.Z go together: give both or neither")
    problems = validate_version(args.previous_version)
    if problems:
        raise UsageError(f"--previous-version: {problems[0].message}")
    text = _read_text(args.previous, "previous schema")
    try:
        schema = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise UsageError(f"previous schema file {args.previous!r} is not valid JSON: {exc}") from None
    return [ExistingVersion(version=args.previous_version, payload_schema=schema)]


def _judge(args: argparse.Namespace) -> tuple[Any, str, str | None]:
    """The verdict, the version judged, and a note when that version was chosen for the user."""
    # deferred: the rules engine (~20 ms, bench/deferred_imports.py); every CLI start loads
    # this module to build its parser (cli/main.py)
    from platformxe.rules import Candidate, dry_run_verdict, legal_next_versions

    schema_text = _read_text(args.schema, "schema")
    example_text = None if args.example is None else _read_text(args.example, "example")
    existing = _previous(args)

    def judge(version: str) -> Any:
        candidate = Candidate(
            namespace=args.namespace,
            name=args.name,
            version=version,
            payload_schema=schema_text,
            payload_example=example_text,
            has_example=example_text is not None,
        )
        return dry_run_verdict(candidate, existing)

    if args.version is not None:
        return judge(args.version), args.version, None
    if not existing:
        return judge(_DEFAULT_VERSION), _DEFAULT_VERSION, f"no --version given: judged as {_DEFAULT_VERSION}"
    # Ask the engine which version this change needs, then judge exactly that one.
    probe = legal_next_versions(existing[0].version)[0]
    first = judge(probe)
    version = first.suggested_version
    if version is None:
        note = f"no --version given; judged as {probe}: no version can be suggested until the schema is valid"
        return first, probe, note
    return judge(version), version, f"no --version given: judged the suggested version {version}"


def render_table(verdict: Any, title: str, note: str | None, out: TextIO) -> None:
    """Print a verdict for a person: summary rows, then changes, then errors."""
    rows = [
        ("valid", "yes" if verdict.valid else "NO"),
        ("semver bump", verdict.semver_bump or "-"),
        ("previous version", verdict.previous_version or "-"),
        ("suggested version", verdict.suggested_version or "-"),
        ("schema flavour", verdict.schema_flavour or "-"),
        ("schema hash", verdict.schema_hash or "-"),
    ]
    print(title, file=out)
    if note:
        print(f"  ({note})", file=out)
    for label, value in rows:
        print(f"  {label:<18} {value}", file=out)
    if verdict.changes:
        print(f"changes ({len(verdict.changes)}):", file=out)
        for change in verdict.changes:
            marker = "BREAKING" if change.breaking else "ok      "
            where = change.pointer or "(root)"
            print(f"  {marker} {where}  {change.kind}: {change.message}", file=out)
            if change.has_witness:
                witness = json.dumps(change.witness, ensure_ascii=False)
                print(f"           e.g. this payload breaks: {witness[:200]}", file=out)
    if verdict.errors:
        print(f"errors ({len(verdict.errors)}):", file=out)
        for problem in verdict.errors:
            print(f"  {problem.code}  at {problem.path}", file=out)
            print(f"      {problem.message}", file=out)
    else:
        print("errors: none", file=out)


def lint_messages(schema_text: str) -> list[str]:
    """The schema lint's advice (unknown keywords close to real ones, draft-07 forms), one line each."""
    from platformxe.rules.lint import lint_schema  # deferred: see _judge

    try:
        schema = json.loads(schema_text)
    except ValueError:
        return []  # the verdict already reports a schema that is not JSON
    return [finding.message for finding in lint_schema(schema)]


def run(args: argparse.Namespace) -> int:
    """Run ``platformxe validate``; 0 valid, 1 invalid, 2 usage error (lint warnings never fail)."""
    try:
        verdict, version, note = _judge(args)
    except UsageError as exc:
        print(f"platformxe validate: {exc}", file=sys.stderr)
        return 2
    warnings = lint_messages(_read_text(args.schema, "schema"))
    if args.json:
        json.dump(verdict.to_dict(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        # stdout stays the verdict document; the advice goes beside it.
        for message in warnings:
            print(f"platformxe validate: warning: {message}", file=sys.stderr)
    else:
        title = f"{args.namespace}.{args.name} {version} ({args.schema})"
        render_table(verdict, title, note, sys.stdout)
        if warnings:
            print(f"warnings ({len(warnings)}):", file=sys.stdout)
            for message in warnings:
                print(f"  {message}", file=sys.stdout)
    return 0 if verdict.valid else 1
