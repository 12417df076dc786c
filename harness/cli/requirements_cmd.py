"""`ohos-hil requirements`: the requirement coverage table of the suites for an edition."""

from __future__ import annotations

import argparse
from pathlib import Path

from harness.packaged import SUITES
from harness.spec import load_edition
from harness.traceability import collect_coverage


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("requirements", help="print which tests check each requirement")
    parser.add_argument(
        "--spec-edition", default="api10-doc", metavar="NAME", help="edition (name or YAML path)"
    )
    parser.add_argument("--suites", type=Path, default=SUITES, help="the suites to collect")
    parser.set_defaults(func=requirements_command)


def requirements_command(args: argparse.Namespace) -> int:
    coverage = collect_coverage(load_edition(args.spec_edition), args.suites)
    print(coverage.format_table())
    return 1 if coverage.untested else 0
