"""Closing the devices a listing command opened, without a traceback."""

from __future__ import annotations

import sys

from harness.errors import InfrastructureError
from harness.registry import DeviceRegistry


def close_devices(registry: DeviceRegistry, *, already_failed: bool) -> bool:
    """Close every device; False when that failed. The failure is printed as one line, unless the
    command already reported a transport as unreachable (closing it then fails for the same reason)."""
    try:
        registry.close()
    except InfrastructureError as exc:
        if not already_failed:
            print(f"ohos-hil: {exc}", file=sys.stderr)
        return False
    return True
