"""One client connection of the emulated hdc server (an hdc "channel"): frames in, frames out."""

from __future__ import annotations

import contextlib
import logging
import secrets
import socket
import threading
import time
from collections.abc import Callable

from ohos_emulator.shell.io import Writer
from ohos_protocol import hdc_wire as wire

OUTPUT_CHUNK = 64 * 1024
DRAIN_SECONDS = 5.0

log = logging.getLogger(__name__)


class Channel:
    """A client socket with the server's channel id.

    A read waits at most ``idle_timeout`` for a frame to start and ``frame_timeout`` for it to end.
    """

    def __init__(
        self, sock: socket.socket, peer: tuple[str, int], idle_timeout: float, frame_timeout: float
    ) -> None:
        self.sock = sock
        self.id = secrets.randbits(32)
        self.name = f"{peer[0]}:{peer[1]} channel {self.id:08x}"
        self.idle_timeout = idle_timeout
        self.frame_timeout = frame_timeout
        self._send_lock = threading.Lock()
        sock.settimeout(idle_timeout)

    # -- sending --------------------------------------------------------------------------------------
    def send(self, payload: bytes) -> None:
        """One frame (thread-safe). Raises OSError if the client is gone."""
        frame = wire.encode_frame(payload)
        with self._send_lock:
            self.sock.sendall(frame)

    def send_text(self, text: str, prefix: str = "") -> None:
        self.send(wire.echo_text(text, prefix))

    def send_command(self, command: wire.Command, payload: bytes = b"") -> None:
        self.send(wire.command_frame(command, payload))

    def output_writer(self, on_broken: Callable[[], None]) -> Writer:
        """A shell writer: each write goes out as frames of at most 64 KiB (never an empty one).

        After the first failed send the writer calls ``on_broken`` and drops further output.
        """
        broken = threading.Event()

        def write(data: bytes) -> None:
            if broken.is_set() or not data:
                return
            try:
                for start in range(0, len(data), OUTPUT_CHUNK):
                    self.send(data[start : start + OUTPUT_CHUNK])
            except OSError as exc:
                broken.set()
                log.info("hdc %s: client went away during output (%s)", self.name, exc)
                on_broken()

        return write

    # -- receiving ------------------------------------------------------------------------------------
    def read(self, limit: int = wire.MAX_FRAME) -> bytes | None:
        """One frame of at most ``limit`` bytes; None at EOF. TimeoutError when idle
        (wire.FrameTimeout when a frame was too slow), wire.ProtocolError on bad framing."""
        return wire.read_frame(self.sock, limit, self.frame_timeout)

    def stop_reading(self) -> None:
        """Make a blocked :meth:`read` return None (the session ended on the server's side)."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RD)

    def finish_with(self, text: str, prefix: str = wire.FAIL) -> None:
        """Send a last message, then read and drop what the client still sends until it closes.

        Closing while the client is still sending (a file upload) would reset the connection and
        could destroy the message before the client reads it.
        """
        try:
            self.send_text(text, prefix)
            self.sock.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + DRAIN_SECONDS
            while (remaining := deadline - time.monotonic()) > 0:
                self.sock.settimeout(remaining)
                if not self.sock.recv(65536):
                    return
        except OSError as exc:
            log.debug("hdc %s: client gone while reading its last message (%s)", self.name, exc)
