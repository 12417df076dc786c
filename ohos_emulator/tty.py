"""A terminal's line discipline: what the kernel's tty layer does between a peer and the programs.

Bytes typed by the peer go to :meth:`Tty.feed`. With the default (``sane``) modes they are edited
into lines: echo of typed characters, ``\\r`` taken as ``\\n`` (``\\r\\n`` counts once), backspace /
DEL erase a character, Ctrl-U the line, Ctrl-C interrupts (drops the line being typed and every line
typed ahead, then calls :attr:`Tty.on_interrupt`), Ctrl-D on an empty line is end of input, escape
sequences (arrow keys) and other control bytes are ignored, and a line holds at most
:data:`MAX_CANON` characters (the rest is dropped, as Linux's N_TTY does). Program output written
with :meth:`Tty.write` has ``\\n`` turned into ``\\r\\n`` (ONLCR).

``stty`` changes the modes: without ``icanon`` bytes reach readers as they arrive, unedited; without
``echo`` nothing is echoed; without ``isig`` Ctrl-C is an ordinary byte; without ``opost`` output is
sent unchanged. Completed input waits in one queue that the shell and the running command read
from, as on a real tty (a command that reads standard input gets the lines typed ahead).
"""

from __future__ import annotations

import dataclasses
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from ohos_emulator.shell.io import Writer

MAX_CANON = 4095
CR, LF, TAB = 0x0D, 0x0A, 0x09
CTRL_C, CTRL_D, CTRL_U, ESC, BACKSPACE, DEL = 0x03, 0x04, 0x15, 0x1B, 0x08, 0x7F
WAIT_SLICE = 0.2  # readers re-check their cancellation at least this often


@dataclass(frozen=True)
class TtyModes:
    """The termios flags the emulated tty honours; the defaults are ``stty sane``."""

    echo: bool = True
    icanon: bool = True
    isig: bool = True
    opost: bool = True
    icrnl: bool = True

    def describe(self) -> str:
        """``stty``'s report of the modes."""
        flags = " ".join(("" if value else "-") + name for name, value in dataclasses.asdict(self).items())
        return f"speed 115200 baud; line = 0;\n{flags}\n"


RAW = {"icanon": False, "isig": False, "opost": False, "icrnl": False}
COOKED = {"icanon": True, "isig": True, "opost": True, "icrnl": True}


class TtyClosed(Exception):
    """The terminal went away; whoever waited for input stops."""


