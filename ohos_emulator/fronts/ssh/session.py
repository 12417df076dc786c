"""Session channels: `exec` (one command line) and `shell` with a pty (an interactive terminal).

An exec runs the command line in a fresh device shell: stdout and stderr go to the channel's two
streams (``\n`` becomes ``\r\n`` when the client asked for a pty, as a pty would do), stdin comes
from the channel, the exit status is sent when the command ends, and a client that closes the
channel cancels the command.

paramiko replies to the exec request only after ``check_channel_exec_request`` returned, so a command
that ends at once could close the channel before that reply and make the client fail ("Channel
closed"). The end of an exec therefore sends the exit status and EOF, and closes the channel only once
the reply has certainly gone out: the client's EOF or close arrived after its request, or else a
round trip through paramiko's transport thread (``reply_barrier``) has completed.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable

import paramiko

from ohos_emulator.device import EmulatedDevice
from ohos_emulator.fronts.resources import Resources
from ohos_emulator.terminal import Terminal
from ohos_protocol.shim import redact

RECV_SIZE = 65536

log = logging.getLogger(__name__)


class ChannelInput:
    """A command's stdin read from the channel (InputStream); ``b""`` at the client's EOF or close."""

    def __init__(self, channel: paramiko.Channel) -> None:
        self._channel = channel

    def read(self, size: int = -1) -> bytes:
        if size >= 0:
            return self._channel.recv(size) if size else b""
        parts = []
        while chunk := self._channel.recv(RECV_SIZE):
            parts.append(chunk)
        return b"".join(parts)


class ChannelOutput:
    """A writer to one of the channel's streams; a vanished client cancels the command."""

    def __init__(self, send: Callable[[bytes], None], cancel: threading.Event, *, crlf: bool = False) -> None:
        self._send = send
        self._cancel = cancel
        self._crlf = crlf

    def write(self, data: bytes) -> None:
        if not data or self._cancel.is_set():
            return
        try:
            self._send(data.replace(b"\n", b"\r\n") if self._crlf else data)
        except OSError:
            self._cancel.set()


def run_exec(
    resources: Resources,
    device: EmulatedDevice,
    channel: paramiko.Channel,
    command: str,
    *,
    pty: bool,
    eof_before_request: bool,
    reply_barrier: Callable[[], None],
) -> None:
    """Run ``command`` on ``device`` for the exec request on ``channel`` (in a thread of its own).

    ``eof_before_request``: the client's EOF came before its exec request, so its EOF says nothing
    about the reply; ``reply_barrier`` returns once the transport thread is past that reply.
    """
    cancel = threading.Event()
    status = 255
    with resources.command(cancel):
        resources.spawn(f"ssh-watch-{channel.get_id()}", _cancel_on_close, channel, cancel)
        try:
            status = device.run_command(
                command,
                ChannelOutput(channel.sendall, cancel, crlf=pty).write,
                ChannelOutput(channel.sendall_stderr, cancel, crlf=pty).write,
                ChannelInput(channel),
                cancel,
            )
        except Exception:
            log.exception("ssh %s: `%s` failed inside the emulator", device.serial, redact(command))
            with contextlib.suppress(OSError):
                channel.sendall_stderr(b"sh: internal error\n")
    if cancel.is_set():
        log.info(
            "ssh %s: `%s` cancelled (client went away or server closing)", device.serial, redact(command)
        )
    finish(channel, status, reply_barrier if eof_before_request or not _client_done(channel) else None)


def _client_done(channel: paramiko.Channel) -> bool:
    return channel.eof_received or channel.closed


def _cancel_on_close(channel: paramiko.Channel, cancel: threading.Event) -> None:
    """Set ``cancel`` once the channel closes (the client left, or the connection ended)."""
    channel.status_event.wait()  # set by paramiko when the channel closes (no exit status comes from clients)
    cancel.set()


def finish(channel: paramiko.Channel, status: int, reply_barrier: Callable[[], None] | None) -> None:
    """Send the exit status and EOF; close once the exec reply is out (after ``reply_barrier``)."""
    if channel.closed:
        return
    try:
        channel.send_exit_status(status)
        channel.shutdown_write()
        if reply_barrier is not None:
            reply_barrier()
    except (OSError, EOFError, paramiko.SSHException):
        pass  # the client went away first; nothing left to tell it
    finally:
        channel.close()


def run_terminal(device: EmulatedDevice, channel: paramiko.Channel) -> None:
    """An interactive shell on a pty channel: keystrokes in, the screen out; ends on `exit` or close."""

    def ended(status: int) -> None:
        with contextlib.suppress(OSError, EOFError, paramiko.SSHException):
            channel.send_exit_status(status)
            channel.shutdown_write()
        channel.close()

    terminal = Terminal(
        device.shell_session(), ChannelOutput(channel.sendall, threading.Event()).write, on_exit=ended
    )
    terminal.start()
    try:
        while data := channel.recv(RECV_SIZE):
            terminal.feed(data)
    except OSError as exc:
        log.info("ssh %s: terminal input ended: %s", device.serial, exc)
    finally:
        terminal.close()
        channel.close()
