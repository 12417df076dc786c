"""What one SSH connection to an emulated device may do: public-key auth as `root`, then channels.

Session channels take one request each: `exec`, `shell` (only after a `pty-req`), or the `sftp`
subsystem; each runs in a thread of the server's :class:`Resources`. `direct-tcpip` channels connect
to the device port while the open request is checked (so a port where nothing listens is refused
with OPEN_FAILED_CONNECT_FAILED), and are paired with their channel when the connection loop
accepts it (paramiko passes only the channel id to the check).
"""

from __future__ import annotations

import logging
import socket
import threading
import weakref
from collections.abc import Iterable
from functools import partial

import paramiko

from ohos_emulator.device import EmulatedDevice
from ohos_emulator.fronts.limits import DEFAULT_MAX_CHANNELS
from ohos_emulator.fronts.resources import Resources
from ohos_emulator.fronts.ssh.forward import Relay, open_device_port
from ohos_emulator.fronts.ssh.session import run_exec, run_terminal
from ohos_emulator.fronts.ssh.sftp import DeviceSftp, DeviceSftpServer

USER = "root"
BARRIER_REQUEST = "keepalive@openssh.com"

log = logging.getLogger(__name__)


def key_identity(key: paramiko.PKey) -> tuple[str, bytes]:
    return key.get_name(), key.asbytes()


