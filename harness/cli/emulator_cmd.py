"""`ohos-hil emulator ...`: an alias that runs the emulator program (`ohos-hil-emulator ...`)."""

from __future__ import annotations

import argparse
import os
import sys

from harness.emulator_program import emulator_command


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "emulator",
        help="run emulated OpenHarmony devices (the same as `ohos-hil-emulator`)",
        add_help=False,
    )
    parser.add_argument("arguments", nargs=argparse.REMAINDER, help="as for ohos-hil-emulator")
    parser.set_defaults(func=emulator_alias)


def emulator_alias(args: argparse.Namespace) -> int:
    """Become the emulator program (same process, so signals and the exit status are its own)."""
    sys.stdout.flush()
    command = emulator_command(*args.arguments)
    os.execv(command[0], command)  # noqa: S606 - our own interpreter, our own module
    return 0  # not reached
