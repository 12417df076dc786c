"""`aa test` on the emulated device answers as OpenHarmony 4.0's aa and ability manager do."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest

from ohos_emulator.device import DeviceConfig, EmulatedDevice
from ohos_emulator.hap_package import build_hap_from_dir
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


EXAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "test-bundles" / "cloudsync-example"
EXAMPLE_RUN = (
    "aa test -b com.ohoshil.example.cloudsynctest -m entry_test -s unittest OpenHarmonyTestRunner -w 30"
)
MIXED = """import { describe, it, expect } from '@ohos/hypium';
export default function testsuite() {
  describe('Mixed', () => {
    it('passes', 0, () => expect(1).assertEqual(1));
    it('fails', 0, () => expect(1).assertEqual(2));
    it('throws', 0, () => { throw new TypeError('boom'); });
  });
  describe('Other', () => { it('passes', 0, () => {}); });
}
"""


def _install(device: EmulatedDevice, tmp_path: Path, list_test: str | None = None) -> None:
    module = tmp_path / "module"
    shutil.copytree(EXAMPLE, module)
    if list_test is not None:
        (module / "ets" / "test" / "List.test.js").write_text(list_test)
    device.apps.install(build_hap_from_dir(module, tmp_path / "test.hap"))


def test_the_example_bundle_runs_and_reports(device, tmp_path):
    _install(device, tmp_path)
    output, status = sh(device, EXAMPLE_RUN)
    assert status == 0
    assert output.count("OHOS_REPORT_STATUS_CODE: 0\n") == 5, output
    assert "OHOS_REPORT_RESULT: stream=Tests run: 5, Failure: 0, Error: 0, Pass: 5, Ignore: 0\n" in output
    assert output.endswith(
        "TestFinished-ResultCode: 0\nTestFinished-ResultMsg: your test finished!!!\nuser test finished.\n"
    )


def test_failures_and_errors_get_their_codes(device, tmp_path):
    _install(device, tmp_path, MIXED)
    output = sh(device, EXAMPLE_RUN)[0]
    assert "test=fails\nOHOS_REPORT_STATUS_CODE: -2\n" in output
    assert (
        "stream=Error in throws, boom\nOHOS_REPORT_STATUS: test=throws\nOHOS_REPORT_STATUS_CODE: -1\n"
        in output
    )
    assert "Tests run: 4, Failure: 1, Error: 1, Pass: 2, Ignore: 0\nOHOS_REPORT_CODE: -1\n" in output


def test_class_filter_and_dry_run(device, tmp_path):
    _install(device, tmp_path, MIXED)
    output = sh(device, EXAMPLE_RUN + " -s class Mixed#passes,Other -s dryRun true")[0]
    assert output.startswith('{"suites":[{"Mixed":[{"itName":"passes"}]},{"Other":[{"itName":"passes"}]}]}\n')
    assert "TestFinished-ResultMsg: dry run finished!!!\n" in output


def test_a_runner_that_crashes_is_app_died(device, tmp_path):
    _install(device, tmp_path, "throw new Error('broken test file');\n")
    output = sh(device, EXAMPLE_RUN)[0]
    assert output == "TestFinished-ResultCode: -1\nTestFinished-ResultMsg: App died\nuser test finished.\n"


ESCAPE = """import { describe, it, expect } from '@ohos/hypium';
import childProcess from 'node:child_process';
import fs from 'node:fs';
function attempt(action) {
  try { action(); return 'done'; } catch (err) { return err.code || String(err); }
}
export default function testsuite() {
  describe('Escape', () => {
    it('spawn', 0, () =>
      expect(attempt(() => childProcess.execFileSync('touch', [MARKER]))).assertEqual('done'));
    it('write', 0, () => expect(attempt(() => fs.writeFileSync(MARKER, 'x'))).assertEqual('done'));
    it('read', 0, () => expect(attempt(() => fs.readFileSync(SECRET))).assertEqual('done'));
  });
}
"""


def test_a_test_bundle_cannot_reach_the_host(device, tmp_path):
    """A bundle's code comes from whoever installed it: it may not spawn, write or read host files."""
    marker, secret = tmp_path / "escaped", tmp_path / "secret"
    secret.write_text("host file")
    escape = ESCAPE.replace("MARKER", repr(str(marker))).replace("SECRET", repr(str(secret)))
    _install(device, tmp_path, escape)
    output = sh(device, EXAMPLE_RUN)[0]
    assert output.count("OHOS_REPORT_STATUS_CODE: -2\n") == 3, output
    assert "ERR_ACCESS_DENIED" in output
    assert not marker.exists()
