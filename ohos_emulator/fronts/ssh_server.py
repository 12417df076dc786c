"""The emulated device's SSH server (paramiko): key auth as `root`, exec, pty shell, SFTP, direct-tcpip.

One server per device, on 127.0.0.1. Each TCP connection is served by a daemon thread of its own
(paramiko's transport thread does the protocol); what a connection may do is in
:mod:`ohos_emulator.fronts.ssh.interface`. Bad input (garbage instead of an SSH banner, a client
that never authenticates) ends only that connection, with a log line. :meth:`SshServer.close` cancels
running commands, closes every connection and device-port relay, and joins the threads it started.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterable
from pathlib import Path

import paramiko

from ohos_emulator.device import EmulatedDevice
from ohos_emulator.fronts.limits import DEFAULT_LIMITS, FrontLimits
from ohos_emulator.fronts.resources import ConnectionCap, Resources, accepted, bound_address, shut
from ohos_emulator.fronts.ssh.interface import DeviceServerInterface
from ohos_emulator.fronts.ssh_keys import read_authorized_keys

BANNER_TIMEOUT = 10.0
AUTH_TIMEOUT = 30.0
ACCEPT_POLL = 0.1
CLOSE_TIMEOUT = 5.0

log = logging.getLogger(__name__)


class SshServer:
    """An SSH server for ``device`` on ``host:port`` (0 picks a free port).

    ``host_key``: a private key or the path of one; ``authorized_keys``: public keys, or the path of
    an OpenSSH authorized_keys file. A client must authenticate within ``auth_timeout`` seconds.
    """

    def __init__(
        self,
        device: EmulatedDevice,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        host_key: paramiko.PKey | Path,
        authorized_keys: Iterable[paramiko.PKey] | Path,
        auth_timeout: float = AUTH_TIMEOUT,
        limits: FrontLimits = DEFAULT_LIMITS,
    ) -> None:
        self.device = device
        self._host = host
        self._port = port
        self._host_key = (
            host_key if isinstance(host_key, paramiko.PKey) else paramiko.PKey.from_path(host_key)
        )
        self._authorized = (
            read_authorized_keys(authorized_keys)
            if isinstance(authorized_keys, Path)
            else list(authorized_keys)
        )
        self._auth_timeout = auth_timeout
        self._limits = limits
        self._cap = ConnectionCap(f"ssh server of {device.serial}", limits.max_connections)
        self._resources = Resources()
        self._listener: socket.socket | None = None
        self._lock = threading.Lock()
        self._transports: set[paramiko.Transport] = set()
        self._closing = False

    def start(self) -> SshServer:
        self._listener = socket.create_server((self._host, self._port), backlog=64)
        self._resources.spawn(f"ssh-server-{self.address[1]}", self._accept)
        log.info("ssh server for %s listening on %s:%d", self.device.serial, *self.address)
        return self

    @property
    def address(self) -> tuple[str, int]:
        return bound_address(self._listener, "ssh server")

    @property
    def host_key(self) -> paramiko.PKey:
        return self._host_key

    @property
    def active_commands(self) -> int:
        """Device commands (exec requests) running now."""
        return self._resources.active_commands

    def _accept(self) -> None:
        assert self._listener is not None
        for sock, peer in accepted(self._listener, self._resources.closing, f"ssh {self.device.serial}"):
            if not self._cap.admit(sock):
                continue
            try:
                transport = paramiko.Transport(sock)
            except Exception as exc:  # out of resources (paramiko makes a socketpair and a thread)
                log.warning("ssh %s: cannot serve a connection: %s", self.device.serial, exc)
                self._cap.leave()
                shut(sock)
                continue
            with self._lock:  # close() sets _closing under this lock: no spawn can race with its join
                serving = not self._closing and (
                    self._resources.spawn(f"ssh-connection-{peer[1]}", self._serve, transport, peer)
                    is not None
                )
                if serving:
                    self._transports.add(transport)
            if not serving:
                self._cap.leave()
                self._forget(transport)
                return

    def _forget(self, transport: paramiko.Transport) -> None:
        """Close a connection through paramiko (its thread then sees EOF, not a closed descriptor)."""
        with self._lock:
            self._transports.discard(transport)
        transport.close()
        shut(transport.sock)  # a transport that never started leaves its socket open

    def _serve(self, transport: paramiko.Transport, peer: tuple[str, int]) -> None:
        """One connection: negotiate, authenticate, then accept channels until it ends."""
        interface = DeviceServerInterface(
            self.device, transport, self._resources, self._authorized, self._limits.max_channels
        )
        try:
            transport.banner_timeout = BANNER_TIMEOUT
            transport.handshake_timeout = BANNER_TIMEOUT
            transport.add_server_key(self._host_key)
            transport.start_server(server=interface)
            auth_deadline = time.monotonic() + self._auth_timeout
            while transport.is_active():
                channel = transport.accept(ACCEPT_POLL)
                if channel is not None:
                    interface.channel_accepted(channel)
                elif not transport.is_authenticated() and time.monotonic() > auth_deadline:
                    log.info("ssh %s: %s:%d did not authenticate in time", self.device.serial, *peer)
                    break
        except (paramiko.SSHException, EOFError, OSError) as exc:
            log.info("ssh %s: connection from %s:%d ended: %s", self.device.serial, *peer, exc)
        finally:
            interface.close()
            self._forget(transport)
            self._cap.leave()

    def close(self) -> None:
        """Stop serving: no new connections, commands cancelled, connections closed, threads joined."""
        if self._listener is not None:
            shut(self._listener)
        with self._lock:
            self._closing = True
            transports = list(self._transports)
        for transport in transports:
            self._forget(transport)
        stuck = self._resources.close(CLOSE_TIMEOUT)
        if stuck:
            log.warning("ssh server: threads still running %.0f s after close: %s", CLOSE_TIMEOUT, stuck)

    def __enter__(self) -> SshServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
