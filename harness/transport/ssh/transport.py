"""`SshTransport`: the Transport of one device reached over SSH.

Commands run with `exec` (stdout and stderr apart, the command's own exit status); files move with
SFTP through temporary names (:mod:`.files`); byte streams to device ports are `direct-tcpip`
channels. When the connection has dropped (device rebooted, server restarted) the next call
reconnects; a step that is safe to repeat (opening a channel, a whole file transfer) is retried once,
a command already sent is never sent again (:class:`ConnectionLost`).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import paramiko

from harness.errors import ConnectionLost, TransportError, TransportTimeout
from harness.trace import Trace
from harness.transport.base import (
    DEFAULT_COMMAND_TIMEOUT,
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_TRANSFER_TIMEOUT,
    CommandResult,
    output_tail,
    transport_action,
)
from harness.transport.ssh.channels import SshRunningCommand, Watchdog, read_to_end
from harness.transport.ssh.connection import (
    CONNECTION_ERRORS,
    TRANSPORT,
    SshConnection,
    SshEndpoint,
    describe,
)
from harness.transport.ssh.files import Progress, pull_once, push_once

DEFAULT_KEEPALIVE = 15.0

T = TypeVar("T")
log = logging.getLogger(__name__)


class SshTransport:
    """The :class:`harness.transport.base.Transport` of one device reached over SSH.

    ``known_hosts`` is required unless ``check_host_key`` is False (then the host key is not
    checked and every connection logs a warning saying so).
    """

    name = TRANSPORT

    def __init__(
        self,
        host: str,
        port: int,
        user: str,
        key_file: Path,
        known_hosts: Path | None,
        *,
        check_host_key: bool = True,
        keepalive: float = DEFAULT_KEEPALIVE,
        device_id: str = "",
        trace: Trace | None = None,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    ) -> None:
        self.device_id = device_id or f"{user}@{host}:{port}"
        self.trace = trace if trace is not None else Trace()
        self.endpoint = SshEndpoint(
            host,
            port,
            user,
            Path(key_file),
            Path(known_hosts) if known_hosts is not None else None,
            check_host_key,
            keepalive,
            connect_timeout,
        )
        self._connection = SshConnection(self.endpoint, self.device_id)
        self._watchdog = Watchdog()
        if check_host_key and known_hosts is None:
            raise self.error("check_host_key=True needs a known_hosts file")

    def error(self, message: str, kind: type[TransportError] = TransportError) -> TransportError:
        return self._connection.error(message, kind)

    def _timed_out(self, message: str) -> TransportError:
        return self.error(message, TransportTimeout)

    # -- commands -------------------------------------------------------------------------------------
    def _exec(self, command: str, deadline: float) -> paramiko.Channel:
        """A channel on which ``command`` was started (stdin closed); never sent twice."""
        timeout = self.endpoint.connect_timeout
        channel = self._connection.open(f"run `{command}`", lambda t: t.open_session(timeout=timeout))
        try:
            with self._watchdog.guard(channel, deadline):
                channel.exec_command(command)
            channel.shutdown_write()
        except CONNECTION_ERRORS as exc:
            channel.close()
            if time.monotonic() >= deadline:
                raise self._timed_out(f"the device did not start `{command}` in time") from None
            if not self._connection.alive(channel.get_transport()):
                message = f"connection dropped while starting `{command}` (not sent again: it may have run)"
                raise self.error(message, ConnectionLost) from None
            raise self.error(f"the device refused to run `{command}`: {describe(exc)}") from None
        return channel

    def run(self, command: str, timeout: float = DEFAULT_COMMAND_TIMEOUT) -> CommandResult:
        with transport_action(self, "shell", command) as record:
            deadline = time.monotonic() + timeout
            channel = self._exec(command, deadline)
            try:
                output = read_to_end(channel, deadline)
                if output is None or not channel.status_event.wait(max(0.0, deadline - time.monotonic())):
                    raise self._timed_out(f"`{command}` did not finish within {timeout:g} s")
                status = channel.recv_exit_status()
            finally:
                channel.close()
            if status < 0:
                if not self._connection.alive(channel.get_transport()):
                    raise self.error(
                        f"connection dropped while `{command}` ran (no exit status)", ConnectionLost
                    )
                raise self.error(f"`{command}` ended without an exit status (killed by a signal?)")
            stdout, stderr = (part.decode("utf-8", errors="replace") for part in output)
            record.result = {
                "exitStatus": status,
                "output": output_tail(stdout),
                "stderr": output_tail(stderr),
            }
        return CommandResult(command, stdout, status, stderr)

    def start(self, command: str) -> SshRunningCommand:
        with transport_action(self, "shell", command):
            channel = self._exec(command, time.monotonic() + self.endpoint.connect_timeout)
            return SshRunningCommand(channel, self._timed_out, command)

    # -- files ----------------------------------------------------------------------------------------
    def push(self, local: Path, remote: str, timeout: float = DEFAULT_TRANSFER_TIMEOUT) -> None:
        local = Path(local)
        what = f"push {local} -> {remote}"
        with transport_action(self, "push", what) as record:
            try:
                size = local.stat().st_size
            except OSError as exc:
                raise self.error(f"{what}: {describe(exc)}") from None
            self._transfer(
                what,
                timeout,
                lambda sftp, progress: push_once(sftp, local, remote, size, progress, self.error),
            )
            record.result = {"direction": "push", "bytes": size}

    def pull(self, remote: str, local: Path, timeout: float = DEFAULT_TRANSFER_TIMEOUT) -> None:
        local = Path(local)
        what = f"pull {remote} -> {local}"
        with transport_action(self, "pull", what) as record:
            if not local.parent.is_dir():
                raise self.error(f"{what}: local directory {local.parent} does not exist")
            size = self._transfer(
                what, timeout, lambda sftp, progress: pull_once(sftp, remote, local, progress, self.error)
            )
            record.result = {"direction": "pull", "bytes": size}

    def _transfer(self, what: str, timeout: float, body: Callable[[paramiko.SFTPClient, Progress], T]) -> T:
        """``body(sftp, progress)`` on a new SFTP session, retried once, whole, if the connection dropped."""
        deadline = time.monotonic() + timeout

        def progress(_done: int, _total: int) -> None:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{what} did not finish within {timeout:g} s")

        for attempt in (1, 2):
            sftp = self._connection.open(what, lambda t: self._sftp(t, deadline), deadline)
            try:
                return body(sftp, progress)
            except TimeoutError:
                raise self._timed_out(f"{what} did not finish within {timeout:g} s") from None
            except CONNECTION_ERRORS as exc:
                if self._connection.alive(sftp.get_channel().get_transport()):
                    raise self.error(f"{what} failed: {describe(exc)}") from None
                if attempt == 2 or time.monotonic() >= deadline:
                    raise self.error(f"{what}: connection dropped: {describe(exc)}", ConnectionLost) from None
                log.info("[%s/%s] %s: connection dropped; retrying", self.device_id, self.name, what)
            finally:
                with contextlib.suppress(*CONNECTION_ERRORS):
                    sftp.close()
        raise AssertionError("unreachable")

    def _sftp(self, transport: paramiko.Transport, deadline: float) -> paramiko.SFTPClient:
        channel = transport.open_session(timeout=self.endpoint.connect_timeout)
        channel.settimeout(max(0.001, deadline - time.monotonic()))
        with self._watchdog.guard(channel, deadline):
            channel.invoke_subsystem("sftp")
            return paramiko.SFTPClient(channel)

    # -- streams --------------------------------------------------------------------------------------
    def route(self, device_port: int) -> contextlib.AbstractContextManager[None]:
        """Nothing to keep: every stream is set up on its own."""
        return contextlib.nullcontext()

    def open_stream(self, device_port: int, timeout: float = DEFAULT_CONNECT_TIMEOUT) -> paramiko.Channel:
        """A `direct-tcpip` channel to 127.0.0.1:``device_port`` on the device.

        A paramiko channel is a Stream as it is: ``recv`` raises TimeoutError (``socket.timeout``)
        once the ``settimeout`` time passes and returns ``b""`` when the device or the connection
        closed it; ``sendall`` on a closed channel raises OSError.
        """
        what = f"open device port {device_port}"
        with transport_action(self, "forward", what, port=device_port):

            def opener(transport: paramiko.Transport) -> paramiko.Channel:
                try:
                    return transport.open_channel(
                        "direct-tcpip", ("127.0.0.1", device_port), ("127.0.0.1", 0), timeout=timeout
                    )
                except paramiko.ChannelException as exc:
                    raise self.error(f"{what}: the device refused: {exc.text}") from None

            channel = self._connection.open(what, opener)
            channel.settimeout(None)
            return channel

    def close(self) -> None:
        """Close the connection and every channel on it (a later call connects again)."""
        self._watchdog.stop()
        self._connection.close()
