"""An interactive shell on a terminal, as a pty presents it.

Keystrokes go to :meth:`Terminal.feed`, which hands them to the terminal's line discipline
(:class:`ohos_emulator.tty.Tty`: echo, line editing, Ctrl-C, ``stty`` modes). The shell prints the
prompt ``# ``, reads a line, runs it with the terminal as its standard input (so ``cat`` or ``nc``
read what is typed while they run; lines typed ahead go to whoever reads first), and prints the
prompt again. Ctrl-C cancels the running command (or drops the line being typed); Ctrl-D on an empty
line and ``exit`` end the session. A command line that leaves the terminal in non-canonical mode
(``stty raw``) is followed by ``stty sane`` and the input it did not read is dropped, as a line-editing
shell resets the terminal before it reads again. Used by hdc's interactive ``shell``, SSH pty shells
and the serial console.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from ohos_emulator.shell.interpreter import ShellSession
from ohos_emulator.shell.io import ShellExit, ShellIO, Writer
from ohos_emulator.tty import Tty, TtyClosed, TtyInput

PROMPT = b"# "
JOIN_TIMEOUT = 5.0

log = logging.getLogger(__name__)


class Terminal:
    """One interactive shell session: :meth:`start` it (or :meth:`run` it in a thread of your own),
    :meth:`feed` it keystrokes, :meth:`close` it.

    Give ``output`` for a terminal of its own, or ``tty`` to run on a line discipline that outlives
    the session (a serial console, where a new login gets a new shell on the same line).
    """

    def __init__(
        self,
        session: ShellSession,
        output: Writer | None = None,
        *,
        prompt: bytes = PROMPT,
        on_exit: Callable[[int], None] | None = None,
        tty: Tty | None = None,
    ) -> None:
        if (output is None) == (tty is None):
            raise ValueError("give exactly one of output and tty")
        self._owns_tty = tty is None
        self.tty = tty if tty is not None else Tty(output)  # type: ignore[arg-type]
        self._session = session
        self._prompt = prompt
        self._on_exit = on_exit
        self._state = threading.Lock()  # which line runs, its cancellation, closing
        self._closed = False
        self._cancel = threading.Event()
        self._busy = threading.Event()
        self._exited = threading.Event()
        self.exit_status: int | None = None
        self._worker: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------------------
    def start(self) -> Terminal:
        """Run the session in a daemon thread of its own (named ``terminal``)."""
        self._worker = threading.Thread(target=self.run, name="terminal", daemon=True)
        self._worker.start()
        return self

    @property
    def busy(self) -> bool:
        """A command is running."""
        return self._busy.is_set()

    @property
    def exited(self) -> bool:
        return self._exited.is_set()

    def close(self) -> None:
        """End the session: cancel the running command and stop the shell (the peer went away)."""
        with self._state:
            self._closed = True
            self._cancel.set()
        if self._owns_tty:
            self.tty.close()
        else:
            self.tty.wake()
        worker = self._worker
        if worker is not None and worker.is_alive() and worker is not threading.current_thread():
            worker.join(JOIN_TIMEOUT)
            if worker.is_alive():
                log.warning("terminal: a command did not stop %.0f s after its cancellation", JOIN_TIMEOUT)

    # -- input ----------------------------------------------------------------------------------------
    def feed(self, data: bytes) -> None:
        """Keystrokes from the peer."""
        if not self._exited.is_set():
            self.tty.feed(data)

    def _interrupt(self) -> None:
        """Ctrl-C (the tty already dropped the typed input): cancel the running command."""
        with self._state:
            running = self._busy.is_set()
            self._cancel.set()
        self.tty.wake()
        self.tty.screen(b"\r\n")
        if not running:
            self.tty.screen(self._prompt)

    # -- the shell ------------------------------------------------------------------------------------
    def run(self) -> None:
        """Prompt, read, run, until ``exit``, end of input, or :meth:`close`; returns when it ends."""
        self.tty.on_interrupt = self._interrupt
        try:
            self.tty.screen(self._prompt)
            while self._run_one():
                self.tty.screen(self._prompt)
        except TtyClosed:
            pass
        finally:
            if self.tty.on_interrupt == self._interrupt:
                self.tty.on_interrupt = None

    def _run_one(self) -> bool:
        """Read and run one line; False when the session is over."""
        while True:
            generation, line = self.tty.read_line(stop=lambda: self._closed)
            with self._state:
                if self._closed:
                    return False
                if generation != self.tty.generation:
                    continue  # typed before a Ctrl-C
                if line is not None:
                    self._cancel = cancel = threading.Event()
                    self._busy.set()
            break
        if line is None:  # Ctrl-D on an empty line
            self._finish(self._session.status)
            return False
        stdin = TtyInput(self.tty, cancel)
        try:
            io = ShellIO(self.tty.write, self.tty.write, stdin, cancel)
            self._session.run(line.decode("utf-8", errors="replace"), io)
        except ShellExit as exc:
            self._finish(exc.status)
            return False
        except Exception:  # a command's bug must not kill the session silently
            log.exception("terminal: command %r failed", line)
            self.tty.write(b"sh: internal error\n")
        finally:
            stdin.close()
            self._busy.clear()
        if not self.tty.modes.icanon:
            self.tty.reset()
        with self._state:
            return not self._closed

    def _finish(self, status: int) -> None:
        self.exit_status = status
        self._exited.set()
        if self._on_exit is not None:
            self._on_exit(status)
