"""The emulated hdc server: the real client↔server protocol on TCP, with emulated devices as targets.

Byte-level contract: docs/hdc-protocol.md §1, §2. Each client connection is served
by its own daemon thread (`ohos_emulator.fronts.hdc.session`); bad input ends only that connection,
with a log line. :meth:`HdcServer.close` cancels running commands, closes every socket and forward,
and joins the threads it started.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Mapping, Sequence
from pathlib import Path

from ohos_emulator.device import EmulatedDevice
from ohos_emulator.fronts.hdc import session
from ohos_emulator.fronts.hdc.context import ServerContext
from ohos_emulator.fronts.hdc.forwards import ForwardTable
from ohos_emulator.fronts.hdc.host_files import HostFolders
from ohos_emulator.fronts.limits import DEFAULT_LIMITS, FrontLimits
from ohos_emulator.fronts.resources import ConnectionCap, Resources, accepted, bound_address, wake

DEFAULT_IDLE_TIMEOUT = 60.0
CLOSE_TIMEOUT = 5.0

log = logging.getLogger(__name__)


class HdcServer:
    """An hdc server for ``devices`` (connect key → device) on ``host:port`` (0 picks a free port).

    ``host_files``: the host folders the legacy file and install forms may use (none: the current one).
    """

    def __init__(
        self,
        devices: Mapping[str, EmulatedDevice],
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
        limits: FrontLimits = DEFAULT_LIMITS,
        host_files: Sequence[Path] = (),
    ) -> None:
        self._host = host
        self._port = port
        self._resources = Resources()
        self._context = ServerContext(
            dict(devices),
            ForwardTable(self._resources, host),
            self._resources,
            idle_timeout,
            limits.frame_timeout,
            ConnectionCap("hdc server", limits.max_connections),
            HostFolders(host_files),
        )
        self._listener: socket.socket | None = None

    def start(self) -> HdcServer:
        self._listener = socket.create_server((self._host, self._port), backlog=128)
        self._resources.spawn(f"hdc-server-{self.address[1]}", self._accept)
        log.info("hdc server listening on %s:%d for %s", *self.address, ", ".join(self._context.devices))
        return self

    @property
    def address(self) -> tuple[str, int]:
        return bound_address(self._listener, "hdc server")

    @property
    def active_commands(self) -> int:
        """Device commands (`shell CMD`) running now."""
        return self._resources.active_commands

    def _accept(self) -> None:
        assert self._listener is not None
        cap = self._context.connections
        for sock, peer in accepted(self._listener, self._resources.closing, "hdc server"):
            if not cap.admit(sock):
                continue
            if not self._resources.track(sock):
                cap.leave()
                return
            if (
                self._resources.spawn(f"hdc-channel-{peer[1]}", session.serve, self._context, sock, peer)
                is None
            ):
                self._resources.release(sock)
                cap.leave()

    def close(self) -> None:
        """Stop serving: no new connections, commands cancelled, sockets closed, threads joined."""
        if self._listener is not None:
            wake(self._listener)
        self._context.forwards.close()
        stuck = self._resources.close(CLOSE_TIMEOUT)
        if stuck:
            log.warning("hdc server: threads still running %.0f s after close: %s", CLOSE_TIMEOUT, stuck)
        if self._listener is not None:
            self._listener.close()

    def __enter__(self) -> HdcServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
