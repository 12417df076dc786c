"""`ohos-hil selfcheck`: prove the suites catch every seeded deviation; print the kill rate."""

from __future__ import annotations

import argparse

from harness.emulator_program import seeded_deviations
from harness.errors import ConfigError
from harness.selfcheck import SelfCheckResult, format_table, run_selfcheck


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("selfcheck", help="run the suites against seeded deviations")
    parser.add_argument(
        "deviations",
        nargs="*",
        metavar="NAME",
        help="seeded deviations to check (default: all)",
    )
    parser.add_argument("--jobs", type=int, default=2, help="suite runs at a time (default 2)")
    parser.set_defaults(func=selfcheck_command)


def selfcheck_command(args: argparse.Namespace) -> int:
    known = seeded_deviations()
    unknown = sorted(set(args.deviations) - set(known))
    if unknown:
        raise ConfigError(f"unknown seeded deviations {unknown}; known: {sorted(known)}")
    total = len(args.deviations or known)
    done = 0

    def progress(result: SelfCheckResult) -> None:
        nonlocal done
        done += 1
        print(f"[{done}/{total}] {result.deviation.name}: {result.verdict}", flush=True)

    results = run_selfcheck(args.deviations or None, args.jobs, progress)
    print(format_table(results))
    return 0 if all(r.verdict == "caught" for r in results) else 1
