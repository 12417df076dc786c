"""The emulated device shell: `sh` semantics and the commands' outputs the harness parses."""

from __future__ import annotations

import hashlib
import threading
import tracemalloc

import pytest

from ohos_emulator.device import DeviceConfig, EmulatedDevice
from ohos_emulator.profiles import get_profile
from ohos_emulator.shell.io import ShellIO
from ohos_emulator.shell.parser import ShellSyntaxError, parse


@pytest.fixture
def device(tmp_path):
    dev = EmulatedDevice(DeviceConfig("emu-shell", tmp_path / "dev", get_profile("api10-doc")))
    yield dev
    dev.close()


def sh(device: EmulatedDevice, line: str) -> tuple[str, int]:
    out: list[bytes] = []
    status = device.run_command(line, out.append)
    return b"".join(out).decode(), status


@pytest.mark.parametrize(
    ("line", "output", "status"),
    [
        ("echo a b", "a b\n", 0),
        ("false; echo $?", "1\n", 0),
        ("false && echo no || echo yes", "yes\n", 0),
        ("true && echo yes; echo $?", "yes\n0\n", 0),
        ("echo 'single $? quoted' \"double $?\" esc\\ aped", "single $? quoted double 0 esc aped\n", 0),
        ("echo \\$?", "$?\n", 0),
        ("nosuchcmd", "sh: nosuchcmd: not found\n", 127),
        ("sh -c 'exit 7'", "", 7),
        ("exit 3", "", 3),
        ("echo hi # a comment", "hi\n", 0),
        ("echo 'unterminated", "sh: syntax error: unterminated quoted string\n", 2),
        ("echo a | base64 | base64 -d", "a\n", 0),
        ("printf '%s-%d\\n' x 5", "x-5\n", 0),
    ],
)
def test_sh_semantics(device, line, output, status):
    assert sh(device, line) == (output, status)


def test_parse_rejects_dangling_operators():
    for line in ("a &&", "| b", "a ; ; b", "a >"):
        with pytest.raises(ShellSyntaxError):
            parse(line)


def test_redirections_and_files(device):
    assert sh(
        device, "echo one > /data/local/tmp/f; echo two >> /data/local/tmp/f; cat /data/local/tmp/f"
    ) == ("one\ntwo\n", 0)
    assert sh(device, "cat /data/local/tmp/missing 2>/dev/null; echo $?") == ("1\n", 0)
    assert sh(device, "cat /data/local/tmp/missing 2>&1") == (
        "cat: /data/local/tmp/missing: No such file or directory\n",
        1,
    )
    assert sh(device, "cd /data/local/tmp && ls") == ("f\n", 0)
    assert sh(device, "rm /data/local/tmp/f && ls /data/local/tmp") == ("", 0)
    assert sh(device, "cat ../../../../etc/../data/local/tmp/nothing")[1] == 1


def test_paths_cannot_leave_the_device_root(device, tmp_path):
    (tmp_path / "outside.txt").write_text("secret")
    assert device.fs.host_path("/../../outside.txt") == device.fs.root / "outside.txt"
    assert sh(device, "cat /../../outside.txt")[1] == 1


def test_param_get(device):
    assert sh(device, "param get const.ohos.apiversion") == ("10\n", 0)
    assert sh(device, "param get no.such.key") == ('Get parameter "no.such.key" fail! errNum is:106!\n', 1)
    dump, status = sh(device, "param get")
    assert status == 0 and "const.ohos.apiversion = 10\n" in dump


def test_hidumper_battery_mocks(device):
    output, _ = sh(device, 'hidumper -s BatteryService -a "--capacity 12"')
    assert "battery capacity 12\n" in output
    assert "unplugged battery charging state\n" in sh(device, "hidumper -s BatteryService -a -u")[0]
    info = sh(device, "hidumper -s BatteryService -a -i")[0]
    assert "capacity: 12 \n" in info and "pluggedType: 0 \n" in info and "chargingStatus: 0 \n" in info
    assert "capacity out of range" in sh(device, 'hidumper -s BatteryService -a "--capacity 101"')[0]
    assert "cmd param is invalid" in sh(device, "hidumper -s BatteryService -a -x")[0]
    assert "reset battery state\n" in sh(device, "hidumper -s BatteryService -a -r")[0]
    assert device.battery.capacity == 80 and device.battery.charging


def test_df_and_dd_follow_the_data_quota(device):
    device.set_data_capacity(4 * 1024 * 1024)
    output, status = sh(device, "dd if=/dev/zero of=/data/local/tmp/fill bs=1024 count=1024")
    assert status == 0 and "1024+0 records out" in output
    df = sh(device, "df /data")[0].splitlines()[1].split()
    assert df[1:4] == ["4096", "1024", "3072"] and df[-1] == "/data"
    output, status = sh(device, "dd if=/dev/zero of=/data/local/tmp/more bs=1M count=8")
    assert status == 1 and "No space left on device" in output
    assert sh(device, "echo x > /data/local/tmp/one-more")[1] == 1


