"""xdevice + xdevice-ohos (OpenHarmony's test framework, from PyPI) against a 2-device emulated farm.

xdevice is driven as a test script drives it: a ``config/user_config.xml`` names the farm's hdc
server, EnvironmentManager discovers the devices and hands them out by serial, and xdevice-ohos's
Device does the work (shell over hdc's socket protocol; file send/recv and `target mount` through
the hdc CLI it runs; bm install/uninstall). The session runs in a child process with a deadline
(tests/interop/xdevice_session.py); a hang is reported with every thread's stack.

xdevice needs an `hdc` executable on PATH: its HdcMonitor stops at once without one (so it
discovers nothing and waits for devices until its check times out), and Device.push_file,
pull_file and connector_command run `hdc -t SERIAL ...`. These tests skip when there is none.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ohos_emulator.hap_package import build_hap_from_dir, write_hap

if TYPE_CHECKING:
    from tests.interop.conftest import Endpoint

SESSION = Path(__file__).with_name("xdevice_session.py")
EXAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "test-bundles" / "cloudsync-example"
EXAMPLE_BUNDLE = "com.ohoshil.example.cloudsynctest"
EXAMPLE_TESTS = {
    "GallerySyncTest": [
        "constructsAGallerySync",
        "startWithoutPermissionRejects201",
        "stopWithoutPermissionRejects201",
    ],
    "DownloadTest": ["startWithoutPermissionRejects201", "stopWithoutPermissionRejects201"],
}
SESSION_DEADLINE = 90
BUNDLE = "com.example.xdevicecheck"
USER_CONFIG = """<user_config>
  <environment>
    <device type="usb-hdc"><info ip="{host}" port="{port}" sn="" alias=""/></device>
  </environment>
  <testcases><dir>{work}/testcases</dir></testcases>
  <resource><dir/></resource>
  <devicelog><enable>OFF</enable><loglevel>INFO</loglevel><dir/></devicelog>
  <loglevel>DEBUG</loglevel>
