"""Command strings as the real hdc CLI, hdctool and xdevice send them (docs/hdc-protocol.md, "Shell
command strings" and "version, target mount, target boot")."""

from __future__ import annotations

from test_hdc_server import KEY, Raw
from waiting import wait_for

from ohos_emulator.device import EmulatedDevice
from ohos_emulator.fronts.hdc_server import HdcServer
from ohos_protocol import hdc_wire as wire


def _output(server: HdcServer, line: str, key: str = KEY) -> bytes:
    connection = Raw(server)
    try:
        return b"".join(connection.command(key, line))
    finally:
        connection.close()


def test_version_is_answered_by_the_server(hdc_server: HdcServer) -> None:
    assert _output(hdc_server, "version", key="").startswith(wire.VERSION.encode())


def test_the_daemon_strips_the_quotes_the_real_cli_wraps_a_spaced_argument_in(hdc_server: HdcServer) -> None:
    assert _output(hdc_server, 'shell "ls -d /data; echo $?"') == b"/data\n0\n"
    assert _output(hdc_server, 'shell  "echo a"  ') == b"a\n"
    assert _output(hdc_server, 'shell echo "a b"') == b"a b\n"  # not enclosing: kept for sh


def test_shell_options(hdc_server: HdcServer) -> None:
    assert _output(hdc_server, "shell -X ls").startswith(b"[Fail][E003003] Unsupport shell option: -X")
    assert _output(hdc_server, "shell -b").startswith(b"[Fail][E003005] The parameter is missing")
    assert _output(hdc_server, "shell -b com.example.app echo in-bundle") == b"in-bundle\n"


def test_target_mount(hdc_server: HdcServer) -> None:
    assert _output(hdc_server, "target mount").startswith(b"Mount finish")


def test_target_boot_reboots_the_device_and_keeps_its_disk(
    hdc_server: HdcServer, device: EmulatedDevice
) -> None:
    plugged = "shell hidumper -s BatteryService -a -i | grep pluggedType"
    _output(hdc_server, "shell echo kept > /data/local/tmp/marker; hidumper -s BatteryService -a -u")
    assert _output(hdc_server, plugged) == b"pluggedType: 0 \n"
    device.hilog.write("BEFORE", "before the reboot")
    assert _output(hdc_server, "target boot") == b""
    assert _output(hdc_server, "shell param get bootevent.boot.completed") == b"false\n"
    assert wait_for(
        lambda: _output(hdc_server, "shell param get bootevent.boot.completed") == b"true\n", timeout=15
    )
    assert _output(hdc_server, "shell cat /data/local/tmp/marker") == b"kept\n"
    assert b"before the reboot" not in _output(hdc_server, "shell hilog -x")
    assert b"booted" in _output(hdc_server, "shell hilog -x")
    assert _output(hdc_server, plugged) == b"pluggedType: 2 \n"  # the battery mock is gone