def test_emuctl_controls_the_lab(device):
    uri, status = sh(device, "emuctl cloud add c.jpg 5000")
    assert status == 0 and uri.startswith("file://media/Photo/") and uri.endswith("/c.jpg\n")
    assert sh(device, "emuctl cloud ls")[0] == f"c.jpg 5000 {uri}"
    assert sh(device, "emuctl bogus")[1] == 2
    assert sh(device, "emuctl cloud add x.jpg notanumber")[1] == 2
    assert sh(device, "emuctl fault set cloudsync-service-down")[1] == 0
    assert '"cloudsync-service-down"' in sh(device, "emuctl state")[0]
    assert sh(device, "emuctl reset") == ("reset\n", 0)
    assert sh(device, "emuctl cloud ls") == ("", 0)
    assert '"faults": []' in sh(device, "emuctl state")[0]


def test_aa_and_bm(device):
    assert "com.ohoshil.shim\n" in sh(device, "bm dump -a")[0]
    output, status = sh(device, "aa start -a EntryAbility -b com.example.none")
    assert status == 1 and "resolve ability err" in output
    assert sh(device, "aa force-stop com.ohoshil.shim") == ("force stop process successfully.\n", 0)


def test_hilog_dump_filter_and_clear(device):
    device.hilog.write("CLOUDSYNC_SA", "hello from the service")
    device.hilog.write("OTHER", "noise")
    output = sh(device, "hilog -x -T CLOUDSYNC_SA")[0]
    assert "I C01600/CLOUDSYNC_SA: hello from the service" in output and "noise" not in output
    assert sh(device, "hilog -r")[1] == 0
    assert sh(device, "hilog -x")[0] == ""


def test_ifconfig_takes_a_network_down(device):
    assert sh(device, "ifconfig wlan0 down") == ("", 0)
    assert not device.network.wifi_available and device.network.any_available
    assert sh(device, "ifconfig eth9 up")[1] == 1


def test_a_backslash_newline_continues_the_line(device):
    assert sh(device, "echo a \\\nb") == ("a b\n", 0)


def test_a_cancelled_line_runs_nothing_more(device):
    out: list[bytes] = []
    cancel = threading.Event()
    cancel.set()
    status = device.shell_session().run("echo one; echo two", ShellIO(out.append, out.append, cancel=cancel))
    assert out == [] and status == 0


def test_output_can_go_to_stderr(device):
    out: list[bytes] = []
    err: list[bytes] = []
    assert device.run_command("echo oops >&2; echo fine", out.append, err.append) == 0
    assert (b"".join(out), b"".join(err)) == (b"fine\n", b"oops\n")
    assert not device.fs.exists("/2")


MiB = 1024 * 1024
PEAK_LIMIT = 8 * MiB
"""The most a streaming command may hold at once (docs/emulator.md: chunks of at most 1 MiB)."""


def peak_of(device: EmulatedDevice, line: str) -> tuple[str, int, int]:
    tracemalloc.start()
    try:
        output, status = sh(device, line)
        return output, status, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_dd_of_3_gib_random_stops_at_the_quota_without_allocating_it(device: EmulatedDevice) -> None:
    device.set_data_capacity(24 * MiB)
    free = device.fs.usage().capacity - device.fs.usage().used
    output, status, peak = peak_of(device, "dd if=/dev/urandom of=/data/local/tmp/x bs=1G count=3")
    assert status == 1 and "No space left on device" in output
    assert device.fs.stat("/data/local/tmp/x").st_size == free
    assert peak < PEAK_LIMIT, f"dd held {peak / MiB:.1f} MiB at once"


def test_dd_copies_a_file_in_chunks_and_counts_records(device: EmulatedDevice) -> None:
    device.set_data_capacity(256 * MiB)
    assert sh(device, "dd if=/dev/urandom of=/data/local/tmp/src bs=1M count=20")[1] == 0
    output, status, peak = peak_of(device, "dd if=/data/local/tmp/src of=/data/local/tmp/dst bs=4M count=3")
    assert status == 0 and "3+0 records out\n12582912 bytes" in output
    assert peak < PEAK_LIMIT
    source = device.fs.read_bytes("/data/local/tmp/src")
    assert device.fs.read_bytes("/data/local/tmp/dst") == source[: 12 * MiB]
    for line in (
        "cat /data/local/tmp/src > /data/local/tmp/cat",
        "cp /data/local/tmp/src /data/local/tmp/cp",
        "dd of=/data/local/tmp/in < /data/local/tmp/src",
        "sha256sum /data/local/tmp/src",
        "wc -c /data/local/tmp/src",
    ):
        output, status, peak = peak_of(device, line)
        assert status == 0, (line, output)
        assert peak < PEAK_LIMIT, f"{line} held {peak / MiB:.1f} MiB at once"
    assert device.fs.read_bytes("/data/local/tmp/cat") == source
    assert device.fs.read_bytes("/data/local/tmp/cp") == source
    assert device.fs.read_bytes("/data/local/tmp/in") == source
    assert sh(device, "sha256sum /data/local/tmp/src")[0].split()[0] == hashlib.sha256(source).hexdigest()
    assert sh(device, "wc -c /data/local/tmp/src")[0] == f"{20 * MiB} /data/local/tmp/src\n"


def test_a_redirection_from_a_missing_file_fails_before_the_command(device: EmulatedDevice) -> None:
    assert sh(device, "cat < /data/nope") == ("sh: /data/nope: No such file or directory\n", 1)
