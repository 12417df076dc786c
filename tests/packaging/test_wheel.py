"""The harness as users install it: a wheel in a fresh virtual environment, run outside the checkout.

Nothing of the source tree is reachable from the installed commands: they run in an empty folder
with the checkout neither the working directory nor on ``sys.path``, so a data file that the wheel
does not ship (suites, waivers, shim HAP manifests, the JS shim, spec editions) fails these tests.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import venv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ohos_protocol.processes import stop_process

REPO = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT = 300.0
INSTALL_TIMEOUT = 600.0
COMMAND_TIMEOUT = 300.0
STARTUP_SECONDS = 60.0
ALLURE_INSTALL = "npm install --no-save allure@"

pytestmark = pytest.mark.timeout(1500)


@dataclass(frozen=True)
class Installed:
    """The installed harness: its environment's ``bin`` folder and an empty folder to run in."""

    bin: Path
    workdir: Path

    def env(self) -> dict[str, str]:
        path = os.pathsep.join([str(self.bin), *os.environ.get("PATH", "").split(os.pathsep)])
        clean = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
        return {**clean, "PATH": path, "HOME": str(self.workdir)}

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin / args[0]), *args[1:]], cwd=self.workdir, env=self.env(),
            capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=False,
        )  # fmt: skip


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """`pip wheel .` of the checkout, installed with its dependencies into a new venv."""
    root = tmp_path_factory.mktemp("wheel")
    dist = root / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(REPO)],
        check=True, timeout=BUILD_TIMEOUT, capture_output=True,
    )  # fmt: skip
    (wheel,) = dist.glob("ohos_hil-*.whl")
    venv.create(root / "venv", with_pip=True)
    bin_dir = root / "venv" / "bin"
    subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True, timeout=INSTALL_TIMEOUT, capture_output=True,
    )  # fmt: skip
    workdir = root / "empty"
    workdir.mkdir()
    return Installed(bin_dir, workdir)


@pytest.fixture(scope="module")
def served(installed: Installed) -> Iterator[Path]:
    """The installed `ohos-hil-emulator serve` on free ports; yields its endpoints file."""
    state = installed.workdir / "emulator-state"
    endpoints = installed.workdir / "endpoints.json"
    command = [str(installed.bin / "ohos-hil-emulator"), "serve", "--devices", "1", "--hdc-port", "0"]
    command += ["--ssh-port", "0", "--serial-port", "0", "--state-dir", str(state)]
    command += ["--endpoints-file", str(endpoints)]
    log_path = installed.workdir / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=installed.workdir, env=installed.env(), stdout=log, stderr=subprocess.STDOUT
        )
        try:
            _wait_for_endpoints(endpoints, process, log_path)
            yield endpoints
        finally:
            stop_process(process, 15)


def _wait_for_endpoints(endpoints: Path, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            if json.loads(endpoints.read_text(encoding="utf-8")).get("devices"):
                return
        except (OSError, ValueError):
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            output = log.read_text(errors="replace")
            pytest.fail(f"installed `serve` wrote no {endpoints} (exit {process.poll()}):\n{output}")
        time.sleep(0.1)


def test_the_wheel_ships_the_suites_and_nothing_of_the_checkout_is_used(installed: Installed):
    probe = "import harness.packaged as p, ohos_protocol.hap as h; print(p.SUITES); print(h.HAP_DIR)"
    done = installed.run("python", "-c", probe)
    assert done.returncode == 0, done.stderr
    for line in done.stdout.split():
        assert "site-packages" in line and not line.startswith(str(REPO)), done.stdout
    suites = Path(done.stdout.split()[0])
    assert sorted(p.name for p in suites.iterdir() if p.is_dir() and p.name != "__pycache__") == sorted(
        p.name for p in (REPO / "suites").iterdir() if p.is_dir() and p.name != "__pycache__"
    )


def test_installed_serve_and_doctor_work_from_an_empty_folder(installed: Installed, served: Path):
    device = json.loads(served.read_text(encoding="utf-8"))["devices"][0]["id"]
    doctor = installed.run("ohos-hil", "doctor", device, "--inventory", str(served), "--transport", "hdc")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    devices = installed.run("ohos-hil", "devices", "--inventory", str(served))
    assert devices.returncode == 0 and device in devices.stdout, devices.stdout + devices.stderr


def test_installed_run_writes_results_junit_and_matrix(installed: Installed):
    run = installed.run("ohos-hil", "run", "--no-report", "-k", "start_errors")
    assert run.returncode == 0, run.stdout + run.stderr
    reports = installed.workdir / "reports"
    verdicts = [json.loads(line) for line in (reports / "verdicts.jsonl").read_text().splitlines()]
    tests = [v for v in verdicts if v["record"] == "test"]
    assert all(v["nodeid"].startswith("suites_data/") for v in tests), tests[0]["nodeid"]
    assert len(tests) >= 5 and {v["verdict"] for v in tests} == {"pass"}, tests
    assert (reports / "junit.xml").stat().st_size > 0
    assert "emu-0001" in (reports / "conformance-matrix.md").read_text(encoding="utf-8")
    assert any((reports / "allure-results").glob("*-result.json"))


@pytest.mark.skipif(shutil.which("npx") is None, reason="Node.js is not on PATH (CI installs it)")
def test_installed_run_without_allure_names_the_command_that_installs_it(installed: Installed):
    run = installed.run("ohos-hil", "run", "-k", "start_errors")
    assert run.returncode == 2
    assert ALLURE_INSTALL in run.stderr and "--no-report" in run.stderr, run.stderr


def test_installed_requirements_table_collects_the_packaged_suites(installed: Installed):
    done = installed.run("ohos-hil", "requirements")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "requirements of api10-doc are checked by at least one test" in done.stdout
