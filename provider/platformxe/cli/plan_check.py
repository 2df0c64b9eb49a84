"""``platformxe plan-check PLAN.json``: the CI gate over a Terraform plan.

Exit codes: 0 every policy passed, 1 a policy failed, 2 usage or input error (unreadable file,
not JSON, not a plan). See docs/plan-check.md.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

#: ``--fail-on`` values (kept here too so building the parser imports nothing heavy).
_POLICIES = ("major", "breaking", "drift", "any-change")
_FORMATS = ("text", "markdown", "json", "junit")


def add_parser(subparsers: Any) -> None:
    """Register the ``plan-check`` subcommand."""
    parser = subparsers.add_parser(
        "plan-check",
        help="check a Terraform plan's platformxe_custom_event changes (CI gate)",
        description=(
            "Report every platformxe_custom_event change of a plan (action, event, version, semver "
            "verdict, breaking changes) and the drift found by the refresh, then apply policies. "
            "Input: the output of `terraform show -json PLANFILE` (or - for standard input). "
            "Exit 0 pass, 1 a policy failed, 2 usage or input error."
        ),
    )
    parser.add_argument(
        "plan", metavar="PLAN.json", help="`terraform show -json PLANFILE` output, or - for stdin"
    )
    parser.add_argument(
        "--format",
        choices=_FORMATS,
        default="text",
        help="text table (default), markdown (a PR comment), json (stable schema), junit (XML)",
    )
    parser.add_argument(
        "--fail-on",
        action="append",
        choices=_POLICIES,
        default=[],
        metavar="POLICY",
        help=f"fail (exit 1) on: {', '.join(_POLICIES)}; repeatable",
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Read the plan, evaluate the policies, print the report; returns the exit code."""
    # deferred: the plan checker and the rules engine (~75 ms, bench/deferred_imports.py); every
    # CLI start loads this module to build its parser (cli/main.py)
    from platformxe.plancheck import PlanInputError, evaluate, load_plan, render

    try:
        report = load_plan(args.plan)
    except PlanInputError as exc:
        print(f"platformxe plan-check: error: {exc}", file=sys.stderr)
        return 2
    results = evaluate(report, args.fail_on)
    text = render(args.format, report, results)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as exc:
            print(
                f"platformxe plan-check: error: cannot write {args.output}: {exc.strerror or exc}",
                file=sys.stderr,
            )
            return 2
    else:
        sys.stdout.write(text)
    return 1 if any(not r.passed for r in results) else 0
