"""`ohos-hil`: entry point and subcommand dispatch.

Every subcommand is a module with ``add_parser(subparsers)`` that sets ``func`` on its parser; the
function returns the exit status. User errors (ConfigError) and infrastructure errors print one
clear line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from harness import __version__
from harness.cli import (
    devices_cmd,
    doctor_cmd,
    emulator_cmd,
    labgrid_cmd,
    report_cmd,
    requirements_cmd,
    run_cmd,
    selfcheck_cmd,
    shell_cmd,
)
from harness.errors import ConfigError, InfrastructureError

EXIT_INFRASTRUCTURE = 2
EXIT_USAGE = 64


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ohos-hil", description="OpenHarmony hardware-in-the-loop harness")
    parser.add_argument("--version", action="version", version=f"ohos-hil {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in (
        devices_cmd,
        doctor_cmd,
        emulator_cmd,
        run_cmd,
        labgrid_cmd,
        report_cmd,
        shell_cmd,
        requirements_cmd,
        selfcheck_cmd,
    ):
        module.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse says 2 for a bad command line; 2 here means the lab failed
        return EXIT_USAGE if exc.code == 2 else int(exc.code or 0)
    # paramiko logs every refused channel (the shim's port before it listens) as an ERROR; the
    # harness raises its own typed errors, so its own words are what the user sees.
    logging.getLogger("paramiko").setLevel(logging.CRITICAL)
    try:
        return int(args.func(args))
    except ConfigError as exc:
        print(f"ohos-hil: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except InfrastructureError as exc:
        print(f"ohos-hil: infrastructure error: {exc}", file=sys.stderr)
        return EXIT_INFRASTRUCTURE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
