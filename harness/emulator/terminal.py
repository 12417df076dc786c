"""An interactive terminal on the emulated device's shell, as a pty presents it.

Bytes typed by the peer go to :meth:`Terminal.feed`; what a user would see on the screen goes to the
``output`` writer: the prompt ``# ``, the echo of typed characters, ``\\r\\n`` for each line end
(output ``\\n`` becomes ``\\r\\n``, as a pty's ONLCR does). Line editing: backspace / DEL erase a
character, Ctrl-U the line; Ctrl-C cancels the running command (or drops the line being typed);
Ctrl-D on an empty line and ``exit`` end the session. Escape sequences (arrow keys) are ignored.
Lines typed while a command runs are echoed and run after it (type-ahead); commands read no
terminal input. Used by hdc's interactive ``shell`` and by the serial console.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from harness.emulator.shell.interpreter import ShellSession
from harness.emulator.shell.io import ShellExit, ShellIO, Writer

PROMPT = b"# "
CTRL_C, CTRL_D, CTRL_U, ESC, BACKSPACE, DEL = 0x03, 0x04, 0x15, 0x1B, 0x08, 0x7F
JOIN_TIMEOUT = 5.0

log = logging.getLogger(__name__)


class Terminal:
    """One interactive shell session; :meth:`start` it, :meth:`feed` it keystrokes, :meth:`close` it."""

    def __init__(
        self,
        session: ShellSession,
        output: Writer,
        *,
        prompt: bytes = PROMPT,
        on_exit: Callable[[int], None] | None = None,
    ) -> None:
        self._session = session
        self._output = output
        self._prompt = prompt
        self._on_exit = on_exit
        self._lock = threading.Lock()  # output
        self._state = threading.Lock()  # which line runs, its cancellation, closing
        self._lines: queue.Queue[tuple[int, str] | None] = queue.Queue()
        self._generation = 0  # lines typed before the last Ctrl-C are dropped
        self._closed = False
        self._line = bytearray()
        self._after_cr = False
        self._escape = 0  # 0: none, 1: after ESC, 2: inside a CSI sequence
        self._cancel = threading.Event()
        self._busy = threading.Event()
        self._exited = threading.Event()
        self.exit_status: int | None = None
        self._worker = threading.Thread(target=self._run_lines, name="terminal", daemon=True)

    # -- lifecycle ------------------------------------------------------------------------------------
    def start(self) -> Terminal:
        self._write(self._prompt)
        self._worker.start()
        return self

    @property
    def busy(self) -> bool:
        """A command is running."""
        return self._busy.is_set()

    @property
    def exited(self) -> bool:
        return self._exited.is_set()

    def wait_exit(self, timeout: float) -> bool:
        return self._exited.wait(timeout)

    def close(self) -> None:
        """End the session: cancel the running command and stop the worker (the peer went away)."""
        with self._state:
            self._closed = True
            self._cancel.set()
        self._lines.put(None)
        if self._worker.is_alive() and self._worker is not threading.current_thread():
            self._worker.join(JOIN_TIMEOUT)
            if self._worker.is_alive():
                log.warning(
                    "terminal: a command did not stop within %.0f s of its cancellation", JOIN_TIMEOUT
                )

    # -- input ----------------------------------------------------------------------------------------
    def feed(self, data: bytes) -> None:
        """Keystrokes from the peer."""
        for byte in data:
            if self._exited.is_set():
                return
            self._key(byte)

    def _key(self, byte: int) -> None:
        after_cr, self._after_cr = self._after_cr, False
        if self._escape:
            if self._escape == 1:
                self._escape = 2 if byte == ord("[") else 0
            elif 0x40 <= byte <= 0x7E:
                self._escape = 0
            return
        if byte == ESC:
            self._escape = 1
        elif byte == ord("\n") and after_cr:
            return
        elif byte in (ord("\r"), ord("\n")):
            self._after_cr = byte == ord("\r")
            self._write(b"\r\n")
            self._submit(self._line.decode("utf-8", errors="replace"))
            self._line.clear()
        elif byte in (BACKSPACE, DEL):
            self._erase_char()
        elif byte == CTRL_U:
            while self._line:
                self._erase_char()
        elif byte == CTRL_C:
            self._interrupt()
        elif byte == CTRL_D:
            if not self._line and not self.busy:
                self._submit("exit")
        elif byte == ord("\t") or byte >= 0x20:
            self._line.append(byte)
            self._write(bytes([byte]))

    def _erase_char(self) -> None:
        if not self._line:
            return
        while self._line and (self._line.pop() & 0xC0) == 0x80:
            pass  # a UTF-8 continuation byte: keep erasing until the character's first byte
        self._write(b"\b \b")

    def _interrupt(self) -> None:
        """Ctrl-C: drop the line being typed and the lines typed ahead; cancel the running command."""
        self._line.clear()
        self._write(b"^C\r\n")
        with self._state:
            self._generation += 1
            running = self._busy.is_set()
            self._cancel.set()
        if not running:
            self._write(self._prompt)

    def _submit(self, line: str) -> None:
        with self._state:
            self._lines.put((self._generation, line))

    # -- running lines --------------------------------------------------------------------------------
    def _run_lines(self) -> None:
        while True:
            item = self._lines.get()
            with self._state:
                if item is None or self._closed:
                    return
                generation, line = item
                if generation != self._generation:
                    continue  # typed before a Ctrl-C
                self._cancel = threading.Event()
                self._busy.set()
            try:
                io = ShellIO(self._command_output, self._command_output, cancel=self._cancel)
                self._session.run(line, io)
            except ShellExit as exc:
                self._finish(exc.status)
                return
            except Exception:  # a command's bug must not kill the session silently
                log.exception("terminal: command %r failed", line)
                self._command_output(b"sh: internal error\n")
            finally:
                self._busy.clear()
            self._write(self._prompt)

    def _finish(self, status: int) -> None:
        self.exit_status = status
        self._exited.set()
        if self._on_exit is not None:
            self._on_exit(status)

    # -- output ---------------------------------------------------------------------------------------
    def _command_output(self, data: bytes) -> None:
        self._write(data.replace(b"\n", b"\r\n"))

    def _write(self, data: bytes) -> None:
        with self._lock:
            self._output(data)
