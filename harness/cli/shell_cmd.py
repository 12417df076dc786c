"""`ohos-hil shell DEVICE CMD...`: one shell command on a device; its output, and its exit status as ours.

With no inventory the device is the embedded emulated device (started for the command, then stopped).
Infrastructure errors (the device cannot be reached) exit 2 with a message on stderr.
"""

from __future__ import annotations

import argparse
import sys

from harness.device_options import add_device_options, registry_from
from harness.transport.base import DEFAULT_COMMAND_TIMEOUT


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    shell = subparsers.add_parser("shell", help="run one shell command on a device")
    shell.add_argument(
        "--timeout", type=float, default=DEFAULT_COMMAND_TIMEOUT, help="seconds (default %(default)g)"
    )
    add_device_options(shell.add_argument)
    shell.add_argument("device", metavar="DEVICE", help="device id (emu-0001 with no inventory)")
    shell.add_argument("words", metavar="CMD", nargs=argparse.REMAINDER, help="the command and its arguments")
    shell.set_defaults(func=shell_command)


def shell_command(args: argparse.Namespace) -> int:
    words = args.words[1:] if args.words[:1] == ["--"] else args.words
    if not words:
        print("ohos-hil shell: no command given (ohos-hil shell DEVICE CMD...)", file=sys.stderr)
        return 64
    registry = registry_from(args, (args.device,))
    try:
        result = registry.get(args.device).shell(" ".join(words), timeout=args.timeout)
    finally:
        registry.close()
    sys.stdout.write(result.output)
    sys.stderr.write(result.stderr)
    return result.exit_status
