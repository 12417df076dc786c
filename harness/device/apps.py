"""Start/stop the shim's abilities with `aa`, as on any OpenHarmony device (docs/upstream-facts.md §3.6)."""

from __future__ import annotations

import shlex

from harness.errors import DeviceCommandError
from harness.transport.base import Transport
from ohos_protocol.hap import ShimVariant

START_OK = "start ability successfully"
STOP_OK = "force stop process successfully"


class AbilityControl:
    """`aa start` / `aa force-stop` for shim variants."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def start(self, variant: ShimVariant) -> None:
        """Start the variant's entry ability; it serves its bundle's default port.

        No `--pi port N`: OpenHarmony 4.0's `aa` has no `--pi` (it came in 4.1), and each variant's
        default port is distinct, so the port need not be passed.
        """
        command = f"aa start -a {shlex.quote(variant.ability)} -b {shlex.quote(variant.bundle)}"
        result = self._transport.run(command, timeout=20)
        if START_OK not in result.output:
            raise DeviceCommandError(command, result.exit_status, result.output)

    def installed(self, variant: ShimVariant) -> bool:
        """Whether the variant's bundle is installed (`bm dump -n` knows it)."""
        result = self._transport.run(f"bm dump -n {shlex.quote(variant.bundle)}", timeout=20)
        return result.ok and variant.bundle in result.output

    def force_stop(self, variant: ShimVariant) -> None:
        command = f"aa force-stop {shlex.quote(variant.bundle)}"
        result = self._transport.run(command, timeout=20)
        if STOP_OK not in result.output:
            raise DeviceCommandError(command, result.exit_status, result.output)
