"""``platformxe provider install``: mirror layout, launcher, CLI config, and a real ``terraform init``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from platformxe import __version__
from platformxe.cli import provider_install as pi
from platformxe.cli.main import main

PLATFORM = pi.os_arch()


def _install(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["provider", "install", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _executable(mirror: Path) -> Path:
    return (
        mirror
        / "registry.terraform.io"
        / "calderax"
        / "platformxe"
        / __version__
        / PLATFORM
        / f"terraform-provider-platformxe_v{__version__}"
    )


@pytest.fixture(autouse=True)
def _private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Defaults resolve under a temporary home: a test never writes into the real one.
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)


def test_mirror_layout_and_executable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mirror = tmp_path / "mirror"
    code, out, _ = _install(capsys, "--mirror", str(mirror), "--cli-config", str(tmp_path / "tf.tfrc"))
    executable = _executable(mirror)
    assert code == 0
    assert executable.is_file()
    assert os.access(executable, os.X_OK)
    assert executable.stat().st_mode & 0o777 == 0o755
    files = [p for p in mirror.rglob("*") if p.is_file()]
    assert files == [executable], "the mirror holds the one provider package and nothing else"
    script = executable.read_text()
    assert script.startswith("#!/bin/sh\n")
    assert f"exec {sys.executable} -c " in script
    assert "from platformxe.terraform.plugin import main" in script
    assert script.rstrip().endswith('"$@"')
    assert f"{executable} (written)" in out


def test_cli_config_points_at_the_mirror(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mirror, config = tmp_path / "mirror", tmp_path / "conf" / "tf.tfrc"
    code, out, _ = _install(capsys, "--mirror", str(mirror), "--cli-config", str(config))
    text = config.read_text()
    assert code == 0
    body = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert body == [
        "provider_installation {",
        "filesystem_mirror {",
        f'path    = "{mirror}"',
        'include = ["registry.terraform.io/calderax/*"]',
        "}",
        "direct {",
        'exclude = ["registry.terraform.io/calderax/*"]',
        "}",
        "}",
    ]
    assert f"export TF_CLI_CONFIG_FILE={config}" in out
    assert f'version = "{__version__}"' in out


def test_print_config_writes_only_the_mirror(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mirror = tmp_path / "mirror"
    code, out, err = _install(capsys, "--mirror", str(mirror), "--print-config")
    assert code == 0
    assert out == pi.cli_config_text(mirror), "stdout carries the configuration alone"
    assert "TF_CLI_CONFIG_FILE" in err
    assert _executable(mirror).exists()
    assert not pi.default_cli_config().exists()


def test_idempotent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ("--mirror", str(tmp_path / "m"), "--cli-config", str(tmp_path / "tf.tfrc"))
    _install(capsys, *argv)
    executable = _executable(tmp_path / "m")
    first = (
        executable.read_bytes(),
        executable.stat().st_mtime_ns,
        (tmp_path / "tf.tfrc").stat().st_mtime_ns,
    )
    code, out, _ = _install(capsys, *argv)
    assert code == 0
    assert out.count("(unchanged)") == 2
    assert (
        executable.read_bytes(),
        executable.stat().st_mtime_ns,
        (tmp_path / "tf.tfrc").stat().st_mtime_ns,
    ) == first
    executable.chmod(0o644)
    _install(capsys, *argv)
    assert os.access(executable, os.X_OK), "a lost executable bit is restored"


def test_defaults_are_per_user_and_never_terraform_d(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    assert pi.default_mirror_dir() == home / ".local" / "share" / "platformxe" / "terraform-mirror"
    assert pi.default_cli_config() == home / ".config" / "platformxe" / "terraform.tfrc"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    code, _, _ = _install(capsys)
    assert code == 0
    assert _executable(tmp_path / "data" / "platformxe" / "terraform-mirror").is_file()
    assert (tmp_path / "config" / "platformxe" / "terraform.tfrc").is_file()
    assert not (home / ".terraform.d").exists()


@pytest.mark.parametrize(
    ("system", "machine", "expected"),
    [
        ("Linux", "x86_64", "linux_amd64"),
        ("Linux", "aarch64", "linux_arm64"),
        ("Darwin", "arm64", "darwin_arm64"),
        ("Darwin", "x86_64", "darwin_amd64"),
        ("FreeBSD", "amd64", "freebsd_amd64"),
        ("Linux", "armv7l", "linux_arm"),
    ],
)
def test_os_arch_uses_terraforms_names(system: str, machine: str, expected: str) -> None:
    assert pi.os_arch(system, machine) == expected


def test_unknown_cpu_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported CPU architecture 'riscv64'"):
        pi.os_arch("Linux", "riscv64")


def test_hcl_strings_are_escaped() -> None:
    assert pi.hcl_string('a "b" \\ ${x} %{y}') == '"a \\"b\\" \\\\ $${x} %%{y}"'


def test_unwritable_mirror_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _, err = _install(capsys, "--mirror", str(blocker / "mirror"), "--print-config")
    assert code == 2
    assert err.startswith("platformxe provider install: error: cannot write") and "Traceback" not in err


def test_terraform_init_installs_from_the_mirror(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A plain ``terraform init`` (the real embedded Terraform 1.15.5) installs from the mirror.

    Init only hashes and links the package; it does not start the provider.
    """
    mirror, config = tmp_path / "mirror", tmp_path / "terraform.tfrc"
    assert _install(capsys, "--mirror", str(mirror), "--cli-config", str(config))[0] == 0
    work = tmp_path / "work"
    work.mkdir()
    (work / "main.tf").write_text(
        "terraform {\n  required_providers {\n"
        f'    platformxe = {{ source = "calderax/platformxe", version = "{__version__}" }}\n'
        "  }\n}\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "PLATFORMXE_"))}
    env.update(
        TF_CLI_CONFIG_FILE=str(config),
        PLATFORMXE_TERRAFORM="embedded",
        CHECKPOINT_DISABLE="1",
        HOME=str(tmp_path / "home"),
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "platformxe.cli.main",
            "terraform",
            f"-chdir={work}",
            "init",
            "-input=false",
            "-no-color",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Installed calderax/platformxe v{__version__}" in result.stdout
    lock = (work / ".terraform.lock.hcl").read_text()
    assert 'provider "registry.terraform.io/calderax/platformxe"' in lock
    assert f'version     = "{__version__}"' in lock
    assert re.search(r'"h1:[A-Za-z0-9+/]{43}="', lock)
    installed = work / ".terraform" / "providers" / "registry.terraform.io" / "calderax" / "platformxe"
    assert (installed / __version__ / PLATFORM / f"terraform-provider-platformxe_v{__version__}").exists()

    # After init, a command using the provider runs in reattach mode (one provider server for the
    # command, no provider process started by Terraform) and leaves the lock file as init wrote it.
    with (work / "main.tf").open("a") as config:
        config.write(
            'resource "platformxe_custom_event" "e" {\n  namespace = "lettings"\n  name = "property.favorited"\n'
            '  version = "1.0.0"\n  payload_schema = jsonencode({ type = "object" })\n}\n'
        )
    log = tmp_path / "tf.log"
    validate = subprocess.run(
        [sys.executable, "-m", "platformxe.cli.main", "terraform", f"-chdir={work}", "validate", "-no-color"],
        env={**env, "TF_LOG": "debug", "TF_LOG_PATH": str(log)},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert "The configuration is valid" in validate.stdout
    assert "unmanaged provider" in log.read_text() and "starting plugin" not in log.read_text()
    assert (work / ".terraform.lock.hcl").read_text() == lock


def test_launcher_starts_the_installed_provider(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Started by hand (no Terraform magic cookie), the provider says so and exits 1."""
    _install(capsys, "--mirror", str(tmp_path / "m"), "--print-config")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "PLUGIN_"))}
    result = subprocess.run(
        [str(_executable(tmp_path / "m"))], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "terraform" in (result.stdout + result.stderr).lower()
