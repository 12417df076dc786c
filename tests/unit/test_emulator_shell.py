"""The emulated device shell: `sh` semantics and the commands' outputs the harness parses."""

from __future__ import annotations

import hashlib
import io
import os
import threading
import time
import tracemalloc

import exifread
import pytest

from harness.fixture_files import sample_photo
from ohos_emulator.device import DeviceConfig, EmulatedDevice
from ohos_emulator.profiles import get_profile
from ohos_emulator.services.media import PHOTO_DIR
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


def test_emuctl_imports_a_pushed_sample_as_a_photo_and_a_cloud_file(device):
    device.fs.write_bytes("/data/local/tmp/s.jpg", sample_photo("IMG_0002.jpg").read_bytes())
    uri, status = sh(device, "emuctl photos import /data/local/tmp/s.jpg here.jpg 5000")
    assert status == 0 and uri.endswith("/here.jpg\n")
    assert sh(device, "emuctl photos ls")[0].startswith("here.jpg 5000 pending ")
    tags = exifread.process_file(io.BytesIO(device.fs.read_bytes(f"{PHOTO_DIR}/here.jpg")), details=False)
    assert str(tags["EXIF DateTimeOriginal"]) == "2026:05:02 12:00:00", "the pushed photo's EXIF date"
    assert sh(device, "emuctl cloud import /data/local/tmp/s.jpg there.jpg 7000")[1] == 0
    assert sh(device, "emuctl cloud ls")[0].startswith("there.jpg 7000 ")
    output, status = sh(device, "emuctl cloud import /data/local/tmp/s.jpg small.jpg 10")
    assert status == 1 and "cannot make a 226-byte JPEG 10 bytes" in output


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


# Commands xdevice and its kits run: ls -d/-t, test/[, find, file, hilog -b/-w/follow, date.


def test_ls_d_lists_the_directory_itself_and_t_sorts_newest_first(device):
    assert sh(device, "ls -ld /data")[0].startswith("drwx")
    sh(device, "mkdir /data/t; echo a > /data/t/old; echo b > /data/t/new")
    old = device.fs.host_path("/data/t/old")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    assert sh(device, "ls -t /data/t") == ("new\nold\n", 0)
    output, status = sh(device, "ls -ld /data/none")
    assert status == 1 and "No such file or directory" in output


@pytest.mark.parametrize(
    ("line", "status"),
    [
        ("test -d /data", 0),
        ("test -d /data/local/tmp/none", 1),
        ("test -f /data", 1),
        ("[ -e /system/bin ]", 0),
        ("[ a = a ]", 0),
        ("[ a != a ]", 1),
        ("[ 3 -gt 2 -a -n x ]", 0),
        ("[ ! -d /data ]", 1),
        ("[ -z '' ]", 0),
        ("[ -d /data", 2),
        ("test 1 -eq x", 2),
    ],
)
def test_test_and_bracket(device, line, status):
    assert sh(device, line)[1] == status


def test_find_type_name_mtime(device):
    sh(
        device,
        "mkdir -p /data/f/sub; echo 1 > /data/f/a.log; echo 2 > /data/f/sub/b.log; echo 3 > /data/f/c.txt",
    )
    os.utime(device.fs.host_path("/data/f/c.txt"), (time.time() - 5 * 86400,) * 2)
    assert sh(device, "find /data/f -type f -name '*.log'") == ("/data/f/a.log\n/data/f/sub/b.log\n", 0)
    assert sh(device, "find /data/f -type d") == ("/data/f\n/data/f/sub\n", 0)
    assert sh(device, "find /data/f -type f -mtime -1")[0].splitlines() == [
        "/data/f/a.log",
        "/data/f/sub/b.log",
    ]
    assert sh(device, "find /data/f -type f -mtime +3")[0] == "/data/f/c.txt\n"
    output, status = sh(device, "find /data/none")
    assert status == 1 and "No such file or directory" in output


def test_file_tells_directories_text_empty_and_elf(device):
    device.fs.write_bytes("/data/local/tmp/e", b"")
    elf = b"\x7fELF\x02\x01\x01" + b"\0" * 9 + b"\x03\x00\xb7\x00" + b"\0" * 40
    device.fs.write_bytes("/data/local/tmp/bin", elf)
    sh(device, "echo hi > /data/local/tmp/t")
    output = sh(device, "file /data/local/tmp /data/local/tmp/e /data/local/tmp/t /data/local/tmp/bin")[0]
    assert output.splitlines() == [
        "/data/local/tmp: directory",
        "/data/local/tmp/e: empty",
        "/data/local/tmp/t: ASCII text",
        "/data/local/tmp/bin: ELF shared object, 64-bit LSB arm64",
    ]


@pytest.mark.parametrize(("name", "letter"), [("INFO", "I"), ("debug", "D"), ("W", "W"), ("FATAL", "F")])
def test_hilog_b_takes_names_and_letters(device, name, letter):
    assert sh(device, f"hilog -b {name}") == (f"Set global log level to {letter} successfully\n", 0)
    assert sh(device, "param get hilog.loggable.global")[0] == f"{letter}\n"


def test_hilog_b_refuses_an_unknown_level(device):
    assert sh(device, "hilog -b LOUD") == ("Invalid log level: LOUD\n", 1)


def test_hilog_persist_tasks(device):
    assert "No running persistent task [CODE: -63]" in sh(device, "hilog -w query")[0]
    assert sh(device, "hilog -w start -l 10M -n 1000")[0] == (
        "Persist task [jobid:1][fileNum:1000][fileSize:10485760] start successfully\n"
    )
    assert sh(device, "hilog -w start -t kmsg -l 10M -n 1000")[0].startswith("Persist task [jobid:2]")
    assert (
        sh(device, "hilog -w query")[0].splitlines()[0]
        == "1 init,core,app zlib /data/log/hilog/hilog 10.0M 1000"
    )
    assert "start failed" in sh(device, "hilog -w start")[0]
    assert sh(device, "hilog -w stop")[0] == (
        "Persist task [jobid:1] stop successfully\nPersist task [jobid:2] stop successfully\n"
    )
    assert "No running persistent task" in sh(device, "hilog -w query")[0]


def test_hilog_follow_prints_the_buffer_first(device):
    device.hilog.write("EARLY", "already there")
    out: list[bytes] = []
    seen = threading.Event()
    cancel = threading.Event()

    def collect(chunk: bytes) -> None:
        out.append(chunk)
        if b"later" in b"".join(out):
            seen.set()

    io = ShellIO(collect, collect, cancel=cancel)
    runner = threading.Thread(target=device.shell_session().run, args=("hilog", io))
    runner.start()
    deadline = time.monotonic() + 5
    while b"already there" not in b"".join(out) and time.monotonic() < deadline:
        time.sleep(0.01)
    device.hilog.write("LATE", "later")
    assert seen.wait(5)
    cancel.set()
    runner.join(5)
    text = b"".join(out).decode()
    assert text.index("already there") < text.index("later")


def test_date_sets_the_emulated_clock_only(device):
    assert sh(device, "date '2024-01-02 03:04:05'")[0].startswith("Tue Jan 02 03:04:05")
    shown = int(sh(device, "date +%s")[0])
    assert abs(shown - time.mktime((2024, 1, 2, 3, 4, 5, 0, 0, -1))) < 5
    assert abs(time.time() - shown) > 86400  # the host's clock did not move
    assert sh(device, "date 0102030424.05")[1] == 0
    assert sh(device, "date nonsense") == ("date: bad date 'nonsense'\n", 1)
