"""Installing and uninstalling HAPs on the emulated device: hdc (remote and legacy form), SSH, serial.

Real sockets and the real EmulatedDevice throughout. The HAPs are built from the shim project
(ohos_emulator/hap_package.py) under a bundle name that is not a shim variant, so the device
installs them as a third-party app: APL normal, not a system app.
"""

from __future__ import annotations

import json
import re
import socket
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.controls.journal import RestoreJournal
from harness.device.device import Device
from harness.device.install import install_hap, uninstall_bundle
from harness.errors import InfrastructureError, TransportError
from harness.hdc import HdcClient
from harness.shim.client import ShimClient
from harness.trace import Trace
from harness.transport.base import Transport
from harness.transport.hdc import HdcTransport
from harness.transport.serial import SerialTransport
from harness.transport.ssh import SshTransport
from ohos_emulator.bm_errors import BundleError, BundleStatus
from ohos_emulator.device import DeviceConfig, EmulatedDevice
from ohos_emulator.fronts.hdc_server import HdcServer
from ohos_emulator.fronts.serial import SerialConsole
from ohos_emulator.fronts.ssh_keys import SshKeyFiles
from ohos_emulator.fronts.ssh_server import SshServer
from ohos_emulator.hap_package import build_shim_hap, read_hap, shim_manifest, write_hap
from ohos_emulator.profiles import get_profile
from ohos_protocol import hdc_wire as wire
from ohos_protocol.hap import load_variants

KEY = "emu-0001"
BUNDLE = "com.ohoshil.test"
NORMAL_PERMISSIONS = ["ohos.permission.GET_NETWORK_INFO", "ohos.permission.INTERNET"]
SHIM_PORT = 18630
TOKEN = "install-test-token-0123456789"
TMP = "/data/local/tmp"
ALREADY_EXIST = "error: failed to install bundle. code:9568276 error: install already exist."
GRANT_FAILED = (
    "error: failed to install bundle. code:9568289 "
    "error: install failed due to grant request permissions failed."
)


@pytest.fixture
def make_hap(tmp_path: Path) -> Callable[..., Path]:
    """HAPs of the default shim variant's manifest under another bundle name and permissions."""

    def make(name: str = "test.hap", *, permissions: list[str] = NORMAL_PERMISSIONS, **app: Any) -> Path:
        document = shim_manifest(load_variants()["default"])
        document["app"].update({"bundleName": BUNDLE, **app})
        document["module"]["requestPermissions"] = [{"name": permission} for permission in permissions]
        return write_hap(document, tmp_path / "haps" / name)

    return make


@pytest.fixture
def trace() -> Trace:
    return Trace()


@pytest.fixture
def transport(hdc_server: HdcServer, trace: Trace) -> Iterator[HdcTransport]:
    made = HdcTransport(KEY, *hdc_server.address, trace, connect_timeout=5)
    yield made
    made.close()


def open_shim(transport: Transport, port: int, timeout: float = 20.0) -> ShimClient:
    """A shim session on ``port``, retried until the ability that serves it answers."""
    deadline = time.monotonic() + timeout
    while True:
        client = ShimClient(
            lambda: transport.open_stream(port), token=TOKEN, device=KEY, transport=transport.name
        )
        try:
            return client.open()
        except InfrastructureError:
            client.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def dump(transport: Transport, bundle: str = BUNDLE) -> dict[str, Any] | None:
    """`bm dump -n` of ``bundle`` as JSON, or None when the device does not know it."""
    result = transport.run(f"bm dump -n {bundle}")
    if not result.ok:
        assert result.output == "error: failed to get information and the parameters may be wrong.\n"
        return None
    return json.loads(result.output.split("\n", 1)[1])


# -- hdc, remote form ---------------------------------------------------------------------------------


