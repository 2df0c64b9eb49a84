"""Record real ``terraform show -json`` plans for ``platformxe plan-check``'s tests.

Drives the embedded Terraform 1.15.5 with the real provider (installed into a filesystem mirror)
against a real registry (``platformxe serve`` on a temp SQLite file), one organisation per
workspace, and saves each plan under ``tests/fixtures/plans/recorded/``:

- ``NAME.plan.json``: the plan, with this machine's paths replaced by ``<sandbox>`` / ``<repo>``;
- ``NAME.expect.json``: what plan-check must report, written from the scenario's definition here
  (not from plan-check's own output), in the format of ``tests/fixtures/plans/README.md``.

The API key reaches the provider through ``PLATFORMXE_API_KEY``, never a variable: ``terraform
show -json`` prints every input variable's value, ``sensitive = true`` or not. The recorder refuses
to save a plan that contains the key, or an absolute path of this machine.

    .venv/bin/python tools/record_plans.py            # record every scenario (~40 s)
    .venv/bin/python tools/record_plans.py --only create,no_op
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sandbox import REPO, Sandbox, SandboxError, exit_on_sigterm

OUT = REPO / "tests" / "fixtures" / "plans" / "recorded"
NAMESPACE = "lettings"
FAVORITED = "platformxe_custom_event.favorited"
VIEWING = "platformxe_custom_event.viewing"

# -- the schemas (the quickstart event and its evolution) -------------------------------------------

V1: dict[str, Any] = json.loads((REPO / "examples/schemas/property-favorited-1.0.0.json").read_text())
#: 1.0.1: only a description added (a patch).
V1_PATCH = {**V1, "description": "A customer favorited a property"}
#: 1.1.0: an optional property (backwards-compatible).
V1_1 = {**V1_PATCH, "properties": {**V1["properties"], "note": {"type": "string", "maxLength": 280}}}
#: 2.0.0: favoritedAt and a new channel required (two breaking changes).
V2 = {
    **V1_1,
    "properties": {**V1_1["properties"], "channel": {"enum": ["web", "app"]}},
    "required": ["propertyId", "subjectId", "favoritedAt", "channel"],
}
#: A breaking change (favoritedAt required) to offer as a minor.
V1_BREAKING = {**V1, "required": ["propertyId", "subjectId", "favoritedAt"]}
VIEWING_V1: dict[str, Any] = {
    "type": "object",
    "properties": {"propertyId": {"type": "string"}, "viewingAt": {"type": "string", "format": "date-time"}},
    "required": ["propertyId", "viewingAt"],
}


def resource(label: str, name: str, version: str, schema: dict[str, Any], **extra: str) -> str:
    """A ``platformxe_custom_event`` block; the schema as a heredoc of literal JSON."""
    lines = [
        f'resource "platformxe_custom_event" "{label}" {{',
        f'  namespace = "{NAMESPACE}"',
        f'  name      = "{name}"',
        f'  version   = "{version}"',
        *(f"  {key} = {json.dumps(value)}" for key, value in extra.items()),
        "  payload_schema = <<-JSON",
        *(f"    {line}" for line in json.dumps(schema, indent=2).splitlines()),
        "  JSON",
        "}",
    ]
    return "\n".join(lines) + "\n"


def config(*resources: str, plan_checks: str | None = None, imports: str = "") -> str:
    """``main.tf``: provider (endpoint and key from the environment) and the resources."""
    checks = f'  plan_checks = "{plan_checks}"\n' if plan_checks else ""
    return (
        'terraform {\n  required_providers {\n    platformxe = { source = "calderax/platformxe", version = "0.1.0" }\n'
        "  }\n}\n\n"
        f'provider "platformxe" {{\n{checks}}}\n\n' + "\n".join(resources) + imports
    )


# -- expectations ------------------------------------------------------------------------------


def change(
    address: str,
    action: str,
    version: str,
    bump: str | None = None,
    source: str | None = None,
    breaking: int = 0,
    event: str = f"{NAMESPACE}.property.favorited",
) -> dict[str, Any]:
    """One entry of an expectation's ``changes`` (see the fixtures' README)."""
    return {
        "address": address,
        "action": action,
        "event": event,
        "version": version,
        "semver_bump": bump,
        "source": source,
        "breaking": breaking,
    }


@dataclass
class Recorder:
    """Writes plans and their expectations; keeps a list of what it recorded."""

    box: Sandbox
    out: Path
    only: set[str] | None
    api_key: str = ""
    org_id: str = ""
    recorded: list[str] = field(default_factory=list)

    def wanted(self, *names: str) -> bool:
        return self.only is None or bool(self.only & set(names))

    def tf(self, work: Path, *args: str) -> str:
        run = self.box.terraform(work, *args, api_key=self.api_key).require(0)
        return run.output

    def workspace(self, name: str) -> Path:
        """A working directory for a fresh organisation (so every workspace starts empty)."""
        org = self.box.create_org(f"rec-{name}", "pro")
        self.box.grant_namespace(org["organizationId"], NAMESPACE)
        self.api_key, self.org_id = org["apiKey"], org["organizationId"]
        work = self.box.workdir(name)
        return work

    def write(self, work: Path, text: str) -> None:
        (work / "main.tf").write_text(text, encoding="utf-8")

    def plan(self, work: Path, name: str, note: str, expect: dict[str, Any], *args: str) -> None:
        """``plan -out`` + ``show -json``; save both files after the scrub and secret checks."""
        if not self.wanted(name):
            return
        self.tf(work, "plan", "-input=false", "-out=tfplan", *args)
        shown = self.box.terraform(work, "show", "-json", "tfplan", api_key=self.api_key).require(0).output
        document = json.loads(shown)
        text = self.box.scrub(json.dumps(document, indent=1, sort_keys=False)) + "\n"
        if self.api_key in text:
            raise SandboxError(f"{name}: the API key appears in the plan JSON")
        leftover = re.search(r'"(/(?:tmp|home|root|Users|var)/[^"]*)"', text)
        if leftover:
            raise SandboxError(
                f"{name}: an absolute path of this machine is left in the plan: {leftover.group(1)}"
            )
        (self.out / f"{name}.plan.json").write_text(text, encoding="utf-8")
        sidecar = {"_comment": f"Recorded by tools/record_plans.py: {note}", **expect}
        (self.out / f"{name}.expect.json").write_text(json.dumps(sidecar, indent=2) + "\n", encoding="utf-8")
        self.recorded.append(name)
        print(f"  recorded {name}: {note}", flush=True)

    def apply(self, work: Path) -> None:
        self.tf(work, "apply", "-input=false", "-auto-approve")


# -- scenarios ---------------------------------------------------------------------------------


def lifecycle(rec: Recorder) -> None:
    """create, no-op, patch, minor, major, status update, destroy: one event's life."""
    names = ("create", "no_op", "replace_patch", "replace_minor", "replace_major", "update_status", "delete")
    if not rec.wanted(*names):
        return
    work = rec.workspace("lifecycle")
    viewing = resource("viewing", "viewing.booked", "1.0.0", VIEWING_V1, on_destroy="retain")
    rec.write(work, config(resource("favorited", "property.favorited", "1.0.0", V1), viewing))
    rec.tf(work, "init", "-input=false")
    both_created = [
        change(FAVORITED, "create", "1.0.0", "initial", "plan"),
        change(VIEWING, "create", "1.0.0", "initial", "plan", event=f"{NAMESPACE}.viewing.booked"),
    ]
    rec.plan(
        work,
        "create",
        "two new events, 1.0.0 each",
        {"changes": both_created, "drift": [], "fails": ["any-change"]},
    )
    rec.apply(work)
    viewing_noop = change(VIEWING, "no-op", "1.0.0", event=f"{NAMESPACE}.viewing.booked")
    rec.plan(
        work,
        "no_op",
        "nothing changed since apply",
        {"changes": [change(FAVORITED, "no-op", "1.0.0"), viewing_noop], "drift": [], "fails": []},
    )
    steps = [
        ("replace_patch", "1.0.1", V1_PATCH, "patch", 0, "1.0.0 -> 1.0.1, only a description added", []),
        ("replace_minor", "1.1.0", V1_1, "minor", 0, "1.0.1 -> 1.1.0, an optional property added", []),
        (
            "replace_major",
            "2.0.0",
            V2,
            "major",
            2,
            "1.1.0 -> 2.0.0, two properties made required",
            ["major", "breaking"],
        ),
    ]
    before = "1.0.0"
    for name, version, schema, bump, breaking, note, fails in steps:
        rec.write(work, config(resource("favorited", "property.favorited", version, schema), viewing))
        rec.plan(
            work,
            name,
            note,
            {
                "changes": [
                    change(FAVORITED, "replace", f"{before} -> {version}", bump, "plan", breaking),
                    viewing_noop,
                ],
                "drift": [],
                "fails": [*fails, "any-change"],
            },
        )
        rec.apply(work)
        before = version
    rec.write(
        work, config(resource("favorited", "property.favorited", "2.0.0", V2, status="archived"), viewing)
    )
    rec.plan(
        work,
        "update_status",
        "2.0.0 archived in place",
        {
            "changes": [change(FAVORITED, "update", "2.0.0"), viewing_noop],
            "drift": [],
            "fails": ["any-change"],
        },
    )
    rec.write(work, config(resource("favorited", "property.favorited", "2.0.0", V2), viewing))
    rec.plan(
        work,
        "delete",
        "terraform plan -destroy: 2.0.0 archived, viewing.booked retained",
        {
            "changes": [
                change(FAVORITED, "delete", "2.0.0"),
                change(VIEWING, "delete", "1.0.0", event=f"{NAMESPACE}.viewing.booked"),
            ],
            "drift": [],
            "fails": ["any-change"],
        },
        "-destroy",
    )


