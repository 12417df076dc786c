"""What every connection of the emulated hdc server shares, and the threads and sockets it started."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ohos_emulator.fronts.resources import ConnectionCap, Resources

if TYPE_CHECKING:
    from ohos_emulator.device import EmulatedDevice
    from ohos_emulator.fronts.hdc.forwards import ForwardTable
    from ohos_emulator.fronts.hdc.host_files import HostFolders


@dataclass
class ServerContext:
    """The devices a server fronts, its forwards and resources, its channels' timeouts, its connection cap.

    ``idle_timeout``: seconds a channel may wait for the next frame; ``frame_timeout``: seconds a
    frame may take once its first byte arrived.
    """

    devices: Mapping[str, EmulatedDevice]
    forwards: ForwardTable
    resources: Resources
    idle_timeout: float
    frame_timeout: float
    connections: ConnectionCap
    host_files: HostFolders
