"""`aa test` on the emulated device answers as OpenHarmony 4.0's aa and ability manager do."""

from __future__ import annotations

import threading
import time

import pytest

from ohos_emulator.device import DeviceConfig, EmulatedDevice
from ohos_emulator.profiles import get_profile
from ohos_emulator.shell.commands.aa_test import HELP_MSG_TEST, TIMEOUT

SHIM = "com.ohoshil.shim"
RUNNER = "-s unittest OpenHarmonyTestRunner"


@pytest.fixture
def device(tmp_path):
    dev = EmulatedDevice(DeviceConfig("emu-aatest", tmp_path / "dev", get_profile("api10-doc")))
    yield dev
    dev.close()


def sh(device: EmulatedDevice, line: str, cancel: threading.Event | None = None) -> tuple[str, int]:
    out: list[bytes] = []
    status = device.run_command(line, out.append, cancel=cancel)
    return b"".join(out).decode(), status


@pytest.mark.parametrize(
    ("line", "error"),
    [
        (f"aa test -m entry {RUNNER}", "error: the option [-b] is expected.\n"),
        (f"aa test -b {SHIM} -m entry", "error: the option [-s unittest] is expected.\n"),
        (
            f"aa test -b {SHIM} -m entry {RUNNER} -w 1.5",
            "error: option [-w] only supports integer numbers.\n",
        ),
        (f"aa test -b {SHIM} {RUNNER} -x", "error: unknown option: -x\n"),
        (f"aa test {RUNNER} -b", "error: option [-b] requires a value.\n"),
        (f"aa test -b {SHIM} -s unittest", "error: option [-s] is incorrect.\n"),
    ],
)
def test_bad_options_print_the_reason_and_the_usage(device, line, error):
    assert sh(device, line) == (error + HELP_MSG_TEST, 0)


def test_help(device):
    assert sh(device, "aa test -h") == (HELP_MSG_TEST, 0)


def test_a_bundle_that_is_not_installed(device):
    output = sh(device, f"aa test -b com.example.none -m entry {RUNNER}")
    assert output == ("error: failed to start user test.\nerror: get bundle info failed.\n", 0)


@pytest.mark.parametrize(
    ("module", "reason"),
    [("", "No module name is specified."), ("-m entry_test", "The specified module name is not found.")],
)
def test_the_module_must_be_the_bundles(device, module, reason):
    output = sh(device, f"aa test -b {SHIM} {module} {RUNNER}")
    expected = (
        f"TestFinished-ResultCode: -1\nTestFinished-ResultMsg: {reason}\nerror: failed to start user test.\n"
    )
    assert output == (expected, 0)


def test_a_bundle_without_a_test_runner_times_out_after_w_seconds(device):
    started = time.monotonic()
    assert sh(device, f"aa test -b {SHIM} -m entry {RUNNER} -w 1") == (TIMEOUT, 0)
    assert time.monotonic() - started >= 1.0


def test_without_w_it_waits_until_the_client_goes_away(device):
    cancel = threading.Event()
    result: list[tuple[str, int]] = []
    worker = threading.Thread(
        target=lambda: result.append(sh(device, f"aa test -b {SHIM} -m entry {RUNNER}", cancel))
    )
    worker.start()
    worker.join(0.5)
    assert worker.is_alive(), "aa test ended although nothing finished the test"
    cancel.set()
    worker.join(5)
    assert result == [("", 0)]
