"""Plain pyserial (no harness code on the client side) reaches the emulated serial console."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import serial

from ohos_emulator.device import DeviceConfig, EmulatedDevice
from ohos_emulator.fronts.serial import SerialConsole
from ohos_emulator.profiles import get_profile

TIMEOUT = 5.0


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SerialConsole]:
    state: Path = tmp_path_factory.mktemp("serial-interop")
    device = EmulatedDevice(DeviceConfig("emu-serial-interop", state, get_profile("api10-doc")))
    console = SerialConsole(device, login=("root", "interop")).start()
    yield console
    console.close()
    device.close()


def read_until(port: serial.SerialBase, expected: bytes) -> bytes:
    """pyserial's own read_until, bounded by a deadline (its timeout applies per byte)."""
    seen = b""
    deadline = time.monotonic() + TIMEOUT
    while expected not in seen:
        assert time.monotonic() < deadline, f"{expected!r} not seen; got {seen[-300:]!r}"
        seen += port.read_until(expected)
    return seen


@pytest.mark.parametrize("endpoint", ["pty", "socket", "rfc2217"])
def test_echo_hi_at_the_prompt(console: SerialConsole, endpoint: str) -> None:
    url = {"pty": console.pty_path, "socket": console.socket_url, "rfc2217": console.rfc2217_url}[endpoint]
    port = serial.serial_for_url(url, baudrate=115200, timeout=0.5)
    try:
        port.reset_input_buffer()
        port.write(b"\r")
        read_until(port, b"login: ")
        port.write(b"root\r")
        read_until(port, b"Password: ")
        port.write(b"interop\r")
        read_until(port, b"# ")
        port.write(b"echo hi\r")
        assert read_until(port, b"hi\r\n# ").endswith(b"echo hi\r\nhi\r\n# ")
        port.write(b"exit\r")
        read_until(port, b"login: ")
    finally:
        port.close()