def drift(rec: Recorder) -> None:
    """Changes made outside Terraform: a version archived through the API, one deleted."""
    if rec.wanted("drift_archived"):
        work = rec.workspace("drift-archived")
        rec.write(work, config(resource("favorited", "property.favorited", "1.0.0", V1)))
        rec.tf(work, "init", "-input=false")
        rec.apply(work)
        path = f"/registrations/{NAMESPACE}/property.favorited/versions/1.0.0"
        rec.box.api(rec.api_key, "PATCH", path, {"status": "archived"})
        rec.plan(
            work,
            "drift_archived",
            "1.0.0 archived through the API; the plan sets it back to published",
            {
                "changes": [change(FAVORITED, "update", "1.0.0")],
                "drift": [{"address": FAVORITED, "kind": "changed", "version": "1.0.0"}],
                "fails": ["drift", "any-change"],
            },
        )
    if rec.wanted("drift_deleted"):
        work = rec.workspace("drift-deleted")
        rec.write(work, config(resource("favorited", "property.favorited", "1.0.0", V1)))
        rec.tf(work, "init", "-input=false")
        rec.apply(work)
        # The API only archives; a version gone from the registry takes the database.
        with sqlite3.connect(rec.box.db) as db:
            db.execute(
                "DELETE FROM registrations WHERE organization_id = ? AND namespace = ? AND name = ? AND version = ?",
                (rec.org_id, NAMESPACE, "property.favorited", "1.0.0"),
            )
        rec.plan(
            work,
            "drift_deleted",
            "1.0.0 removed from the registry's database; the plan registers it again",
            {
                "changes": [change(FAVORITED, "create", "1.0.0", "initial", "plan")],
                "drift": [{"address": FAVORITED, "kind": "deleted", "version": "1.0.0"}],
                "fails": ["drift", "any-change"],
            },
        )


