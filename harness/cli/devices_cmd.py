"""`ohos-hil devices`: the devices of the inventory (or the embedded emulator) and their reachability.

One line per device and transport, with the whole reason when it is unreachable; exit 2 when any
transport is unreachable (an infrastructure error), never a traceback.
"""

from __future__ import annotations

import argparse

from harness.cli.closing import close_devices
from harness.device_options import add_device_options, registry_from
from harness.errors import ConfigError, HarnessError

EXIT_UNREACHABLE = 2


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("devices", help="list devices and whether each transport reaches them")
    add_device_options(parser.add_argument)
    parser.set_defaults(func=devices_command)


def devices_command(args: argparse.Namespace) -> int:
    registry = registry_from(args)
    print(f"{'device':16} {'transport':9} {'reachable':9} detail")
    unreachable = False
    try:
        for device_id in registry.ids:
            entry = registry.entry(device_id)
            kinds = [args.transport] if args.transport else list(entry.transports)
            for kind in kinds:
                try:
                    result = registry.get(device_id, kind).shell("echo ok", timeout=10)
                    reachable, detail = (
                        ("yes", "shell answered") if result.ok else ("no", result.output.strip())
                    )
                except (HarnessError, ConfigError) as exc:
                    reachable, detail = "no", str(exc)
                unreachable |= reachable == "no"
                print(f"{device_id:16} {kind:9} {reachable:9} {' '.join(detail.split())}")
    finally:
        unreachable |= not close_devices(registry, already_failed=unreachable)
    return EXIT_UNREACHABLE if unreachable else 0