def test_install_start_and_uninstall_over_hdc(
    transport: HdcTransport, device: EmulatedDevice, make_hap: Callable[..., Path], trace: Trace
) -> None:
    assert transport.install(make_hap(), replace=False) == "install bundle successfully."

    info = dump(transport)
    assert info is not None
    assert info["applicationInfo"]["appPrivilegeLevel"] == "normal"
    assert info["applicationInfo"]["isSystemApp"] is False
    assert info["reqPermissions"] == NORMAL_PERMISSIONS
    assert f"\t{BUNDLE}\n" in transport.run("bm dump -a").output
    assert transport.run(f"ls -a {TMP}").output == ""  # the upload was removed after bm ran

    started = transport.run(
        f"aa start -a EntryAbility -b {BUNDLE} --pi port {SHIM_PORT} --ps token {TOKEN}"
    ).check()
    assert started.output == "start ability successfully.\n"
    client = open_shim(transport, SHIM_PORT)
    try:
        assert client.info["bundle"] == BUNDLE
    finally:
        client.close()
    assert BUNDLE in transport.run("aa dump -l").output

    assert transport.uninstall(BUNDLE) == "uninstall bundle successfully."
    assert BUNDLE not in transport.run("aa dump -l").output
    assert [running.bundle.name for running in device.apps.running()] == []
    assert dump(transport) is None
    with transport.open_stream(SHIM_PORT) as stream:  # nothing serves the port any more
        stream.settimeout(5)
        assert stream.recv(1) == b""
    apps = [(record.kind, record.title.split()[0], record.result) for record in trace.records]
    assert [entry for entry in apps if entry[0] == "install"] == [
        ("install", "install", "install bundle successfully."),
        ("install", "uninstall", "uninstall bundle successfully."),
    ]


def read_frame(sock: socket.socket) -> bytes | None:
    return wire.read_frame(sock)


def test_install_plays_the_real_clients_sequence(
    hdc_server: HdcServer, device: EmulatedDevice, make_hap: Callable[..., Path]
) -> None:
    hap = make_hap().read_bytes()
    with socket.create_connection(hdc_server.address, timeout=5) as sock:
        hello = wire.ServerHello.decode(read_frame(sock) or b"")
        sock.sendall(wire.encode_frame(wire.ClientHello(hello.banner, KEY).encode()))
        sock.sendall(wire.encode_frame(b'install remote -cwd "/cwd/" -r app.hap\0'))
        assert read_frame(sock) == b'\xac\x0d-cwd "/cwd/" -r app.hap\0'
        sock.sendall(wire.encode_frame(b"\x0c\x00"))
        config = wire.TransferConfig(
            file_size=len(hap), options="-r", optional_name="Ab3dE6gH9.hap", function_name="install"
        )
        sock.sendall(wire.encode_frame(wire.command_frame(wire.Command.APP_CHECK, config.encode())))
        assert read_frame(sock) == b"\xae\x0d" + wire.FEATURE_FLAGS
        half = len(hap) // 2
        sock.sendall(wire.encode_frame(wire.data_frame(0, hap[:half], wire.Command.APP_DATA)))
        sock.sendall(wire.encode_frame(wire.data_frame(half, hap[half:], wire.Command.APP_DATA)))
        assert read_frame(sock) == b"\xb0\x0d\x01\x01install bundle successfully. "
        sock.sendall(wire.encode_frame(b"\x02\x00\x01"))
        assert read_frame(sock) is None
    assert device.apps.bundle(BUNDLE) is not None
    assert device.fs.listdir(TMP) == []


def test_install_without_replace_over_an_installed_bundle_fails_like_bm(
    hdc_client: HdcClient, make_hap: Callable[..., Path], tmp_path: Path
) -> None:
    hap = make_hap()
    hdc_client.install(KEY, hap, replace=False)
    with pytest.raises(TransportError) as caught:
        hdc_client.install(KEY, hap, replace=False)
    assert str(caught.value) == f"[{KEY}/hdc] install {hap}: {ALREADY_EXIST}"
    assert hdc_client.install(KEY, hap, replace=True) == "install bundle successfully."
    newer = make_hap("newer.hap", versionCode=1000001)
    assert hdc_client.install(KEY, newer, replace=False) == "install bundle successfully."
    with pytest.raises(TransportError, match="code:9568263 error: install version downgrade"):
        hdc_client.install(KEY, hap, replace=True)
    # the pre-installed shim is installed too: the same version needs -r
    shim = build_shim_hap("default", tmp_path / "shim.hap")
    with pytest.raises(TransportError, match="code:9568276"):
        hdc_client.install(KEY, shim, replace=False)
    assert hdc_client.install(KEY, shim) == "install bundle successfully."


def test_replacing_a_running_bundle_stops_its_ability(
    transport: HdcTransport, device: EmulatedDevice, make_hap: Callable[..., Path]
) -> None:
    transport.install(make_hap())
    transport.run(f"aa start -a EntryAbility -b {BUNDLE} --pi port {SHIM_PORT} --ps token {TOKEN}").check()
    open_shim(transport, SHIM_PORT).close()
    [running] = device.apps.running()
    transport.install(make_hap())
    assert running.process.poll() is not None
    assert device.apps.running() == []


