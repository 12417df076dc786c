"""The emulated device's serial console: one UART line, reachable as a pty, `socket://` and `rfc2217://`.

A device has one console line, so every endpoint shares one console session: bytes from any
attached client go to the same line discipline, and what the console prints goes to every client.
The session is what a device's console runs: a boot banner, then (with ``login``) a getty-like
``localhost login:`` / ``Password:`` exchange (``Login incorrect`` and the prompt again on a wrong
pair), then a shell with the prompt ``# ``; ``exit`` or Ctrl-D starts over from the banner.

Kernel messages (the device's :class:`~ohos_emulator.kmsg.KernelLog`, and the seeded noise of
``kernel_noise``: see :mod:`.noise`) are printed on the line whole, at any moment, also inside a
line of program output, when their level passes the console log level (`dmesg -n`).

Garbage input is just keystrokes (control bytes are ignored, a line is cut at 4095 characters); a
client that disconnects in the middle of a command cancels nothing (a UART does not know).
:meth:`SerialConsole.close` cancels the running command and ends every thread it started.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from ohos_emulator.fronts.limits import DEFAULT_MAX_CONNECTIONS
from ohos_emulator.fronts.resources import Resources
from ohos_emulator.fronts.serial.line import ConsoleLine
from ohos_emulator.fronts.serial.noise import KernelNoise
from ohos_emulator.fronts.serial.pty_port import PtyPort
from ohos_emulator.fronts.serial.tcp_port import TcpPort
from ohos_emulator.terminal import Terminal
from ohos_emulator.tty import Tty, TtyClosed

if TYPE_CHECKING:
    from ohos_emulator.device import EmulatedDevice

CLOSE_TIMEOUT = 5.0
BANNER = "\r\nOpenHarmony {version} (ohos-hil emulator) {serial} ttyS0\r\n\r\n"

log = logging.getLogger(__name__)


class SerialConsole:
    """The console of ``device``; :meth:`start` it, connect to an endpoint, :meth:`close` it.

    ``login``: (user, password) the console asks for, or None for a console that starts a shell
    at once. ``kernel_noise``: probability (0..1) of a kernel message inside each line of program
    output and in each 0.1 s of time, drawn from ``seed``. ``socket_port``: the `socket://`
    endpoint's port (0: a free one). ``max_sessions``: clients at once per socket endpoint.
    """

    def __init__(
        self,
        device: EmulatedDevice,
        *,
        login: tuple[str, str] | None = None,
        kernel_noise: float = 0.0,
        seed: int = 0,
        rfc2217: bool = True,
        hostname: str = "localhost",
        socket_port: int = 0,
        max_sessions: int = DEFAULT_MAX_CONNECTIONS,
    ) -> None:
        self.device = device
        self._login = login
        self._hostname = hostname
        self._resources = Resources()
        self._closed = threading.Event()
        self._noise = KernelNoise(device.kmsg, kernel_noise, seed) if kernel_noise else None
        self._line = ConsoleLine(device.kmsg, self._noise)
        self.tty = Tty(self._line.screen, self._line.program)
        self._pty = PtyPort(self.tty.feed)
        self._line.attach(self._pty)
        self._socket = TcpPort(
            self._line, self.tty.feed, self._resources, port=socket_port, max_sessions=max_sessions
        )
        self._rfc2217 = (
            TcpPort(self._line, self.tty.feed, self._resources, rfc2217=True, max_sessions=max_sessions)
            if rfc2217
            else None
        )
        self._terminal: Terminal | None = None

    # -- endpoints ------------------------------------------------------------------------------------
    @property
    def pty_path(self) -> str:
        """The pty slave a client opens (`/dev/pts/N`)."""
        return self._pty.path

    @property
    def socket_address(self) -> tuple[str, int]:
        return self._socket.address

    @property
    def socket_url(self) -> str:
        return self._socket.url

    @property
    def rfc2217_url(self) -> str | None:
        return self._rfc2217.url if self._rfc2217 is not None else None

    def endpoints(self) -> dict[str, Any]:
        """Every way to reach this console, as pyserial URLs (for `emulator serve` output)."""
        found: dict[str, Any] = {"pty": self.pty_path, "socket": self.socket_url}
        if self._rfc2217 is not None:
            found["rfc2217"] = self._rfc2217.url
        return found

    # -- lifecycle ------------------------------------------------------------------------------------
    def start(self) -> SerialConsole:
        serial = self.device.serial
        self.device.kmsg.subscribe(self._line.kernel)
        self._resources.spawn(f"serial-pty-{serial}", self._pty.serve, self._resources.closing)
        self._resources.spawn(f"serial-pty-out-{serial}", self._pty.write_out, self._resources.closing)
        self._socket.start()
        if self._rfc2217 is not None:
            self._rfc2217.start()
        self._resources.spawn(f"serial-console-{serial}", self._sessions)
        if self._noise is not None:
            self._resources.spawn(f"serial-noise-{serial}", self._noise.run, self._resources.closing)
        log.info("serial console for %s: %s", serial, self.endpoints())
        return self

    def close(self) -> None:
        """Cancel the running command, end every thread, close the pty and the listeners."""
        if self._closed.is_set():
            return
        self._closed.set()
        self.device.kmsg.unsubscribe(self._line.kernel)
        terminal = self._terminal
        if terminal is not None:
            terminal.close()
        self.tty.close()
        stuck = self._resources.close(CLOSE_TIMEOUT)
        if stuck:
            log.warning("serial console %s: threads still running after close: %s", self.device.serial, stuck)
        self._socket.close()
        if self._rfc2217 is not None:
            self._rfc2217.close()
        self._pty.close()

    # -- the console session --------------------------------------------------------------------------
    def _sessions(self) -> None:
        """Banner, login, shell; again after every `exit`, until the console closes."""
        version = self.device.params.get("const.ohos.fullname", "OpenHarmony")
        banner = BANNER.format(version=version.removeprefix("OpenHarmony-"), serial=self.device.serial)
        while not self._closed.is_set():
            self.tty.reset()
            self.tty.screen(banner.encode())
            if self._login is not None and not self._log_in(self._login):
                return
            terminal = Terminal(self.device.shell_session(), tty=self.tty)
            self._terminal = terminal
            terminal.run()
            self._terminal = None

    def _log_in(self, expected: tuple[str, str]) -> bool:
        """Ask until a right (user, password) pair is typed; False when the console closes."""
        asking = [b""]

        def ask(prompt: bytes) -> None:
            asking[0] = prompt
            self.tty.screen(prompt)

        self.tty.on_interrupt = lambda: self.tty.screen(b"\r\n" + asking[0])
        try:
            while True:
                ask(f"{self._hostname} login: ".encode())
                user = self._read_field()
                if not user:
                    continue
                self.tty.set_modes(echo=False)
                ask(b"Password: ")
                password = self._read_field()
                self.tty.set_modes(echo=True)
                self.tty.screen(b"\r\n")
                if (user, password) == expected:
                    return True
                self.tty.screen(b"Login incorrect\r\n")
        except TtyClosed:
            return False
        finally:
            self.tty.on_interrupt = None
            self.tty.set_modes(echo=True)

    def _read_field(self) -> str:
        _, line = self.tty.read_line(stop=self._closed.is_set)
        return (line or b"").decode("utf-8", errors="replace").strip("\r")
