"""Device commands stream: dd, cat, cp, redirections and checksums hold a few MiB at most, and the
/data quota stops them as they go."""

from __future__ import annotations

import hashlib
import tracemalloc

import pytest

from ohos_emulator.device import DeviceConfig, EmulatedDevice
from ohos_emulator.profiles import get_profile

MiB = 1024 * 1024
PEAK_LIMIT = 8 * MiB


@pytest.fixture
def device(tmp_path):
    dev = EmulatedDevice(DeviceConfig("emu-stream", tmp_path / "dev", get_profile("api10-doc")))
    yield dev
    dev.close()


def sh(device: EmulatedDevice, line: str) -> tuple[str, int]:
    out: list[bytes] = []
    status = device.run_command(line, out.append)
    return b"".join(out).decode(errors="replace"), status


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
