"""Entry point of the ``platformxe`` command.

Each subcommand lives in its own module exposing ``add_parser(subparsers)`` (cheap: no heavy
imports at module level) and a ``run(args) -> int`` set as the parser's ``func`` default.
Exit codes: 0 success, 1 the command's check failed, 2 usage or input error.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from platformxe._version import __version__

#: Modules under ``platformxe.cli`` that contribute subcommands, in help order.
SUBCOMMAND_MODULES: tuple[str, ...] = (
    "validate",
    "serve",
    "worker",
    "admin",
    "plan_check",
    "provider_install",
    "terraform_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with every available subcommand."""
    parser = argparse.ArgumentParser(
        prog="platformxe",
        description="PlatformXe custom events: event schemas as code.",
    )
    parser.add_argument("--version", action="version", version=f"platformxe {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in SUBCOMMAND_MODULES:
        try:
            module = importlib.import_module(f"platformxe.cli.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"platformxe.cli.{module_name}":
                continue  # subcommand not built yet
            raise
        module.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        code = int(func(args))
        sys.stdout.flush()  # inside the try: a closed pipe found at the last write is handled too
        return code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`platformxe validate … | head`): stop quietly, as other tools do.
        # stdout is pointed at /dev/null so the interpreter's final flush cannot fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a program stopped by a closed pipe


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
