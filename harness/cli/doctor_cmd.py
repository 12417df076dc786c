"""`ohos-hil doctor [DEVICE]`: per device and transport, a verdict for each health check.

Exit 2 when a check fails (an unreachable transport is one FAIL line), never a traceback.
"""

from __future__ import annotations

import argparse

from harness.cli.closing import close_devices
from harness.cli.devices_cmd import EXIT_UNREACHABLE
from harness.device_options import add_device_options, registry_from
from harness.doctor import run_checks
from harness.errors import ConfigError, HarnessError


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "doctor", help="check devices: reachable, shell, shim, API level, battery, clock"
    )
    parser.add_argument("devices", nargs="*", metavar="DEVICE", help="devices to check (default: all)")
    add_device_options(parser.add_argument)
    parser.set_defaults(func=doctor_command)


def doctor_command(args: argparse.Namespace) -> int:
    failed = False
    registry = registry_from(args)
    try:
        for device_id in args.devices or registry.ids:
            entry = registry.entry(device_id)
            for transport in [args.transport] if args.transport else list(entry.transports):
                print(f"{device_id} over {transport}")
                try:
                    checks = run_checks(registry.get(device_id, transport))
                except (HarnessError, ConfigError) as exc:
                    print(f"  FAIL  {'connect':25} {' '.join(str(exc).split())}")
                    failed = True
                    continue
                for check in checks:
                    print(f"  {check.verdict:4}  {check.name:25} {check.detail}")
                    failed |= check.verdict == "FAIL"
    finally:
        failed |= not close_devices(registry, already_failed=failed)
    return EXIT_UNREACHABLE if failed else 0
