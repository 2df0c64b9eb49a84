"""``platformxe provider install``: make ``terraform init`` find the installed provider.

Writes a Terraform *filesystem mirror* holding one executable,
``DIR/registry.terraform.io/calderax/platformxe/<version>/<os>_<arch>/terraform-provider-platformxe_v<version>``,
a small ``/bin/sh`` launcher that runs the provider of this Python installation with this
interpreter, and a CLI configuration that sends ``calderax/*`` to that mirror and everything
else to the registries as usual. A plain ``terraform init`` then installs the provider and writes
the lock file; no ``dev_overrides``.

The default mirror is per user (``$XDG_DATA_HOME/platformxe/terraform-mirror``), never
``~/.terraform.d/plugins``: that directory is an implicit mirror for every Terraform run on the
machine. Running the command again with the same interpreter changes nothing.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platformxe._version import __version__

#: Registry address of the provider: hostname, namespace, type.
HOSTNAME = "registry.terraform.io"
NAMESPACE = "calderax"
TYPE = "platformxe"
#: The mirror and the direct installer split on this pattern.
INCLUDE_PATTERN = f"{HOSTNAME}/{NAMESPACE}/*"

#: Go's names for the CPU architectures Python reports (``platform.machine()``).
_ARCH = {
    "x86_64": "amd64",
    "amd64": "amd64",
    "aarch64": "arm64",
    "arm64": "arm64",
    "i386": "386",
    "i686": "386",
    "x86": "386",
    "armv7l": "arm",
    "armv6l": "arm",
}


@dataclass(frozen=True)
class WrittenFile:
    """A file the command wrote, or found already as it should be (``changed`` False)."""

    path: Path
    changed: bool


def default_mirror_dir() -> Path:
    """``$XDG_DATA_HOME/platformxe/terraform-mirror`` (``~/.local/share/...`` when unset)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "platformxe" / "terraform-mirror"