</user_config>
"""

pytestmark = [
    pytest.mark.timeout(SESSION_DEADLINE + 60),
    pytest.mark.skipif(shutil.which("hdc") is None, reason="xdevice runs the hdc CLI and none is on PATH"),
]


def _third_party_hap(path: Path) -> Path:
    """A HAP of an ordinary app: it installs and uninstalls (a pre-installed system app cannot)."""
    app = {"bundleName": BUNDLE, "versionCode": 1, "versionName": "1.0", "targetAPIVersion": 10}
    module = {
        "name": "entry",
        "type": "entry",
        "mainElement": "EntryAbility",
        "abilities": [{"name": "EntryAbility"}],
    }
    return write_hap({"app": app, "module": module}, path)


def _xdevice_work(farm: Endpoint, work: Path) -> dict[str, str]:
    """A user_config.xml for ``farm`` in ``work``; the environment xdevice runs in."""
    (work / "config").mkdir()
    (work / "testcases").mkdir()
    config = USER_CONFIG.format(host=farm.host, port=farm.port, work=work)
    (work / "config" / "user_config.xml").write_text(config)
    # Device.connector_command runs `hdc -t SERIAL` without -s for 127.0.0.1: the CLI finds the
    # server through OHOS_HDC_SERVER_PORT, as it does for a user with a non-default port.
    return {**os.environ, "OHOS_HDC_SERVER_PORT": str(farm.port)}


@pytest.fixture(scope="module")
def session(served_farm: Endpoint, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], dict]:
    """Every operation's result, by (operation, serial); discovery's serial is all of them."""
    work = tmp_path_factory.mktemp("xdevice")
    env = _xdevice_work(served_farm, work)
    hap = _third_party_hap(work / "check.hap")
    command = [sys.executable, str(SESSION), str(SESSION_DEADLINE), str(work), str(hap), BUNDLE]
    try:
        done = subprocess.run(
            command + served_farm.serials,
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=SESSION_DEADLINE + 15,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"the xdevice session did not end in {SESSION_DEADLINE + 15} s:\n{exc.stderr}")
    results = {}
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            result = json.loads(line)
            results[(result["op"], result["serial"])] = result
    if done.returncode != 0:
        pytest.fail(
            f"the xdevice session exited {done.returncode}; last log lines:\n"
            + "\n".join(done.stderr.splitlines()[-40:])
        )
    return results


def _result(session: dict, operation: str, serial: str) -> dict:
    if (operation, serial) not in session:
        pytest.fail(f"xdevice's session has no {operation} result for {serial}: {sorted(session)}")
    return session[(operation, serial)]


def test_xdevice_discovers_every_device(session: dict, served_farm: Endpoint) -> None:
    result = _result(session, "discovery", ",".join(served_farm.serials))
    assert result["found"] == sorted(served_farm.serials), f"xdevice found {result['found']}"


@pytest.mark.parametrize("index", [0, 1])
def test_xdevice_boot_and_availability_checks(session: dict, served_farm: Endpoint, index: int) -> None:
    result = _result(session, "boot", served_farm.serials[index])
    assert result["completed"] == "true", f"param get bootevent.boot.completed said {result['completed']!r}"
    assert result["available"], "xdevice's wait_for_device_available gave up"


@pytest.mark.parametrize("index", [0, 1])
def test_xdevice_shell(session: dict, served_farm: Endpoint, index: int) -> None:
    output = _result(session, "shell", served_farm.serials[index])["output"]
    assert output == "xdevice-ok\nroot\n", f"shell printed {output!r}"


@pytest.mark.parametrize("index", [0, 1])
def test_xdevice_push_keeps_the_data(session: dict, served_farm: Endpoint, index: int) -> None:
    result = _result(session, "push", served_farm.serials[index])
    assert result["device_sha256"] == [result["local_sha256"]], "the pushed file differs on the device"


@pytest.mark.parametrize("index", [0, 1])
def test_xdevice_pull_keeps_the_data(session: dict, served_farm: Endpoint, index: int) -> None:
    result = _result(session, "pull", served_farm.serials[index])
    assert result["pulled_sha256"] == result["local_sha256"], "the pulled file differs (or is missing)"


@pytest.mark.parametrize("index", [0, 1])
def test_xdevice_install_and_uninstall(session: dict, served_farm: Endpoint, index: int) -> None:
    serial = served_farm.serials[index]
    install = _result(session, "install", serial)
    assert install["output"] == "install bundle successfully.\n", f"bm install said {install['output']!r}"
    assert install["listed"], f"{BUNDLE} is not in `bm dump -a` after install"
    uninstall = _result(session, "uninstall", serial)
    assert uninstall["output"] == "uninstall bundle successfully.\n", f"bm said {uninstall['output']!r}"
    assert not uninstall["listed"], f"{BUNDLE} is still in `bm dump -a` after uninstall"


def test_xdevice_runs_the_example_ohjsunit_bundle(served_farm: Endpoint, tmp_path: Path) -> None:
    """`xdevice run -l CloudSyncExample`: AppInstallKit installs the example test HAP, OHJSUnitTest
    lists it (`-s dryRun true`), runs it with `aa test` and parses the OHOS_REPORT stream."""
    env = _xdevice_work(served_farm, tmp_path)
    build_hap_from_dir(EXAMPLE, tmp_path / "testcases" / "CloudSyncExample.hap")
    driver = {
        "type": "OHJSUnitTest",
        "bundle-name": EXAMPLE_BUNDLE,
        "module-name": "entry_test",
        "shell-timeout": "60000",
        "test-timeout": "30",
    }
    kit = {"type": "AppInstallKit", "test-file-name": ["CloudSyncExample.hap"], "cleanup-apps": "true"}
    (tmp_path / "testcases" / "CloudSyncExample.json").write_text(
        json.dumps({"driver": driver, "kits": [kit]})
    )
    command = [
        sys.executable,
        "-m",
        "xdevice",
        "run",
        "-l",
        "CloudSyncExample",
        "-rp",
        str(tmp_path / "reports"),
    ]
    try:
        done = subprocess.run(
            command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=SESSION_DEADLINE
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"`xdevice run` did not end in {SESSION_DEADLINE} s:\n{exc.stdout}")
    result = tmp_path / "reports" / "result" / "CloudSyncExample.xml"
    if not result.exists():
        pytest.fail(f"xdevice wrote no {result} (exit {done.returncode}):\n" + done.stdout[-4000:])
    suites = ET.parse(result).getroot()  # noqa: S314 (xdevice wrote it, in this test's own folder)
    counts = {key: suites.get(key) for key in ("tests", "failures", "errors", "unavailable")}
    assert counts == {"tests": "5", "failures": "0", "errors": "0", "unavailable": "0"}, counts
    parsed = {suite.get("name"): [case.get("name") for case in suite.iter("testcase")] for suite in suites}
    assert parsed == EXAMPLE_TESTS, f"xdevice parsed {parsed}"
    assert all(case.get("result") == "true" for case in suites.iter("testcase"))