class DeviceServerInterface(paramiko.ServerInterface):
    """The paramiko server interface of one connection to ``device``."""

    def __init__(
        self,
        device: EmulatedDevice,
        transport: paramiko.Transport,
        resources: Resources,
        authorized: Iterable[paramiko.PKey],
        max_channels: int = DEFAULT_MAX_CHANNELS,
    ) -> None:
        self._device = device
        self._max_channels = max_channels
        self._resources = resources
        self._authorized = frozenset(key_identity(key) for key in authorized)
        self._transport = transport
        self._lock = threading.Lock()
        self._barrier_lock = threading.Lock()
        self._ptys: weakref.WeakSet[paramiko.Channel] = weakref.WeakSet()  # forgotten with the channel
        self._claimed: weakref.WeakSet[paramiko.Channel] = weakref.WeakSet()
        self._forwards: dict[int, socket.socket] = {}
        # The channels this connection let open, by id: None until the connection loop accepts it.
        self._opened: dict[int, paramiko.Channel | None] = {}

    # -- auth -----------------------------------------------------------------------------------------
    def get_allowed_auths(self, username: str) -> str:
        return "publickey"

    def check_auth_publickey(self, username: str, key: paramiko.PKey) -> int:
        if username == USER and key_identity(key) in self._authorized:
            return paramiko.AUTH_SUCCESSFUL
        log.info(
            "ssh %s: refused %s key %s for user %r",
            self._device.serial,
            key.get_name(),
            key.fingerprint,
            username,
        )
        return paramiko.AUTH_FAILED

    # -- session channels -----------------------------------------------------------------------------
    def check_channel_request(self, kind: str, chanid: int) -> int:
        if kind != "session":
            return paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED
        return (
            paramiko.OPEN_SUCCEEDED if self._channel_room(chanid) else paramiko.OPEN_FAILED_RESOURCE_SHORTAGE
        )

    def _channel_room(self, chanid: int) -> bool:
        """Whether channel ``chanid`` may open (at most ``max_channels`` at once); if so it counts.

        Counted from the public hooks: an open request adds the id, the connection loop's accept
        hands over the channel, and a channel counts until it is closed.
        """
        with self._lock:
            self._opened = {
                key: channel for key, channel in self._opened.items() if channel is None or not channel.closed
            }
            if len(self._opened) < self._max_channels:
                self._opened[chanid] = None
                return True
        log.warning(
            "ssh %s: %d channels open on one connection (the limit); refused a channel",
            self._device.serial,
            self._max_channels,
        )
        return False

    def _not_opened(self, chanid: int) -> None:
        """Channel ``chanid`` was refused after all: it does not count."""
        with self._lock:
            self._opened.pop(chanid, None)

    def _claim(self, channel: paramiko.Channel) -> bool:
        """True for the first exec/shell/subsystem request of a channel, False for any later one."""
        with self._lock:
            self._known(channel)
            if channel in self._claimed:
                return False
            self._claimed.add(channel)
            return True

    def _known(self, channel: paramiko.Channel) -> None:
        """Hold ``channel`` for the count from its first request on (the lock is held)."""
        if channel.get_id() in self._opened:
            self._opened[channel.get_id()] = channel

    def check_channel_exec_request(self, channel: paramiko.Channel, command: bytes) -> bool:
        if not self._claim(channel):
            return False
        line = command.decode("utf-8", errors="replace")
        with self._lock:
            pty = channel in self._ptys
        run = partial(
            run_exec, pty=pty, eof_before_request=channel.eof_received, reply_barrier=self._reply_barrier
        )
        thread = self._resources.spawn(
            f"ssh-exec-{channel.get_id()}", run, self._resources, self._device, channel, line
        )
        return thread is not None

    def _reply_barrier(self) -> None:
        """Return once paramiko's transport thread has handled a message sent after this call.

        The transport thread handles one message at a time, so the answer to this request (every
        client must answer a global request that wants a reply) is handled only after the replies to
        every channel request that came before it have been sent. Returns early if the connection ends.
        """
        with self._barrier_lock:
            self._transport.global_request(BARRIER_REQUEST, wait=True)

    def check_channel_pty_request(self, channel: paramiko.Channel, *_terminal: object) -> bool:
        with self._lock:
            self._ptys.add(channel)
        return True

    def check_channel_window_change_request(self, channel: paramiko.Channel, *_size: int) -> bool:
        return True

    def check_channel_shell_request(self, channel: paramiko.Channel) -> bool:
        with self._lock:
            has_pty = channel in self._ptys
        if not has_pty:
            log.info("ssh %s: shell without a pty refused (use exec, or ask for a pty)", self._device.serial)
            return False
        if not self._claim(channel):
            return False
        return (
            self._resources.spawn(f"ssh-shell-{channel.get_id()}", run_terminal, self._device, channel)
            is not None
        )

    def check_channel_subsystem_request(self, channel: paramiko.Channel, name: str) -> bool:
        if name != "sftp" or not self._claim(channel):
            return False
        handler = DeviceSftpServer(channel, name, self, sftp_si=DeviceSftp, fs=self._device.fs)
        # Thread.run() runs the subsystem in the resources' thread, which close() joins.
        return self._resources.spawn(f"ssh-sftp-{channel.get_id()}", handler.run) is not None

    # -- direct-tcpip ---------------------------------------------------------------------------------
    def check_channel_direct_tcpip_request(
        self, chanid: int, origin: tuple[str, int], destination: tuple[str, int]
    ) -> int:
        host, port = destination
        if not self._channel_room(chanid):
            return paramiko.OPEN_FAILED_RESOURCE_SHORTAGE
        sock = open_device_port(self._device, host, port)
        if isinstance(sock, int):
            self._not_opened(chanid)
            return sock
        if not self._resources.track(sock):
            self._not_opened(chanid)
            return paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED
        with self._lock:
            self._forwards[chanid] = sock
        return paramiko.OPEN_SUCCEEDED

    def channel_accepted(self, channel: paramiko.Channel) -> None:
        """A channel the connection loop accepted: start its relay if it is a direct-tcpip one."""
        with self._lock:
            self._known(channel)
            sock = self._forwards.pop(channel.get_id(), None)
        if sock is not None:
            Relay(self._resources, channel, sock).start()

    def close(self) -> None:
        """Release device connections whose channel never reached the connection loop."""
        with self._lock:
            pending, self._forwards = list(self._forwards.values()), {}
        for sock in pending:
            self._resources.release(sock)