def default_cli_config() -> Path:
    """``$XDG_CONFIG_HOME/platformxe/terraform.tfrc`` (``~/.config/...`` when unset)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "platformxe" / "terraform.tfrc"


def os_arch(system: str | None = None, machine: str | None = None) -> str:
    """Terraform's platform name for this machine, e.g. ``linux_amd64`` or ``darwin_arm64``.

    ``ValueError`` for a CPU Terraform does not build for.
    """
    system = (system or platform.system()).lower()
    machine = (machine or platform.machine()).lower()
    arch = _ARCH.get(machine)
    if arch is None:
        raise ValueError(
            f"unsupported CPU architecture {machine!r} (Terraform builds for amd64, arm64, 386, arm)"
        )
    return f"{system}_{arch}"


def package_dir(mirror: Path, version: str, platform_name: str) -> Path:
    """The mirror directory of one provider version and platform (the unpacked layout)."""
    return mirror / HOSTNAME / NAMESPACE / TYPE / version / platform_name


def executable_name(version: str) -> str:
    """``terraform-provider-platformxe_v<version>``."""
    return f"terraform-provider-{TYPE}_v{version}"


def launcher_script(python: str, version: str) -> str:
    """The provider executable: a shell script that execs the provider with ``python``.

    ``-c`` runs the console script's own entry point (``platformxe.terraform.plugin:main``), the
    same function the ``terraform-provider-platformxe`` command calls. ``exec`` keeps one
    process, so Terraform's signals and the plugin handshake on stdout reach Python directly.
    """
    code = "import sys; from platformxe.terraform.plugin import main; sys.exit(main())"
    return (
        "#!/bin/sh\n"
        f"# PlatformXe Terraform provider {version}, written by `platformxe provider install`.\n"
        "# It starts the provider of the Python installation below; re-run the command after\n"
        "# moving or recreating that environment.\n"
        f'exec {shlex.quote(python)} -c {shlex.quote(code)} "$@"\n'
    )


def hcl_string(text: str) -> str:
    """``text`` as an HCL quoted string (escapes, and no accidental template sequences)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"' + escaped.replace("${", "$${").replace("%{", "%%{") + '"'


def cli_config_text(mirror: Path) -> str:
    """The Terraform CLI configuration that installs ``calderax/*`` from ``mirror``."""
    pattern = hcl_string(INCLUDE_PATTERN)
    return (
        "# Terraform CLI configuration written by `platformxe provider install`.\n"
        "# calderax/* providers come from the local mirror; every other provider as usual.\n"
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f"    path    = {hcl_string(str(mirror))}\n"
        f"    include = [{pattern}]\n"
        "  }\n"
        "  direct {\n"
        f"    exclude = [{pattern}]\n"
        "  }\n"
        "}\n"
    )


def write_if_changed(path: Path, text: str, mode: int = 0o644) -> WrittenFile:
    """Write ``text`` to ``path`` atomically unless it already holds exactly that, with ``mode``."""
    try:
        if path.read_text(encoding="utf-8") == text:
            if path.stat().st_mode & 0o777 != mode:
                path.chmod(mode)
                return WrittenFile(path, True)
            return WrittenFile(path, False)
    except (FileNotFoundError, UnicodeDecodeError, IsADirectoryError):
        pass
    import tempfile  # deferred: ~15 ms (bench/deferred_imports.py) that every CLI start would pay

    path.parent.mkdir(parents=True, exist_ok=True)
    # A temporary file in the same directory, then a rename: Terraform never sees half a file.
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return WrittenFile(path, True)


def install_mirror(mirror: Path, version: str, platform_name: str, python: str) -> WrittenFile:
    """Write (or confirm) the provider executable in ``mirror``."""
    target = package_dir(mirror, version, platform_name) / executable_name(version)
    return write_if_changed(target, launcher_script(python, version), mode=0o755)


def add_parser(subparsers: Any) -> None:
    """Register ``provider install`` (under a ``provider`` command group)."""
    provider = subparsers.add_parser("provider", help="install the Terraform provider for `terraform init`")
    actions = provider.add_subparsers(dest="provider_command", metavar="ACTION", required=True)
    parser = actions.add_parser(
        "install",
        help="write a filesystem mirror and a Terraform CLI config for calderax/platformxe",
        description=(
            "Write a Terraform filesystem mirror holding this installation's provider and a CLI "
            "configuration using it, so a plain `terraform init` installs calderax/platformxe."
        ),
    )
    parser.add_argument(
        "--mirror",
        metavar="DIR",
        type=Path,
        help=f"mirror directory (default: {default_mirror_dir()})",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--cli-config",
        metavar="FILE",
        type=Path,
        help=f"where to write the CLI configuration (default: {default_cli_config()})",
    )
    where.add_argument(
        "--print-config",
        action="store_true",
        help="print the CLI configuration on stdout instead of writing it (merge it into your own)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write the mirror and the configuration; print what to export. Exit 0, or 2 on error."""
    # With --print-config stdout carries only the configuration, so it can be redirected.
    say = sys.stderr if args.print_config else sys.stdout
    if os.name == "nt":
        print(
            "platformxe provider install: error: Windows is not supported (the launcher is a /bin/sh script)",
            file=sys.stderr,
        )
        return 2
    try:
        platform_name = os_arch()
    except ValueError as exc:
        print(f"platformxe provider install: error: {exc}", file=sys.stderr)
        return 2
    mirror = (args.mirror or default_mirror_dir()).expanduser().absolute()
    config_text = cli_config_text(mirror)
    try:
        executable = install_mirror(mirror, __version__, platform_name, sys.executable)
        config = None
        if not args.print_config:
            config = write_if_changed(
                (args.cli_config or default_cli_config()).expanduser().absolute(), config_text
            )
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        print(
            f"platformxe provider install: error: cannot write{where}: {exc.strerror or exc}", file=sys.stderr
        )
        return 2

    print(f"provider  {executable.path} ({'written' if executable.changed else 'unchanged'})", file=say)
    if config is None:
        sys.stdout.write(config_text)
        print("Save the configuration above and point TF_CLI_CONFIG_FILE at it.", file=say)
        return 0
    print(f"config    {config.path} ({'written' if config.changed else 'unchanged'})", file=say)
    print("\nUse it (in your shell or CI job):", file=say)
    print(f"  export TF_CLI_CONFIG_FILE={shlex.quote(str(config.path))}", file=say)
    print(
        f'then `terraform init` with required_providers {{ platformxe = {{ source = "{NAMESPACE}/{TYPE}", '
        f'version = "{__version__}" }} }}',
        file=say,
    )
    return 0
