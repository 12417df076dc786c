"""Options the device commands share (devices, doctor, shell, run): which devices, reached how."""

from __future__ import annotations

import argparse
from pathlib import Path

from harness.emulator.profiles import PROFILES
from harness.registry import DeviceRegistry, RunOptions


def add_device_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--inventory",
        type=Path,
        metavar="FILE",
        help="device inventory (devices/*.yaml); without one, the embedded emulated device",
    )
    parser.add_argument(
        "--transport",
        choices=("hdc", "ssh", "serial"),
        help="reach the devices over this transport (default: each device's first)",
    )
    parser.add_argument(
        "--emulator-profile",
        default="api10-doc",
        choices=sorted(PROFILES),
        help="behaviour profile of the embedded emulated device (default api10-doc)",
    )


def registry_from(args: argparse.Namespace, device_ids: tuple[str, ...] = ()) -> DeviceRegistry:
    return DeviceRegistry(
        RunOptions(
            device_ids=device_ids,
            profile=args.emulator_profile,
            inventory=args.inventory,
            transport=args.transport,
        )
    )