class Tty:
    """One terminal line. ``screen`` receives what the peer sees; ``program`` (default: the same)
    receives program output after ONLCR, so a console can tell the two apart."""

    def __init__(self, screen: Writer, program: Writer | None = None) -> None:
        self._screen = screen
        self._program = program or screen
        self.modes = TtyModes()
        self.on_interrupt: Callable[[], None] | None = None
        self.generation = 0  # grows at every interrupt: lines read before it are stale
        self._out = threading.Lock()
        self._feeding = threading.Lock()
        self._ready = threading.Condition()
        self._queue: deque[bytes | None] = deque()  # None: end of input (Ctrl-D)
        self._closed = False
        self._line = bytearray()
        self._raw = bytearray()
        self._echo = bytearray()
        self._after_cr = False
        self._escape = 0  # 0: none, 1: after ESC, 2: inside a CSI sequence

    # -- output -------------------------------------------------------------------------------------
    def screen(self, data: bytes) -> None:
        """Bytes for the peer as they are (prompts, echo)."""
        with self._out:
            self._screen(data)

    def write(self, data: bytes) -> None:
        """Program output (a command's stdout and stderr)."""
        if self.modes.opost:
            data = data.replace(b"\n", b"\r\n")
        with self._out:
            self._program(data)

    # -- modes --------------------------------------------------------------------------------------
    def set_modes(self, **changes: bool) -> None:
        self.modes = dataclasses.replace(self.modes, **changes)

    def reset(self) -> None:
        """``stty sane`` and drop pending input (a shell does this before reading after a raw program)."""
        self.modes = TtyModes()
        with self._feeding:
            self._line.clear()
            self._raw.clear()
        with self._ready:
            self._queue.clear()

    # -- input --------------------------------------------------------------------------------------
    def feed(self, data: bytes) -> None:
        """Bytes typed by the peer (from any thread; feeds are processed one at a time)."""
        with self._feeding:
            for byte in data:
                if self.modes.icanon:
                    self._cooked(byte)
                else:
                    self._uncooked(byte)
            self._flush_raw()
            self._flush_echo()

    def _cooked(self, byte: int) -> None:
        after_cr, self._after_cr = self._after_cr, False
        if self._escape:
            if self._escape == 1:
                self._escape = 2 if byte == ord("[") else 0
            elif 0x40 <= byte <= 0x7E:
                self._escape = 0
            return
        if byte == ESC:
            self._escape = 1
        elif byte == LF and after_cr:
            return
        elif byte == LF or (byte == CR and self.modes.icrnl):
            self._after_cr = byte == CR
            self._echo_bytes(b"\r\n")
            self._push(bytes(self._line) + b"\n")
            self._line.clear()
        elif byte in (BACKSPACE, DEL):
            self._erase_char()
        elif byte == CTRL_U:
            while self._line:
                self._erase_char()
        elif byte == CTRL_C and self.modes.isig:
            self._interrupt()
        elif byte == CTRL_D:
            self._push(bytes(self._line) if self._line else None)
            self._line.clear()
        elif (byte in (TAB, CR) or byte >= 0x20) and len(self._line) < MAX_CANON:
            self._line.append(byte)
            self._echo_bytes(bytes([byte]))

    def _uncooked(self, byte: int) -> None:
        if byte == CTRL_C and self.modes.isig:
            self._interrupt()
            return
        if byte == CR and self.modes.icrnl:
            byte = LF
        self._raw.append(byte)
        self._echo_bytes(bytes([byte]))

    def _erase_char(self) -> None:
        if not self._line:
            return
        while self._line and (self._line.pop() & 0xC0) == 0x80:
            pass  # a UTF-8 continuation byte: keep erasing until the character's first byte
        self._echo_bytes(b"\b \b")

    def _interrupt(self) -> None:
        """Ctrl-C: drop everything typed and not yet read, then tell the foreground program."""
        self._line.clear()
        self._raw.clear()
        with self._ready:
            self._queue.clear()
            self.generation += 1
            self._ready.notify_all()
        self._echo_bytes(b"^C")
        self._flush_echo()
        handler = self.on_interrupt
        if handler is not None:
            handler()

    def _echo_bytes(self, data: bytes) -> None:
        if self.modes.echo:
            self._echo += data

    def _flush_echo(self) -> None:
        if self._echo:
            data, self._echo = bytes(self._echo), bytearray()
            self.screen(data)

    def _flush_raw(self) -> None:
        if self._raw:
            data, self._raw = bytes(self._raw), bytearray()
            self._push(data)

    def _push(self, item: bytes | None) -> None:
        self._flush_echo()  # the echo of a line is on the screen before anything its command prints
        with self._ready:
            self._queue.append(item)
            self._ready.notify_all()

    # -- readers ------------------------------------------------------------------------------------
    def read_line(self, stop: Callable[[], bool] = lambda: False) -> tuple[int, bytes | None]:
        """(generation, the next line without its newline, or None at end of input), for a shell.

        Raises :class:`TtyClosed` when the terminal closes or ``stop()`` turns true.
        """
        with self._ready:
            while not self._queue:
                if self._closed or stop():
                    raise TtyClosed
                self._ready.wait(WAIT_SLICE)
            item = self._queue.popleft()
            return self.generation, None if item is None else item.rstrip(b"\n")

    def read(self, size: int, stopped: Callable[[], bool]) -> bytes:
        """Up to ``size`` bytes of input (at most one line in canonical mode); ``b""`` at end of
        input, or once ``stopped()`` turns true or the terminal closes."""
        with self._ready:
            while not self._queue:
                if self._closed or stopped():
                    return b""
                self._ready.wait(WAIT_SLICE)
            item = self._queue[0]
            if item is None:
                self._queue.popleft()
                return b""
            if len(item) <= size:
                self._queue.popleft()
                return item
            self._queue[0] = item[size:]
            return item[:size]

    def wake(self) -> None:
        """Make waiting readers look at their stop conditions now."""
        with self._ready:
            self._ready.notify_all()

    def close(self) -> None:
        with self._ready:
            self._closed = True
            self._ready.notify_all()


class TtyInput:
    """A command's standard input read from a terminal (an InputStream); :meth:`close` ends it."""

    def __init__(self, tty: Tty, cancel: threading.Event) -> None:
        self.tty = tty
        self._cancel = cancel
        self._closed = False

    def _stopped(self) -> bool:
        return self._closed or self._cancel.is_set()

    def read(self, size: int = -1) -> bytes:
        if size >= 0:
            return self.tty.read(size, self._stopped) if size else b""
        parts = []
        while chunk := self.tty.read(65536, self._stopped):
            parts.append(chunk)
        return b"".join(parts)

    def close(self) -> None:
        self._closed = True
        self.tty.wake()