def offline(rec: Recorder) -> None:
    """plan_checks = "off" and "offline": the plan holds no verdict, plan-check computes it."""
    names = ("plan_checks_off", "plan_checks_off_refused", "plan_checks_offline")
    if not rec.wanted(*names):
        return
    work = rec.workspace("offline")
    v1 = resource("favorited", "property.favorited", "1.0.0", V1)
    rec.write(work, config(v1, plan_checks="off"))
    rec.tf(work, "init", "-input=false")
    rec.apply(work)
    # A second version as its own resource (1.0.0 stays), and a brand-new event.
    v1_1 = resource("favorited_v1_1", "property.favorited", "1.1.0", V1_1)
    viewing = resource("viewing", "viewing.booked", "1.0.0", VIEWING_V1)
    rec.write(work, config(v1, v1_1, viewing, plan_checks="off"))
    rec.plan(
        work,
        "plan_checks_off",
        'plan_checks = "off": 1.1.0 added next to 1.0.0, and a new event',
        {
            "changes": [
                change(FAVORITED, "no-op", "1.0.0"),
                change("platformxe_custom_event.favorited_v1_1", "create", "1.1.0", "minor", "computed"),
                change(
                    VIEWING, "create", "1.0.0", "initial", "computed", event=f"{NAMESPACE}.viewing.booked"
                ),
            ],
            "drift": [],
            "fails": ["any-change"],
        },
    )
    rec.write(
        work, config(resource("favorited", "property.favorited", "1.1.0", V1_BREAKING), plan_checks="off")
    )
    rec.plan(
        work,
        "plan_checks_off_refused",
        'plan_checks = "off": a breaking change offered as 1.1.0 (the registry would refuse it)',
        {
            "changes": [change(FAVORITED, "replace", "1.0.0 -> 1.1.0", "minor", "computed", 1)],
            "drift": [],
            "fails": ["rules", "breaking", "any-change"],
        },
    )
    rec.write(work, config(resource("favorited", "property.favorited", "1.1.0", V1_1), plan_checks="offline"))
    rec.plan(
        work,
        "plan_checks_offline",
        'plan_checks = "offline": 1.0.0 -> 1.1.0 judged by the provider, values known after apply',
        {
            "changes": [change(FAVORITED, "replace", "1.0.0 -> 1.1.0", "minor", "computed")],
            "drift": [],
            "fails": ["any-change"],
        },
    )


