"""`shell CMD` (output streamed as it comes, end = close) and interactive `shell` over a channel."""

from __future__ import annotations

import logging
import threading
import time

from ohos_emulator.device import EmulatedDevice
from ohos_emulator.fronts.hdc.channel import OUTPUT_CHUNK, Channel
from ohos_emulator.fronts.hdc.context import ServerContext
from ohos_emulator.fronts.resources import wake
from ohos_emulator.terminal import Terminal
from ohos_protocol.shim import redact

OUTPUT_LINGER = 0.01
JOIN_SECONDS = 5.0
WAIT_SLICE = 1.0
MAX_PENDING = 1024 * 1024

log = logging.getLogger(__name__)


class OutputPump:
    """A command's output as frames, sent by a thread of its own.

    Writes made close together (within ``OUTPUT_LINGER``) go out in one frame, as a daemon reading
    a pipe sends them; a command that stops writing has its output sent after the linger. Writers
    wait while more than ``MAX_PENDING`` bytes are unsent (the client reads slowly).
    """

    def __init__(self, channel: Channel, cancel: threading.Event) -> None:
        self._channel = channel
        self._cancel = cancel
        self._cond = threading.Condition()
        self._buffer = bytearray()
        self._oldest = 0.0
        self._done = False
        self._broken = False

    def write(self, data: bytes) -> None:
        if not data:
            return
        with self._cond:
            while len(self._buffer) >= MAX_PENDING and not (self._broken or self._done):
                self._cond.wait(WAIT_SLICE)
            if self._broken:
                return
            if not self._buffer:
                self._oldest = time.monotonic()
            self._buffer += data
            self._cond.notify_all()

    def run(self) -> None:
        while (chunk := self._next_chunk()) is not None:
            try:
                self._channel.send(chunk)
            except OSError as exc:
                log.info("hdc %s: client went away during output (%s)", self._channel.name, exc)
                self.abandon()
                return

    def abandon(self) -> None:
        """Drop pending and further output (nobody can receive it) and cancel the command."""
        with self._cond:
            self._broken = True
            self._buffer.clear()
            self._cond.notify_all()
        self._cancel.set()

    def _next_chunk(self) -> bytes | None:
        with self._cond:
            while True:
                if self._buffer:
                    wait = self._oldest + OUTPUT_LINGER - time.monotonic()
                    if self._done or len(self._buffer) >= OUTPUT_CHUNK or wait <= 0:
                        chunk = bytes(self._buffer[:OUTPUT_CHUNK])
                        del self._buffer[:OUTPUT_CHUNK]
                        self._oldest = time.monotonic()
                        self._cond.notify_all()
                        return chunk
                    self._cond.wait(wait)
                elif self._done:
                    return None
                else:
                    self._cond.wait(WAIT_SLICE)

    def finish(self) -> None:
        """No more output: what is pending goes out, then the pump's thread ends."""
        with self._cond:
            self._done = True
            self._cond.notify_all()


def run_command(ctx: ServerContext, channel: Channel, device: EmulatedDevice, command: str) -> None:
    """Run one command line, sending its output as frames; a vanished client cancels it."""
    cancel = threading.Event()
    pump = OutputPump(channel, cancel)
    with ctx.resources.command(cancel):
        watcher = ctx.resources.spawn(f"hdc-watch-{channel.id:08x}", _watch_client, channel, cancel)
        sender = ctx.resources.spawn(f"hdc-output-{channel.id:08x}", pump.run)
        if sender is None:  # the server is closing
            pump.abandon()
        try:
            status = device.run_command(command, pump.write, cancel=cancel)
            cancelled = cancel.is_set()
        finally:
            _wind_down(channel, pump, sender, watcher)
    if cancelled:
        log.info("hdc %s: `%s` cancelled (client went away or server closing)", channel.name, redact(command))
    else:
        log.debug("hdc %s: `%s` exited %d", channel.name, redact(command), status)


def _wind_down(
    channel: Channel, pump: OutputPump, sender: threading.Thread | None, watcher: threading.Thread | None
) -> None:
    """Send what output is left, then stop and join the helper threads before the socket closes."""
    pump.finish()
    if sender is not None:
        sender.join(channel.idle_timeout)
        if sender.is_alive():  # the client stopped reading: give up on the rest
            wake(channel.sock)
            sender.join(JOIN_SECONDS)
    channel.stop_reading()
    if watcher is not None:
        watcher.join(JOIN_SECONDS)


def _watch_client(channel: Channel, cancel: threading.Event) -> None:
    """Set ``cancel`` when the client closes its end (the command's output has nowhere to go)."""
    while not cancel.is_set():
        try:
            if not channel.sock.recv(4096):
                break
        except TimeoutError:
            continue
        except OSError:
            break
    cancel.set()


def interactive(ctx: ServerContext, channel: Channel, device: EmulatedDevice) -> None:
    """A terminal session: every frame is keystrokes; ends on `exit`, Ctrl-D or the client leaving."""
    terminal = Terminal(
        device.shell_session(),
        channel.output_writer(on_broken=channel.stop_reading),
        on_exit=lambda _status: channel.stop_reading(),
    )
    terminal.start()
    try:
        while not terminal.exited:
            try:
                frame = channel.read()
            except TimeoutError:
                if terminal.busy:
                    continue
                raise
            if frame is None:
                break
            terminal.feed(frame)
    finally:
        terminal.close()
