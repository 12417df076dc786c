"""hdc servers for interop tests: in-process, and `ohos-hil emulator serve` run as a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ohos_emulator.device import DeviceConfig, EmulatedDevice
from ohos_emulator.farm import device_serial
from ohos_emulator.fronts.hdc_server import HdcServer
from ohos_emulator.profiles import get_profile
from ohos_protocol.processes import stop_process

REPO = Path(__file__).resolve().parents[2]
SERIALS = [device_serial(0), device_serial(1)]
STARTUP_SECONDS = 30.0


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int
    serials: list[str]

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


@pytest.fixture(scope="module")
def in_process_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    state = tmp_path_factory.mktemp("emulated")
    devices = [EmulatedDevice(DeviceConfig(s, state / s, get_profile("api10-doc"))) for s in SERIALS]
    server = HdcServer({d.serial: d for d in devices}, host_files=[tmp_path_factory.getbasetemp()]).start()
    yield Endpoint(*server.address, SERIALS)
    server.close()
    for device in devices:
        device.close()


@pytest.fixture(scope="module")
def served_farm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    """`ohos-hil emulator serve --devices 2 --hdc-port 0` as a subprocess, terminated at teardown."""
    work = tmp_path_factory.mktemp("farm")
    endpoints = work / "endpoints.json"
    command = [sys.executable, "-m", "harness.cli.main", "emulator", "serve", "--devices", "2"]
    command += ["--hdc-port", "0", "--state-dir", str(work / "state"), "--endpoints-file", str(endpoints)]
    command += ["--host-files", str(tmp_path_factory.getbasetemp())]  # the legacy forms' files
    log = (work / "serve.log").open("wb")
    process = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not endpoints.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                output = (work / "serve.log").read_text(errors="replace")
                pytest.fail(f"`emulator serve` did not write {endpoints} (exit {process.poll()}):\n{output}")
            time.sleep(0.05)
        data = json.loads(endpoints.read_text())
        host, port = data["hdc"].rsplit(":", 1)
        yield Endpoint(host, int(port), [d["id"] for d in data["devices"]])
    finally:
        stop_process(process, 10)
        log.close()


@pytest.fixture(params=["in-process", "emulator-serve"])
def hdc_endpoint(request: pytest.FixtureRequest) -> Endpoint:
    name = "in_process_server" if request.param == "in-process" else "served_farm"
    return request.getfixturevalue(name)
