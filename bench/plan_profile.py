"""Where a plan of N events spends its time: per RPC and per process, in one long-lived provider server.

One registry process (temporary SQLite, an Enterprise organisation), one provider server in
reattach mode (``terraform-provider-platformxe --serve-reattach``, as ``platformxe terraform``
starts it) and real Terraform 1.15.5 running ``plan`` (empty state), ``apply`` and ``plan``
(no-op refresh) against it. Per phase it prints the command's wall time, the CPU time of
Terraform, of the provider server and of the registry's main process, the registry requests by
route, and — unless ``--quiet`` — per RPC (from the server's DEBUG ``rpc finished`` lines) the
count, summed and mean duration and when the first and last answers came. ``--kind data|null``
runs the same phases on ``terraform_data`` or the Go null provider (the floor and the yardstick
of bench/plan_scale.py). ``--py-spy OUT`` (py-spy on PATH) samples the provider (or with
``--spy-registry`` the registry) while it holds the GIL, into ``OUT.<phase>`` (raw collapsed
stacks). ``PLAN_PROFILE_SERVER="path/to/script.py"`` runs another server script (an experiment)
instead of ``-m platformxe.terraform.plugin``. Prints numbers only.

    .venv/bin/python bench/plan_profile.py [--count 200] [--count-block] [--kind events|data|null]
        [--quiet] [--py-spy OUT [--spy-registry]]
"""

from __future__ import annotations

import argparse
import collections
import datetime
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "tests"), str(REPO / "tests" / "acceptance"), str(REPO / "bench")]

from terraform_harness import Terraform, provider_env, write_dev_overrides, write_provider_executable  # noqa: E402

from plan_scale import data_config, events_config, null_config, null_provider_dir  # noqa: E402
from support.registry_process import RegistryProcess, unique_slug  # noqa: E402

PHASES = (
    ("plan", ("plan", "-no-color", "-input=false")),
    ("apply", ("apply", "-auto-approve", "-no-color", "-input=false")),
    ("refresh", ("plan", "-detailed-exitcode", "-no-color", "-input=false")),
)


#: Starts the server as its child and waits for it: the server reads Terraform's command line from
#: its parent (terraform/run_context.py), as under ``platformxe terraform``, whose child it is.
_PARENT = "import subprocess, sys\nsys.exit(subprocess.call(sys.argv[1].split() + ['--serve-reattach']))\n"


