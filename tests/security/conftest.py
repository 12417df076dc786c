"""A live emulated farm (`ohos-hil-emulator serve` as a child process) for the hostile-client suite."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator

import pytest
from hostile import FRAME_TIMEOUT, MAX_CONNECTIONS, STARTUP_SECONDS, Farm

from harness.controls.journal import RestoreJournal
from harness.device.device import Device
from harness.emulator_program import emulator_command
from harness.trace import Trace
from harness.transport.hdc import HdcTransport
from ohos_protocol.names import CAPABILITIES
from ohos_protocol.processes import stop_process


@pytest.fixture(scope="package")
def farm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Farm]:
    work = tmp_path_factory.mktemp("hostile")
    allowed = work / "allowed"
    allowed.mkdir()
    endpoints = work / "endpoints.json"
    command = emulator_command("serve", "--hdc-port", "0", "--state-dir", str(work / "state"))
    command += ["--endpoints-file", str(endpoints), "--host-files", str(allowed)]
    command += ["--frame-timeout", str(FRAME_TIMEOUT), "--max-connections", str(MAX_CONNECTIONS)]
    log_path = work / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=work, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while not endpoints.exists():
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"`emulator serve` did not start:\n{log_path.read_text(errors='replace')}")
                time.sleep(0.05)
            data = json.loads(endpoints.read_text())
            host, port = data["hdc"].rsplit(":", 1)
            yield Farm(process, host, int(port), data["devices"][0]["id"], log_path, allowed)
        finally:
            stop_process(process, 10)


@pytest.fixture(scope="package")
def device(farm: Farm, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Device]:
    trace = Trace()
    transport = HdcTransport(farm.serial, farm.host, farm.port, trace)
    journal = RestoreJournal(tmp_path_factory.mktemp("journal") / "journal.jsonl")
    opened = Device(farm.serial, transport, journal=journal, capabilities=CAPABILITIES, trace=trace)
    yield opened
    opened.close()
