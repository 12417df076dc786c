"""The harness's error types.

Two families never mix:

- :class:`InfrastructureError`: the lab failed (transport, shim, device health, set-up). A test that
  ends in one is *broken*, not failed, and says nothing about conformance.
- :class:`SpecDeviation`: the device answered, and the answer differs from the spec edition. It is
  an ``AssertionError`` so that pytest and Allure report the test as *failed*.

:class:`ConfigError` is the user's input being wrong (bad YAML, unknown device id).
"""

from __future__ import annotations

from ohos_protocol.errors import ConfigError as ConfigError  # one type for both sides


class HarnessError(Exception):
    """Base of the errors the harness raises on purpose (a ConfigError is caught beside it)."""


class InfrastructureError(HarnessError):
    """The lab, not the device under test, failed. Reported as *broken*."""


class TransportError(InfrastructureError):
    """A transport could not do what was asked. Names the device and the transport."""

    def __init__(self, message: str, *, device: str = "", transport: str = "") -> None:
        self.device = device
        self.transport = transport
        where = "/".join(part for part in (device, transport) if part)
        super().__init__(f"[{where}] {message}" if where else message)


class TransportTimeout(TransportError):
    """A transport operation did not finish within its timeout."""


class ConnectionLost(TransportError):
    """The connection to the device dropped in the middle of an operation."""


class DeviceCommandError(InfrastructureError):
    """A command the harness needs (not the one under test) failed on the device."""

    def __init__(self, command: str, exit_status: int, output: str) -> None:
        self.command = command
        self.exit_status = exit_status
        self.output = output
        super().__init__(f"`{command}` exited {exit_status}: {output.strip()[:500]}")


class ShimError(InfrastructureError):
    """The on-device shim is unreachable, speaks another protocol, or could not run a request."""


class DeviceHealthError(InfrastructureError):
    """The device is not in a state where tests can run (not booted, cannot restore a condition)."""


class SpecDeviation(AssertionError):
    """The device's behaviour differs from what the spec edition requires."""


class EventTimeout(SpecDeviation):
    """An event the spec requires did not arrive within the wait (the device itself is healthy)."""


class LeaseError(InfrastructureError):
    """Another process holds the device's lease (names it: pid, host, since when)."""


def infrastructure_kind(error: BaseException) -> str:
    """What part of the lab failed, in words a report groups by (``""`` for a spec deviation).

    ``transport lost``, ``timeout``, ``transport``, ``shim``, ``device health``, ``lease`` (another
    process holds the device), ``set-up`` (the user's input), or ``harness`` (any other exception: a
    bug of the harness or of a test).
    """
    kinds: tuple[tuple[type[BaseException], str], ...] = (
        (AssertionError, ""),
        (ConnectionLost, "transport lost"),
        (TransportTimeout, "timeout"),
        (TransportError, "transport"),
        (ShimError, "shim"),
        (DeviceHealthError, "device health"),
        (DeviceCommandError, "device health"),
        (LeaseError, "lease"),
        (ConfigError, "set-up"),
    )
    return next((kind for cls, kind in kinds if isinstance(error, cls)), "harness")
