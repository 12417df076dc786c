"""Start/stop the shim's abilities with `aa`, as on any OpenHarmony device (docs/upstream-facts.md §3.6)."""

from __future__ import annotations

import secrets
import shlex

from harness.errors import DeviceCommandError, HarnessError
from harness.trace import redact
from harness.transport.base import Transport
from ohos_protocol.hap import ShimVariant

START_OK = "start ability successfully"
STOP_OK = "force stop process successfully"


def new_token() -> str:
    """A launch token: 32 hex digits from the OS's random source (shell-safe as it is)."""
    return secrets.token_hex(16)


class AbilityControl:
    """`aa start` / `aa force-stop` for shim variants."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def start(self, variant: ShimVariant) -> str:
        """Start the variant's entry ability with a new launch token; returns the token.

        The token (`--ps token VALUE`, docs/shim-protocol.md) is what the shim's handshake must
        carry; an ability already running takes it with the new want. No `--pi port N`: each
        variant's default port is distinct, so the port need not be passed.
        """
        token = new_token()
        command = (
            f"aa start -a {shlex.quote(variant.ability)} -b {shlex.quote(variant.bundle)} --ps token {token}"
        )
        try:
            result = self._transport.run(command, timeout=20)
        except HarnessError as exc:  # its message may quote the command: never the token
            exc.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in exc.args)
            raise
        if START_OK not in result.output:
            raise DeviceCommandError(redact(command), result.exit_status, result.output)
        return token

    def installed(self, variant: ShimVariant) -> bool:
        """Whether the variant's bundle is installed (`bm dump -n` knows it)."""
        result = self._transport.run(f"bm dump -n {shlex.quote(variant.bundle)}", timeout=20)
        return result.ok and variant.bundle in result.output

    def force_stop(self, variant: ShimVariant) -> None:
        command = f"aa force-stop {shlex.quote(variant.bundle)}"
        result = self._transport.run(command, timeout=20)
        if STOP_OK not in result.output:
            raise DeviceCommandError(command, result.exit_status, result.output)
