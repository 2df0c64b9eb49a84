"""Cold start of a platformxe.tfplugin provider, as Terraform pays it (3 starts per plan).

Starts the test provider (tests/acceptance/tfplugin_testprovider) the way Terraform does — an
executable ``terraform-provider-*`` script, ``TF_PLUGIN_MAGIC_COOKIE``, ``PLUGIN_CLIENT_CERT``
and ``PLUGIN_PROTOCOL_VERSIONS`` in the environment — and reports:

* exec -> handshake line on stdout (median and spread of 20 starts; goal <= 120 ms);
* exec -> first answer to GetProviderSchema over TLS (what Terraform waits for before planning);
* the top ``python -X importtime`` costs of one start.

Prints numbers only; no pass/fail.
"""

from __future__ import annotations

import base64
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ACCEPTANCE = REPO / "tests" / "acceptance"
COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
STARTS = 20


def client_cert_pem() -> str:
    """A throwaway client certificate, like the one Terraform passes (its content is not checked)."""
    sys.path.insert(0, str(REPO / "provider"))
    from platformxe.tfplugin.tls import make_server_identity

    return make_server_identity().cert_pem.decode()


def write_plugin(directory: Path) -> Path:
    """The executable Terraform would start (same shape as the acceptance harness writes)."""
    path = directory / "terraform-provider-tfplugintest"
    path.write_text(
        f"#!{sys.executable}\nimport sys\nsys.path.insert(0, {str(ACCEPTANCE)!r})\n"
        "from tfplugin_testprovider.plugin import main\nmain()\n"
    )
    path.chmod(0o755)
    return path


def write_real_plugin(directory: Path) -> Path:
    """The executable of our real provider, as `platformxe provider install` launches it."""
    path = directory / "terraform-provider-platformxe"
    path.write_text(f"#!{sys.executable}\nfrom platformxe.terraform.plugin import main\nmain()\n")
    path.chmod(0o755)
    return path


def plugin_env(pycache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "PLUGIN_"))}
    # Measure what an installed provider pays: pip writes bytecode at install time. Here the
    # bytecode goes to a temporary prefix so the checkout stays clean.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        {
            "PYTHONPYCACHEPREFIX": str(pycache),
            "TF_PLUGIN_MAGIC_COOKIE": COOKIE,
            "PLUGIN_PROTOCOL_VERSIONS": "6",
            "PLUGIN_CLIENT_CERT": client_cert_pem(),
        }
    )
    return env


def start(plugin: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str, float]:
    began = time.perf_counter()
    proc = subprocess.Popen([str(plugin)], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    line = proc.stdout.readline().decode().strip()
    return proc, line, (time.perf_counter() - began) * 1000


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)  # the plugin removes its socket directory on SIGTERM
    proc.wait(timeout=10)


def handshake_times(plugin: Path, env: dict[str, str]) -> list[float]:
    times = []
    for _ in range(STARTS):
        proc, line, elapsed = start(plugin, env)
        if not line.startswith("1|6|unix|"):
            raise SystemExit(f"unexpected handshake line: {line!r}")
        times.append(elapsed)
        stop(proc)
    return times


def first_answer_times(plugin: Path, env: dict[str, str], runs: int = 10) -> list[float]:
    import grpc

    from platformxe.tfplugin._generated import tfplugin6_pb2 as pb

    times = []
    for _ in range(runs):
        began = time.perf_counter()
        proc, line, _ = start(plugin, env)
        _, _, _, socket_path, _, cert = line.split("|")
        der = base64.b64decode(cert + "=" * (-len(cert) % 4))
        pem = b"-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(der) + b"-----END CERTIFICATE-----\n"
        channel = grpc.secure_channel(
            f"unix:{socket_path}",
            grpc.ssl_channel_credentials(root_certificates=pem),
            options=[("grpc.ssl_target_name_override", "localhost")],
        )
        call = channel.unary_unary(
            "/tfplugin6.Provider/GetProviderSchema",
            request_serializer=pb.GetProviderSchema.Request.SerializeToString,
            response_deserializer=pb.GetProviderSchema.Response.FromString,
        )
        call(pb.GetProviderSchema.Request(), timeout=10)
        times.append((time.perf_counter() - began) * 1000)
        channel.close()
        stop(proc)
    return times


CPU_PROBE = """
import sys, time
sys.path.insert(0, {acceptance!r})

class FirstWrite:
    # Report this process's CPU time (all threads, interpreter start included) when the
    # handshake line is written, then behave like stdout.
    def __init__(self, out):
        self.out, self.done = out, False
    def write(self, text):
        if not self.done:
            self.done = True
            sys.__stderr__.write(f"cpu_ms={{time.process_time() * 1000:.1f}}\\n")
            sys.__stderr__.flush()
        return self.out.write(text)
    def flush(self):
        self.out.flush()

sys.stdout = FirstWrite(sys.stdout)
from tfplugin_testprovider.plugin import main
main()
"""


