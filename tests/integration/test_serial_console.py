"""The emulated serial console, driven with plain pyserial over its pty and socket:// endpoints."""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Callable, Iterator

import pytest
import serial

from harness.kernel_log import strip_kernel_lines
from ohos_emulator.device import EmulatedDevice
from ohos_emulator.fronts.serial import SerialConsole

TIMEOUT = 5.0
PRINTK = re.compile(rb"\[ *\d+\.\d{6}\] ")
LOGIN = ("root", "s3cret")


class Line:
    """A pyserial connection to the console with a read-until-or-fail helper."""

    def __init__(self, url: str) -> None:
        self.port = serial.serial_for_url(url, 115200, timeout=0.05)
        self.port.reset_input_buffer()

    def send(self, data: bytes) -> None:
        self.port.write(data)

    def expect(
        self, pattern: bytes | re.Pattern[bytes], timeout: float = TIMEOUT, *, clean: bool = False
    ) -> bytes:
        """Everything read until ``pattern`` shows up (``clean``: in the text without kernel
        messages); fails the test if it does not in time."""
        seen = bytearray()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            seen += self.port.read(4096)
            text = strip_kernel_lines(bytes(seen)) if clean else seen
            found = pattern.search(text) if isinstance(pattern, re.Pattern) else pattern in text
            if found:
                return bytes(seen)
        raise AssertionError(f"{pattern!r} did not show up within {timeout} s; read {bytes(seen[-500:])!r}")

    def quiet(self, seconds: float) -> bytes:
        """What arrives in ``seconds`` (for checks that something does *not* show up)."""
        seen = bytearray()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            seen += self.port.read(4096)
        return bytes(seen)

    def close(self) -> None:
        self.port.close()


@pytest.fixture
def connect() -> Iterator[Callable[[str], Line]]:
    lines: list[Line] = []

    def open_line(url: str) -> Line:
        line = Line(url)
        lines.append(line)
        return line

    yield open_line
    for line in lines:
        line.close()


@pytest.fixture
def console(make_serial_console: Callable[..., SerialConsole], device: EmulatedDevice) -> SerialConsole:
    return make_serial_console(device)


def at_prompt(line: Line) -> None:
    line.send(b"\r")
    line.expect(b"# ", clean=True)


@pytest.mark.parametrize("endpoint", ["pty", "socket"])
def test_login_with_wrong_then_right_password(
    make_serial_console: Callable[..., SerialConsole], device: EmulatedDevice, connect, endpoint: str
) -> None:
    console = make_serial_console(device, login=LOGIN)
    line = connect(console.pty_path if endpoint == "pty" else console.socket_url)
    line.send(b"\r")
    line.expect(b"localhost login: ")
    line.send(b"root\r")
    line.expect(b"Password: ")
    line.send(b"wrong\r")
    seen = line.expect(b"localhost login: ")
    assert b"Login incorrect" in seen
    assert b"wrong" not in seen  # the password is not echoed
    line.send(b"root\r")
    line.expect(b"Password: ")
    line.send(b"s3cret\r")
    seen = line.expect(b"# ")
    assert b"s3cret" not in seen
    line.send(b"whoami\r")
    assert line.expect(b"root\r\n# ").endswith(b"whoami\r\nroot\r\n# ")


def test_exit_brings_back_the_banner_and_login(
    make_serial_console: Callable[..., SerialConsole], device: EmulatedDevice, connect
) -> None:
    console = make_serial_console(device, login=LOGIN)
    line = connect(console.socket_url)
    line.send(b"\rroot\rs3cret\r")
    line.expect(b"# ")
    line.send(b"exit\r")
    seen = line.expect(b"localhost login: ")
    assert f"{device.serial} ttyS0".encode() in seen


def test_echo_follows_stty(console: SerialConsole, connect) -> None:
    line = connect(console.pty_path)
    at_prompt(line)
    line.send(b"echo one\r")
    assert line.expect(b"one\r\n# ").endswith(b"echo one\r\none\r\n# ")
    line.send(b"stty -echo\r")
    line.expect(b"# ")
    line.send(b"echo two\r")
    seen = line.expect(b"two\r\n# ")
    assert b"echo two" not in seen
    line.send(b"stty -a\r")
    assert b"-echo icanon isig" in line.expect(b"# ")
    line.send(b"stty echo\r")
    line.expect(b"# ")
    line.send(b"echo three\r")
    assert line.expect(b"three\r\n# ").endswith(b"echo three\r\nthree\r\n# ")


def test_raw_mode_passes_bytes_and_the_shell_restores_sane_after(console: SerialConsole, connect) -> None:
    line = connect(console.socket_url)
    at_prompt(line)
    line.send(b"stty raw -echo isig; cat\r")
    line.expect(b"cat\r\n")
    line.send(b"a\rb\x7fc\n")  # no line editing, no CR->LF, no echo: cat gets these bytes as they are
    assert line.expect(b"c\n").endswith(b"a\rb\x7fc\n")
    line.send(b"\x03")  # isig kept: Ctrl-C still ends cat
    line.expect(b"# ")
    line.send(b"echo x\r")
    assert line.expect(b"x\r\n# ").endswith(b"echo x\r\nx\r\n# ")  # echo and ONLCR are back