def adoption(rec: Recorder) -> None:
    """An ``import`` block adopting a version registered outside Terraform."""
    if not rec.wanted("import"):
        return
    work = rec.workspace("import")
    rec.write(work, config(resource("favorited", "property.favorited", "1.0.0", V1)))
    rec.tf(work, "init", "-input=false")
    rec.apply(work)
    rec.tf(work, "state", "rm", FAVORITED)
    block = f'\nimport {{\n  to = {FAVORITED}\n  id = "{NAMESPACE}/property.favorited@1.0.0"\n}}\n'
    rec.write(work, config(resource("favorited", "property.favorited", "1.0.0", V1), imports=block))
    rec.plan(
        work,
        "import",
        "an import block adopting 1.0.0 with no changes",
        {"changes": [change(FAVORITED, "no-op", "1.0.0")], "drift": [], "fails": []},
    )


SCENARIOS: tuple[Callable[[Recorder], None], ...] = (lifecycle, drift, offline, adoption)
NAMES = [
    "create",
    "no_op",
    "replace_patch",
    "replace_minor",
    "replace_major",
    "update_status",
    "delete",
    "drift_archived",
    "drift_deleted",
    "plan_checks_off",
    "plan_checks_off_refused",
    "plan_checks_offline",
    "import",
]


def main(argv: list[str] | None = None) -> int:
    """Record every scenario (or ``--only`` some) into ``--out``."""
    parser = argparse.ArgumentParser(description="Record real Terraform plans for plan-check's tests.")
    parser.add_argument("--out", type=Path, default=OUT, help=f"directory (default: {OUT.relative_to(REPO)})")
    parser.add_argument("--only", help=f"comma-separated scenario names: {', '.join(NAMES)}")
    args = parser.parse_args(argv)
    only = set(args.only.split(",")) if args.only else None
    if only and only - set(NAMES):
        parser.error(f"unknown scenario(s): {', '.join(sorted(only - set(NAMES)))}")
    exit_on_sigterm()
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with Sandbox() as box:
        box.start_registry()
        box.install_provider()
        rec = Recorder(box, args.out, only)
        try:
            for scenario in SCENARIOS:
                scenario(rec)
        except SandboxError as exc:
            print(f"recording failed: {exc}", file=sys.stderr)
            return 1
    print(f"{len(rec.recorded)} plans in {args.out} ({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
