"""`ohos-hil shell [OPTIONS] DEVICE [OPTIONS] [--] CMD...`: one shell command on a device; its output,
and its exit status as ours.

The options go before DEVICE, or right after it; the command is what follows them (everything after
``--``, when the command itself starts with ``-``). The words of CMD are joined with spaces into one
line that a child ``sh -c`` runs, so the line may use the shell's syntax, and ``exit N`` or any output
still ends in the exit-status marker. With no inventory the device is the embedded emulated device
(started for the command, then stopped). Infrastructure errors (the device cannot be reached) exit 2
with a message on stderr.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Callable
from typing import Any

from harness.device_options import add_device_options, registry_from
from harness.transport.base import DEFAULT_COMMAND_TIMEOUT

EXIT_USAGE = 64
USAGE = "ohos-hil shell [OPTIONS] DEVICE [OPTIONS] [--] CMD..."


def _add_options(add: Callable[..., Any]) -> None:
    add("--timeout", type=float, default=DEFAULT_COMMAND_TIMEOUT, help="seconds (default %(default)g)")
    add_device_options(add)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    shell = subparsers.add_parser(
        "shell",
        help="run one shell command on a device",
        usage=USAGE,
        description="Run one shell command on a device and exit with its exit status. Options go before "
        "DEVICE or right after it; after `--` everything is the command.",
    )
    _add_options(shell.add_argument)
    shell.add_argument("device", metavar="DEVICE", help="device id (emu-0001 with no inventory)")
    shell.add_argument("words", metavar="CMD", nargs=argparse.REMAINDER, help="the command and its arguments")
    shell.set_defaults(func=shell_command)


def _options_parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.Action]]:
    """The parser of the options after DEVICE, and its actions by flag (kept as they are added)."""
    parser = argparse.ArgumentParser(prog="ohos-hil shell", usage=USAGE, add_help=False)
    actions: dict[str, argparse.Action] = {}

    def add(*names: str, **kwargs: Any) -> argparse.Action:
        action = parser.add_argument(*names, **kwargs)
        actions.update(dict.fromkeys(action.option_strings, action))
        return action

    _add_options(add)
    return parser, actions


def split_command(words: list[str], actions: dict[str, argparse.Action]) -> tuple[list[str], list[str]]:
    """(the options right after DEVICE, the command): options are taken while the words are ours."""
    index = 0
    while index < len(words) and (action := actions.get(words[index].split("=", 1)[0])) is not None:
        index += 1 if action.nargs == 0 or "=" in words[index] else 2
    command = words[index:]
    return words[:index], command[1:] if command[:1] == ["--"] else command


def shell_command(args: argparse.Namespace) -> int:
    parser, actions = _options_parser()
    options, words = split_command(args.words, actions)
    parser.parse_args(options, namespace=args)
    if not words:
        print(f"ohos-hil shell: no command given ({USAGE})", file=sys.stderr)
        return EXIT_USAGE
    registry = registry_from(args, (args.device,))
    try:
        line = " ".join(words)
        result = registry.get(args.device).shell(f"sh -c {shlex.quote(line)}", timeout=args.timeout)
    finally:
        registry.close()
    sys.stdout.write(result.output)
    sys.stderr.write(result.stderr)
    return result.exit_status
