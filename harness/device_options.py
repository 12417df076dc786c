"""The options that choose devices and how to reach them, shared by the CLI and the pytest plugin.

Both argparse and pytest's option parser take the same (flags, keywords), so each option is written
once here.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.emulator_program import DEFAULT_PROFILE
from harness.registry import DEFAULT_LEASE_TIMEOUT, DeviceRegistry, RunOptions
from harness.transport.kinds import transport_names

DEVICE_OPTIONS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("--inventory", {"metavar": "FILE",
                     "help": "device inventory (devices/*.yaml); without one, the embedded emulated device"}),
    ("--transport", {"choices": transport_names(),
                     "help": "reach the devices over this transport (default: each device's first)"}),
    ("--emulator-profile", {"default": DEFAULT_PROFILE,
                            "help": "behaviour profile of the embedded emulated device "
                                    f"(default {DEFAULT_PROFILE})"}),
    ("--emulated-devices", {"type": int, "default": 1, "metavar": "N",
                            "help": "devices of the embedded emulator (default 1; no inventory only)"}),
    ("--lease-timeout", {"type": float, "default": DEFAULT_LEASE_TIMEOUT, "metavar": "S",
                         "help": "wait up to S seconds for a device another run holds "
                                 f"(default {DEFAULT_LEASE_TIMEOUT:g}), then stop naming the holder"}),
)  # fmt: skip


def add_device_options(add: Callable[..., Any]) -> None:
    """Add them with ``add`` (``ArgumentParser.add_argument`` or a pytest group's ``addoption``)."""
    for flag, keywords in DEVICE_OPTIONS:
        add(flag, **keywords)


def registry_from(args: argparse.Namespace, device_ids: tuple[str, ...] = ()) -> DeviceRegistry:
    return DeviceRegistry(
        RunOptions(
            device_ids=device_ids,
            profile=args.emulator_profile,
            inventory=Path(args.inventory) if args.inventory else None,
            transport=args.transport,
            emulated_devices=args.emulated_devices,
            lease_timeout=args.lease_timeout,
        )
    )