def test_kernel_messages_interleave_and_dmesg_n_1_silences_them(
    make_serial_console: Callable[..., SerialConsole], device: EmulatedDevice, connect
) -> None:
    console = make_serial_console(device, kernel_noise=1.0, seed=7)
    line = connect(console.pty_path)
    at_prompt(line)
    line.send(("printf '" + "".join(f"output line {n}\\n" for n in range(40)) + "'\r").encode())
    seen = line.expect(b"output line 39\r\n# ", clean=True)
    assert PRINTK.search(seen), seen
    inside = [row for row in seen.split(b"\r\n") if PRINTK.search(row) and not PRINTK.match(row)]
    assert inside, "a kernel message was printed inside a line of output"
    before = len(device.kmsg.records())
    line.send(b"dmesg -n 1\r")
    line.expect(b"dmesg -n 1\r\n# ", clean=True)
    line.send(b"echo " + b"y" * 200 + b"\r")
    seen = line.expect(b"y" * 200 + b"\r\n# ") + line.quiet(0.3)
    assert not PRINTK.search(seen), seen
    assert len(device.kmsg.records()) > before  # still logged in the ring buffer
    device.kmsg.printk("emergency", level=0)  # more urgent than the console level: shown
    assert PRINTK.search(line.expect(b"emergency\r\n"))


def test_dmesg_prints_the_ring_buffer(console: SerialConsole, device: EmulatedDevice, connect) -> None:
    device.kmsg.printk("usb 1-1: hello from the test", level=6)
    line = connect(console.socket_url)
    at_prompt(line)
    line.send(b"dmesg\r")
    seen = line.expect(b"# ")
    assert re.search(rb"\[ *\d+\.\d{6}\] usb 1-1: hello from the test\r\n", seen)
    assert b"Linux version" in seen


def test_nc_relays_to_a_device_port(console: SerialConsole, echo_service: int, connect) -> None:
    line = connect(console.pty_path)
    at_prompt(line)
    line.send(f"stty raw -echo isig; nc 127.0.0.1 {echo_service}\r".encode())
    line.expect(f"{echo_service}\r\n".encode())
    payload = bytes(b for b in range(256) if b != 0x03) * 4  # everything but the interrupt character
    line.send(payload)
    assert line.expect(payload).endswith(payload)
    line.send(b"\x03")
    line.expect(b"# ")
    line.send(b"echo done\r")
    assert line.expect(b"done\r\n# ").endswith(b"echo done\r\ndone\r\n# ")


def test_nc_to_a_port_nobody_listens_on(console: SerialConsole, connect) -> None:
    line = connect(console.socket_url)
    at_prompt(line)
    line.send(b"nc 127.0.0.1 1; echo status=$?\r")
    seen = line.expect(b"status=1\r\n# ")
    assert b"nc: connect 127.0.0.1:1: Connection refused" in seen


def test_both_endpoints_see_one_console(console: SerialConsole, connect) -> None:
    pty, tcp = connect(console.pty_path), connect(console.socket_url)
    at_prompt(pty)
    tcp.send(b"echo shared\r")
    assert pty.expect(b"shared\r\n# ").endswith(b"echo shared\r\nshared\r\n# ")


def test_garbage_input_leaves_the_console_working(console: SerialConsole, connect) -> None:
    line = connect(console.socket_url)
    at_prompt(line)
    noise = random.Random(3)
    line.send(bytes(noise.randrange(256) for _ in range(20_000)))
    line.send(b"\x00" * 5000 + b"\x1b[A\x1b[B\x1bOP" + b"z" * 10_000 + b"\r")  # longer than a tty line
    # Ctrl-D in the garbage may end the shell (a new session starts, dropping what was typed
    # meanwhile), so ask until the console answers
    deadline = time.monotonic() + 15
    while True:
        line.send(b"\x03\recho alive\r")
        try:
            line.expect(b"alive\r\n# ", timeout=1)
            break
        except AssertionError:
            assert time.monotonic() < deadline, "the console never answered after the garbage"
    assert all(t.is_alive() for t in threading.enumerate() if t.name.startswith("serial-console"))


def test_a_client_leaving_mid_command_cancels_nothing(
    console: SerialConsole, device: EmulatedDevice, connect
) -> None:
    line = connect(console.socket_url)
    at_prompt(line)
    line.send(b"sleep 0.3; touch /data/local/tmp/after-leaving\r")
    line.expect(b"after-leaving\r\n")
    line.close()
    deadline = time.monotonic() + TIMEOUT
    while not device.fs.exists("/data/local/tmp/after-leaving") and time.monotonic() < deadline:
        time.sleep(0.02)
    assert device.fs.exists("/data/local/tmp/after-leaving")
    again = connect(console.pty_path)
    at_prompt(again)


def test_close_ends_every_thread_and_the_endpoints(
    make_serial_console: Callable[..., SerialConsole], device: EmulatedDevice, connect
) -> None:
    console = make_serial_console(device, kernel_noise=0.5, rfc2217=True)
    line = connect(console.socket_url)
    at_prompt(line)
    line.send(b"sleep 30\r")
    line.expect(b"sleep 30\r\n")
    started = time.monotonic()
    console.close()
    assert time.monotonic() - started < TIMEOUT
    left = [t.name for t in threading.enumerate() if t.name.startswith(("serial-", "terminal"))]
    assert not left, left
    with pytest.raises(serial.SerialException):
        serial.serial_for_url(console.socket_url, timeout=1)