def cpu_to_handshake(env: dict[str, str], runs: int = 10) -> list[float]:
    """CPU time the plugin spends before its handshake line: less sensitive to machine load."""
    code = CPU_PROBE.format(acceptance=str(ACCEPTANCE))
    times = []
    for _ in range(runs):
        proc = subprocess.Popen(
            [sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.readline()
        line = proc.stderr.readline().decode()
        stop(proc)
        proc.stdout.close()
        proc.stderr.close()
        times.append(float(line.strip().split("=", 1)[1]))
    return times


def import_costs(plugin: Path, env: dict[str, str]) -> list[tuple[int, int, str]]:
    proc = subprocess.Popen(
        [sys.executable, "-X", "importtime", str(plugin)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    stop(proc)
    rows = []
    for line in proc.stderr.read().decode().splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        self_us, cumulative_us, name = line[len("import time:") :].split("|")
        # importtime indents nested imports by two spaces per level after one leading space
        rows.append((int(self_us), int(cumulative_us), name[1:].rstrip()))
    return rows


def import_grpc_once(env: dict[str, str]) -> float:
    """Wall time of ``python -c "import grpc"`` (the same interpreter and environment)."""
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import grpc"], env=env, check=True)
    return (time.perf_counter() - began) * 1000


def import_grpc_times(env: dict[str, str], runs: int = 10) -> list[float]:
    return [import_grpc_once(env) for _ in range(runs)]


def versus_grpc(plugin: Path, env: dict[str, str], runs: int = 15) -> tuple[list[float], list[float]]:
    """Interleaved: ``import grpc`` alone, then exec -> GetProviderSchema answered, ``runs`` times."""
    grpc_ms, answer_ms = [], []
    for _ in range(runs):
        grpc_ms.append(import_grpc_once(env))
        answer_ms += first_answer_times(plugin, env, runs=1)
    return grpc_ms, answer_ms


def ratio_line(label: str, grpc_ms: list[float], answer_ms: list[float]) -> None:
    pairs = sorted(a / g for a, g in zip(answer_ms, grpc_ms, strict=True))
    print(
        f"{label}: GetProviderSchema answered / python -c 'import grpc' = "
        f"{statistics.median(answer_ms) / statistics.median(grpc_ms):.2f}x of medians "
        f"(per pair: min {pairs[0]:.2f}, median {statistics.median(pairs):.2f}, max {pairs[-1]:.2f}; goal <= 1.3)"
    )


def describe(label: str, times: list[float]) -> None:
    ordered = sorted(times)
    print(
        f"{label}: median {statistics.median(ordered):.1f} ms "
        f"(min {ordered[0]:.1f}, p90 {ordered[int(len(ordered) * 0.9) - 1]:.1f}, max {ordered[-1]:.1f}; n={len(ordered)})"
    )


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        env = plugin_env(Path(tmp) / "pycache")
        plugin = write_plugin(Path(tmp))
        for _ in range(2):  # warm the page cache and write bytecode; not measured
            proc, _, _ = start(plugin, env)
            stop(proc)
        describe("exec -> handshake line", handshake_times(plugin, env))
        describe("exec -> GetProviderSchema answered", first_answer_times(plugin, env))
        describe("CPU time before the handshake line", cpu_to_handshake(env))
        real = write_real_plugin(Path(tmp))
        for _ in range(2):
            proc, _, _ = start(real, env)
            stop(proc)
        describe("calderax/platformxe: exec -> handshake line", handshake_times(real, env))
        describe("calderax/platformxe: exec -> GetProviderSchema answered", first_answer_times(real, env))
        grpc_ms, answer_ms = versus_grpc(real, env)
        describe("python -c 'import grpc' (interleaved)", grpc_ms)
        describe("calderax/platformxe: exec -> GetProviderSchema answered (interleaved)", answer_ms)
        ratio_line("calderax/platformxe", grpc_ms, answer_ms)
        rows = import_costs(plugin, env)
    top_level = [r for r in rows if not r[2].startswith(" ")]
    print("\ntop-level imports by cumulative time (python -X importtime, one start):")
    for _self_us, cumulative_us, name in sorted(top_level, key=lambda r: -r[1])[:10]:
        print(f"  {cumulative_us / 1000:7.1f} ms  {name.strip()}")
    print("\nmodules by self time:")
    for self_us, _, name in sorted(rows, key=lambda r: -r[0])[:10]:
        print(f"  {self_us / 1000:7.1f} ms  {name.strip()}")
    print(f"\ntotal import time: {sum(r[1] for r in top_level) / 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