def test_a_permission_the_bundles_apl_cannot_get_fails_the_install(
    hdc_client: HdcClient, device: EmulatedDevice, make_hap: Callable[..., Path]
) -> None:
    hap = make_hap(permissions=[*NORMAL_PERMISSIONS, "ohos.permission.CLOUDFILE_SYNC"])
    with pytest.raises(TransportError) as caught:
        hdc_client.install(KEY, hap)
    assert str(caught.value).endswith(GRANT_FAILED)
    assert device.apps.bundle(BUNDLE) is None
    assert (
        "ohos.permission.CLOUDFILE_SYNC needs APL system_basic"
        in hdc_client.shell(KEY, "hilog -x -T BundleMgrService").decode()
    )


def test_a_file_that_is_not_a_hap_fails_cleanly(
    hdc_client: HdcClient, device: EmulatedDevice, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.hap"
    junk.write_bytes(b"this is not a zip archive")
    with pytest.raises(TransportError, match=r"code:9568337 error: install parse unexpected\.$"):
        hdc_client.install(KEY, junk)
    empty = tmp_path / "empty.hap"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("pack.info", "{}")
    with pytest.raises(TransportError, match=r"code:9568340 error: install parse no profile\.$"):
        hdc_client.install(KEY, empty)
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(TransportError, match=r"\[Fail\]\[E006001\] Not any installation package was found"):
        hdc_client.install(KEY, tmp_path / "notes.txt")
    assert device.fs.listdir(TMP) == []


def test_a_full_data_partition_fails_cleanly_and_leaves_no_file(
    hdc_client: HdcClient, device: EmulatedDevice, make_hap: Callable[..., Path]
) -> None:
    hap = make_hap()
    used = device.fs.usage().used
    device.set_data_capacity(used + 100)
    with pytest.raises(TransportError) as caught:
        hdc_client.install(KEY, hap)
    size = hap.stat().st_size
    assert re.search(
        rf"\[Fail\]Transfer App at:\d+/{size}\(Bytes\), Reason: no space left on device", str(caught.value)
    )
    assert device.fs.listdir(TMP) == []
    assert device.fs.usage().used == used
    assert device.apps.bundle(BUNDLE) is None


def test_uninstall_errors_are_bms(hdc_client: HdcClient) -> None:
    with pytest.raises(TransportError, match=r"msg:error: failed to uninstall bundle\. code:9568386 error: "):
        hdc_client.uninstall(KEY, BUNDLE)
    with pytest.raises(TransportError, match=r"code:9568380 error: uninstall system app error\."):
        hdc_client.uninstall(KEY, "com.ohoshil.shim")
    with pytest.raises(TransportError, match="Incorrect package name or option"):
        hdc_client.uninstall(KEY, "com.ohoshil.test;reboot")


def test_legacy_install_and_uninstall_lines(
    hdc_server: HdcServer, device: EmulatedDevice, make_hap: Callable[..., Path]
) -> None:
    hap = make_hap()

    def frames(line: str) -> list[bytes]:
        with socket.create_connection(hdc_server.address, timeout=5) as sock:
            hello = wire.ServerHello.decode(read_frame(sock) or b"")
            sock.sendall(wire.encode_frame(wire.ClientHello(hello.banner, KEY).encode()))
            sock.sendall(wire.encode_frame(line.encode()))
            received = []
            while (frame := read_frame(sock)) is not None:
                received.append(frame)
            return received

    assert frames(f"install -r {hap}") == [
        f"[Info]App install path:{hap} msg:install bundle successfully. \r\n".encode(),
        b"AppMod finish\r\n",
    ]
    assert frames(f"uninstall {BUNDLE}") == [
        b"[Info]App uninstall path: msg:uninstall bundle successfully. \r\n",
        b"AppMod finish\r\n",
    ]
    assert frames("install notes.txt") == [b"[Fail][E006001] Not any installation package was found\r\n"]
    assert device.fs.listdir(TMP) == []


def test_device_install_and_uninstall(
    transport: HdcTransport, make_hap: Callable[..., Path], tmp_path: Path
) -> None:
    device = Device(KEY, transport, journal=RestoreJournal(tmp_path / "journal.jsonl"), trace=transport.trace)
    assert device.install(make_hap()) == "install bundle successfully."
    assert dump(transport) is not None
    assert device.uninstall(BUNDLE) == "uninstall bundle successfully."
    assert dump(transport) is None


# -- SSH and serial: push + bm install -------------------------------------------------------------


@pytest.fixture(params=["ssh", "serial"])
def pushing_transport(
    request: pytest.FixtureRequest,
    device: EmulatedDevice,
    make_ssh_server: Callable[..., SshServer],
    ssh_keys: SshKeyFiles,
    make_serial_console: Callable[..., SerialConsole],
) -> Iterator[Transport]:
    made: SshTransport | SerialTransport
    if request.param == "ssh":
        host, port = make_ssh_server(device).address
        made = SshTransport(
            host, port, "root", ssh_keys.client_key, ssh_keys.known_hosts, device_id=KEY, trace=Trace()
        )
    else:
        made = SerialTransport(make_serial_console(device).socket_url, device_id=KEY)
    yield made
    made.close()


def test_install_hap_pushes_and_runs_bm(
    pushing_transport: Transport, device: EmulatedDevice, make_hap: Callable[..., Path]
) -> None:
    assert not callable(getattr(pushing_transport, "install", None))
    assert install_hap(pushing_transport, make_hap(), replace=False) == "install bundle successfully."
    assert device.apps.bundle(BUNDLE) is not None
    assert device.fs.listdir(TMP) == []
    with pytest.raises(TransportError) as caught:
        install_hap(pushing_transport, make_hap(), replace=False)
    assert str(caught.value).endswith(
        "error: failed to install bundle.\ncode:9568276\nerror: install already exist."
    )
    denied = make_hap("denied.hap", permissions=["ohos.permission.MANAGE_WIFI_CONNECTION"])
    with pytest.raises(TransportError, match="code:9568289"):
        install_hap(pushing_transport, denied)
    assert device.fs.listdir(TMP) == []
    assert uninstall_bundle(pushing_transport, BUNDLE) == "uninstall bundle successfully."
    assert device.apps.bundle(BUNDLE) is None
    with pytest.raises(TransportError, match="code:9568386"):
        uninstall_bundle(pushing_transport, BUNDLE)


# -- the device state ---------------------------------------------------------------------------------


def test_installed_bundles_survive_a_restart(tmp_path: Path, make_hap: Callable[..., Path]) -> None:
    config = DeviceConfig("emu-restart", tmp_path / "emu-restart", get_profile("api10-doc"))

    def run(device: EmulatedDevice, line: str) -> str:
        output: list[bytes] = []
        assert device.run_command(line, output.append) == 0, b"".join(output)
        return b"".join(output).decode()

    first = EmulatedDevice(config)
    try:
        first.fs.write_bytes(f"{TMP}/test.hap", make_hap().read_bytes())
        assert run(first, f"bm install -p {TMP}/test.hap") == "install bundle successfully.\n"
        assert run(first, "bm uninstall -n com.ohoshil.shim.bare") == "uninstall bundle successfully.\n"
        before = first.apps.bundle(BUNDLE)
    finally:
        first.close()
    second = EmulatedDevice(config)
    try:
        assert second.apps.bundle(BUNDLE) == before
        names = [bundle.name for bundle in second.apps.installed()]
        assert names == ["com.ohoshil.shim", "com.ohoshil.shim.noperm", "com.ohoshil.shim.normal", BUNDLE]
        assert run(second, f"bm uninstall -n {BUNDLE}") == "uninstall bundle successfully.\n"
    finally:
        second.close()
    third = EmulatedDevice(config)
    try:
        assert third.apps.bundle(BUNDLE) is None
    finally:
        third.close()


def test_build_shim_hap_round_trips_and_reads_are_checked(tmp_path: Path) -> None:
    manifest = read_hap(build_shim_hap("noperm", tmp_path / "noperm.hap"))
    assert (manifest.bundle, manifest.main_element, manifest.target_api) == (
        "com.ohoshil.shim.noperm",
        "EntryAbility",
        10,
    )
    assert "ohos.permission.CLOUDFILE_SYNC" not in manifest.permissions
    with zipfile.ZipFile(tmp_path / "noperm.hap") as archive:
        pack = json.loads(archive.read("pack.info"))
    assert pack["summary"]["app"]["bundleName"] == "com.ohoshil.shim.noperm"
    document = shim_manifest(load_variants()["default"])
    del document["app"]["versionCode"]
    with pytest.raises(BundleError, match="no 'versionCode'") as caught:
        write_hap(document, tmp_path / "bad.hap")
    assert caught.value.status == BundleStatus.PARSE_PROFILE_MISSING_PROP
