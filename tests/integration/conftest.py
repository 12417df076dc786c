"""Fixtures for integration tests: emulated devices in tmp_path, an hdc server on port 0, services."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.controls.journal import RestoreJournal
from harness.device.device import Device
from harness.hdc import HdcClient
from harness.trace import Trace
from harness.transport.ssh import SshTransport
from ohos_emulator.device import DeviceConfig, EmulatedDevice
from ohos_emulator.fronts.hdc_server import HdcServer
from ohos_emulator.fronts.limits import DEFAULT_LIMITS, FrontLimits
from ohos_emulator.fronts.serial import SerialConsole
from ohos_emulator.fronts.ssh_keys import SshKeyFiles, ensure_keys, write_known_hosts
from ohos_emulator.fronts.ssh_server import SshServer
from ohos_emulator.profiles import get_profile
from ohos_protocol.names import CAPABILITIES

ECHO_DEVICE_PORT = 17001
ECHO_OWNER = 4242


@pytest.fixture
def make_device(tmp_path: Path) -> Iterator[Callable[[str], EmulatedDevice]]:
    """Build emulated devices (state under tmp_path); all are closed at teardown."""
    devices: list[EmulatedDevice] = []

    def make(serial: str) -> EmulatedDevice:
        device = EmulatedDevice(DeviceConfig(serial, tmp_path / serial, get_profile("api10-doc")))
        devices.append(device)
        return device

    yield make
    for device in devices:
        device.close()


@pytest.fixture
def device(make_device: Callable[[str], EmulatedDevice]) -> EmulatedDevice:
    return make_device("emu-0001")


@pytest.fixture
def make_hdc_server(tmp_path: Path) -> Iterator[Callable[..., HdcServer]]:
    """Start hdc servers on 127.0.0.1:0 for given devices; all are closed at teardown.

    The legacy file and install forms may use host paths under the test's tmp_path.
    """
    servers: list[HdcServer] = []

    def make(devices: list[EmulatedDevice], idle_timeout: float = 60.0, **options: Any) -> HdcServer:
        options.setdefault("host_files", [tmp_path])
        server = HdcServer({d.serial: d for d in devices}, idle_timeout=idle_timeout, **options).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()


@pytest.fixture
def hdc_server(make_hdc_server: Callable[..., HdcServer], device: EmulatedDevice) -> HdcServer:
    return make_hdc_server([device])


@pytest.fixture
def hdc_client(hdc_server: HdcServer) -> HdcClient:
    host, port = hdc_server.address
    return HdcClient(host, port, timeout=5.0)


def _echo(conn: socket.socket) -> None:
    with conn:
        while data := conn.recv(65536):
            conn.sendall(data)


@pytest.fixture
def echo_service(device: EmulatedDevice) -> Iterator[int]:
    """A TCP echo service listening on the device's port ECHO_DEVICE_PORT; yields that port."""
    listener = socket.create_server(("127.0.0.1", 0))
    threads: list[threading.Thread] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            thread = threading.Thread(target=_echo, args=(conn,), daemon=True)
            threads.append(thread)
            thread.start()

    acceptor = threading.Thread(target=serve, daemon=True)
    acceptor.start()
    assert device.ports.bind(ECHO_DEVICE_PORT, listener.getsockname()[1], ECHO_OWNER)
    yield ECHO_DEVICE_PORT
    device.ports.unbind(ECHO_DEVICE_PORT, ECHO_OWNER)
    with contextlib.suppress(OSError):
        listener.shutdown(socket.SHUT_RDWR)
    listener.close()
    acceptor.join(5)
    for thread in threads:
        thread.join(5)


# -- SSH ---------------------------------------------------------------------------------------------


@pytest.fixture
def ssh_keys(tmp_path: Path) -> SshKeyFiles:
    """The emulator's SSH key material (host key, authorized client key pair) under tmp_path."""
    return ensure_keys(tmp_path / "ssh")


@pytest.fixture
def make_ssh_server(ssh_keys: SshKeyFiles) -> Iterator[Callable[..., SshServer]]:
    """Start SSH servers for a device (port 0 unless given), known_hosts written; closed at teardown."""
    servers: list[SshServer] = []

    def make(device: EmulatedDevice, port: int = 0, limits: FrontLimits = DEFAULT_LIMITS) -> SshServer:
        server = SshServer(
            device,
            port=port,
            host_key=ssh_keys.load_host_key(),
            authorized_keys=ssh_keys.client_public_key,
            limits=limits,
        ).start()
        servers.append(server)
        write_known_hosts(ssh_keys, *server.address)
        return server

    yield make
    for server in servers:
        server.close()


@pytest.fixture
def ssh_server(make_ssh_server: Callable[..., SshServer], device: EmulatedDevice) -> SshServer:
    return make_ssh_server(device)


# -- serial ------------------------------------------------------------------------------------------


@pytest.fixture
def make_serial_console() -> Iterator[Callable[..., SerialConsole]]:
    """Start serial consoles (pty, socket://, rfc2217://) for devices; all are closed at teardown."""
    consoles: list[SerialConsole] = []

    def make(device: EmulatedDevice, **options: object) -> SerialConsole:
        console = SerialConsole(device, **options).start()  # type: ignore[arg-type]
        consoles.append(console)
        return console

    yield make
    for console in consoles:
        console.close()


@pytest.fixture
def open_device(ssh_server, ssh_keys, tmp_path) -> Iterator[Callable[[], Device]]:
    """Open harness Devices on the emulated device over SSH (one restore journal in tmp_path)."""
    journal = tmp_path / "journal.jsonl"
    opened: list[Device] = []

    def open_one() -> Device:
        host, port = ssh_server.address
        trace = Trace()
        transport = SshTransport(
            host,
            port,
            "root",
            ssh_keys.client_key,
            ssh_keys.known_hosts,
            device_id="emu-restore",
            trace=trace,
        )
        device = Device(
            "emu-restore", transport, journal=RestoreJournal(journal), capabilities=CAPABILITIES, trace=trace
        )
        opened.append(device)
        return device

    yield open_one
    for device in opened:
        device.transport.close()