def start_server(
    env: dict[str, str], log_path: Path, level: str, tf_args: tuple[str, ...]
) -> tuple[subprocess.Popen[str], int, str]:
    """A provider server for one Terraform command (as ``platformxe terraform`` starts one): the
    parent process, the server's pid and its ``TF_REATTACH_PROVIDERS`` value; its stderr goes to
    ``log_path``."""
    program = os.environ.get("PLAN_PROFILE_SERVER", "-m platformxe.terraform.plugin")
    with open(log_path, "a", encoding="utf-8") as log:
        proc = subprocess.Popen(
            [sys.executable, "-c", _PARENT, f"{sys.executable} {program}", *tf_args],
            env={**env, "TF_LOG_PROVIDER": level},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    prefix = "TF_REATTACH_PROVIDERS="
    if not line.startswith(prefix):
        raise SystemExit(f"provider server did not start: {line!r}")
    value = line[len(prefix) :]
    (entry,) = json.loads(value).values()
    return proc, int(entry["Pid"]), value


def stop_server(proc: subprocess.Popen[str], pid: int) -> None:
    os.kill(pid, signal.SIGTERM)
    proc.wait(10)
    if proc.stdout is not None:
        proc.stdout.close()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (Linux /proc)."""
    user, system = cpu_split(pid)
    return user + system


def cpu_split(pid: int) -> tuple[float, float]:
    """(user, system) CPU seconds of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def context_switches(pid: int) -> int:
    """Voluntary plus involuntary context switches of every thread of a process so far."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            for line in (task / "status").read_text().splitlines():
                if line.endswith("ctxt_switches:") or "ctxt_switches:" in line:
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


@dataclass
class RpcLog:
    """The ``rpc finished`` lines of one phase: durations (ms) and answer times (epoch s) per RPC."""

    durations: dict[str, list[float]] = field(default_factory=lambda: collections.defaultdict(list))
    answered: dict[str, list[float]] = field(default_factory=lambda: collections.defaultdict(list))

    @classmethod
    def read(cls, text: str) -> RpcLog:
        found = cls()
        for raw in text.splitlines():
            try:
                entry = json.loads(raw)
            except ValueError:
                continue
            if entry.get("@message") != "rpc finished":
                continue
            name = entry["tf_rpc"]
            found.durations[name].append(float(entry["duration_ms"]))
            when = datetime.datetime.strptime(entry["@timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ")
            found.answered[name].append(when.replace(tzinfo=datetime.UTC).timestamp())
        return found


def registry_routes(text: str) -> collections.Counter[str]:
    """Requests per ``METHOD path`` in uvicorn's access log lines."""
    return collections.Counter(
        " ".join(line.split('"')[1].split()[:2])
        for line in text.splitlines()
        if line.count('"') >= 2 and "HTTP/1.1" in line
    )


def py_spy(out: str, pid: int) -> subprocess.Popen[bytes]:
    spy = subprocess.Popen(
        [
            "py-spy",
            "record",
            "--format",
            "raw",
            "-r",
            "1000",
            "-o",
            out,
            "--pid",
            str(pid),
            "--threads",
            "--gil",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(0.5)  # attached
    return spy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--count-block", action="store_true", help="one block with count, not one each")
    parser.add_argument("--kind", choices=("events", "data", "null"), default="events")
    parser.add_argument("--quiet", action="store_true", help="no provider log: CPU only, no RPC table")
    parser.add_argument("--py-spy", metavar="OUT", help="sample the server with py-spy into OUT.<phase>")
    parser.add_argument("--spy-registry", action="store_true", help="sample the registry, not the provider")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="plan-profile-") as tmp:
        root = Path(tmp)
        plugin = write_provider_executable(
            root / "plugins", "platformxe", module="platformxe.terraform.plugin"
        )
        overrides = {"calderax/platformxe": plugin.parent}
        if args.kind == "null":
            overrides["hashicorp/null"] = null_provider_dir()
        cli_config = write_dev_overrides(root / "cli.tfrc", overrides)
        env = provider_env(cli_config, root / "home", {"PLATFORMXE_ENDPOINT": "", "PLATFORMXE_API_KEY": ""})
        registry_log = root / "registry.log"
        registry = RegistryProcess(str(root / "registry.sqlite"), log_path=registry_log).start()
        log_path = root / "provider.log"
        level = "OFF" if args.quiet else "DEBUG"
        try:
            slug = unique_slug("bench")
            org = registry.create_org(slug, "enterprise")
            tf = Terraform(root / "ws", env)
            one_each = not args.count_block
            if args.kind == "data":
                tf.write("main.tf", data_config(args.count, one_each))
            elif args.kind == "null":
                tf.write("main.tf", null_config(args.count, one_each))
            else:
                tf.write("main.tf", events_config(registry.url, org["apiKey"], slug, args.count, one_each))
            log_offset = registry_offset = 0
            for phase, tf_args in PHASES:
                assert registry.pid is not None
                proc, server, reattach = start_server(env, log_path, level, tf_args)
                time.sleep(0.3)  # settled, as when Terraform starts
                spy = None
                if args.py_spy:
                    spy = py_spy(f"{args.py_spy}.{phase}", registry.pid if args.spy_registry else server)
                provider_cpu, registry_cpu = cpu_seconds(server), cpu_seconds(registry.pid)
                provider_split, switches = cpu_split(server), context_switches(server)
                children = resource.getrusage(resource.RUSAGE_CHILDREN)
                began, began_at = time.perf_counter(), time.time()
                result = tf.run(*tf_args, timeout=600, env={"TF_REATTACH_PROVIDERS": reattach})
                took = time.perf_counter() - began
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                if result.returncode not in (0, 2):
                    result.check()
                if spy is not None:
                    spy.send_signal(signal.SIGINT)
                    spy.wait(30)
                if os.environ.get("PLAN_PROFILE_SIGNAL"):  # an experiment server reports per phase
                    os.kill(server, signal.SIGUSR1)
                time.sleep(0.2)  # the last log lines land
                tf_cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
                provider_cpu = cpu_seconds(server) - provider_cpu
                user, system = (b - a for a, b in zip(provider_split, cpu_split(server), strict=True))
                switches = context_switches(server) - switches
                stop_server(proc, server)
                registry_cpu = cpu_seconds(registry.pid) - registry_cpu
                print(
                    f"\n{phase}: {took:.2f} s wall; CPU: terraform {tf_cpu:.2f} s, provider server "
                    f"{provider_cpu:.2f} s, registry {registry_cpu:.2f} s (main process)"
                )
                print(
                    f"  provider server: user {user:.2f} s, system {system:.2f} s, {switches} context switches"
                )
                text = registry_log.read_text(encoding="utf-8", errors="replace")
                routes = registry_routes(text[registry_offset:])
                registry_offset = len(text)
                print("  registry requests: " + ", ".join(f"{k} x{v}" for k, v in routes.most_common()))
                text = log_path.read_text(encoding="utf-8")
                rpcs = RpcLog.read(text[log_offset:])
                log_offset = len(text)
                for name, values in sorted(rpcs.durations.items(), key=lambda kv: -sum(kv[1])):
                    first, last = (t - began_at for t in (min(rpcs.answered[name]), max(rpcs.answered[name])))
                    print(
                        f"  {name:<26} n={len(values):4d}  sum {sum(values):7.1f} ms  mean "
                        f"{sum(values) / len(values):6.2f} ms  max {max(values):6.1f} ms  answered {first:.2f}-{last:.2f} s"
                    )
        finally:
            registry.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
