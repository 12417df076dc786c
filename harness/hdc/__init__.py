"""hdc, natively: the client↔server wire format and a socket client (no `hdc` process per command)."""

from harness.hdc.client import DEFAULT_PORT, ForwardRefused, ForwardRule, HdcClient, ShellStream

__all__ = ["DEFAULT_PORT", "ForwardRefused", "ForwardRule", "HdcClient", "ShellStream"]
