"""Open the transport an inventory entry describes, through the transport's registration."""

from __future__ import annotations

from harness.inventory import DeviceEntry
from harness.trace import Trace
from harness.transport.base import Transport
from harness.transport.kinds import transport_kinds


def open_transport(entry: DeviceEntry, kind: str | None, trace: Trace) -> Transport:
    """The device's transport ``kind`` (default: its first), not yet connected."""
    chosen, target = entry.target(kind)
    return transport_kinds()[chosen].open(entry, target, trace)
