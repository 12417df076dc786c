"""`ohos-hil selfcheck`: prove the suites catch every seeded deviation; print the kill rate."""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

from harness.emulator_program import seeded_deviations
from harness.errors import ConfigError
from harness.selfcheck import (
    SelfCheckResult,
    format_generated,
    format_table,
    generated_selection,
    kill_rate,
    run_generated,
    run_selfcheck,
)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("selfcheck", help="run the suites against seeded deviations")
    parser.add_argument(
        "deviations",
        nargs="*",
        metavar="NAME",
        help="seeded deviations to check (default: all)",
    )
    parser.add_argument("--jobs", type=int, default=2, help="suite runs at a time (default 2)")
    parser.add_argument(
        "--generated",
        action="store_true",
        help="the generated deviations (`ohos-hil-emulator deviations --generated`) instead",
    )
    parser.add_argument("--sample", type=int, metavar="K", help="with --generated: only K of them")
    parser.add_argument("--seed", type=int, default=0, help="with --sample: the draw (default 0)")
    parser.add_argument(
        "--results", type=Path, metavar="FILE", help="with --generated: also write each result as JSON"
    )
    parser.set_defaults(func=selfcheck_command)


def _progress(total: int) -> Callable[[SelfCheckResult], None]:
    done = 0

    def progress(result: SelfCheckResult) -> None:
        nonlocal done
        done += 1
        print(
            f"[{done}/{total}] {result.deviation.name}: {result.verdict} ({result.seconds:.1f} s)",
            flush=True,
        )

    return progress


def generated_command(args: argparse.Namespace) -> int:
    """Check the generated deviations; exit 0 only when every one of them is caught."""
    if args.sample is not None and args.sample < 1:
        raise ConfigError("--sample must be at least 1")
    deviations = generated_selection(args.sample, args.seed)
    began = time.monotonic()
    results = run_generated(deviations, args.jobs, _progress(len(deviations)))
    print(format_generated(results, time.monotonic() - began))
    if args.results is not None:
        rows = [
            {"name": r.deviation.name, "family": r.deviation.family, "verdict": r.verdict,
             "caught_by": r.caught_by, "detail": r.detail, "seconds": round(r.seconds, 2)}
            for r in results
        ]  # fmt: skip
        args.results.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    return 0 if kill_rate(results) == 1.0 else 1


def selfcheck_command(args: argparse.Namespace) -> int:
    if args.generated:
        if args.deviations:
            raise ConfigError("--generated takes no names (use --sample K --seed S for a part)")
        return generated_command(args)
    known = seeded_deviations()
    unknown = sorted(set(args.deviations) - set(known))
    if unknown:
        raise ConfigError(f"unknown seeded deviations {unknown}; known: {sorted(known)}")
    results = run_selfcheck(args.deviations or None, args.jobs, _progress(len(args.deviations or known)))
    print(format_table(results))
    return 0 if all(r.verdict == "caught" for r in results) else 1
