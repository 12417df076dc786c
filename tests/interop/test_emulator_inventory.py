"""`ohos-hil emulator serve` on the fixed ports of devices/emulator.yaml, driven through that inventory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ohos_protocol.processes import stop_process

REPO = Path(__file__).resolve().parents[2]
INVENTORY = REPO / "devices" / "emulator.yaml"
SERVE = ["--devices", "2", "--hdc-port", "18710", "--ssh-port", "18722", "--serial-port", "18730"]
SERVE += ["--serial-login", "root:OHOS_HIL_SERIAL_PASSWORD"]  # as devices/emulator.yaml says


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    state = tmp_path_factory.mktemp("emulator-state")
    env = {**os.environ, "OHOS_HIL_EMULATOR_STATE": str(state), "OHOS_HIL_SERIAL_PASSWORD": "openharmony"}
    command = [
        sys.executable,
        "-m",
        "harness.cli.main",
        "emulator",
        "serve",
        *SERVE,
        "--state-dir",
        str(state),
    ]
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert process.stdout is not None
    lines = []
    for raw in process.stdout:
        lines.append(raw.decode(errors="replace"))
        if raw.strip() == b"ready":
            break
    else:
        pytest.fail("`emulator serve` ended before it was ready:\n" + "".join(lines))
    yield env, "".join(lines)
    stop_process(process, 15)


def ohos_hil(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness.cli.main", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_serve_prints_every_endpoint(served):
    _, banner = served
    for endpoint in (
        "hdc server  127.0.0.1:18710",
        "port=18722",
        "port=18723",
        "socket://127.0.0.1:18730",
        "socket://127.0.0.1:18731",
        "pty=/dev/pts/",
    ):
        assert endpoint in banner


def test_every_device_is_reachable_over_every_transport(served):
    env, _ = served
    result = ohos_hil(env, "devices", "--inventory", str(INVENTORY))
    assert result.returncode == 0, result.stdout + result.stderr
    rows = [line.split() for line in result.stdout.splitlines()[1:]]
    assert {(row[0], row[1], row[2]) for row in rows} == {
        (device, transport, "yes")
        for device in ("emu-0001", "emu-0002")
        for transport in ("hdc", "ssh", "serial")
    }


def test_doctor_gives_a_verdict_per_transport(served):
    env, _ = served
    result = ohos_hil(env, "doctor", "emu-0002", "--inventory", str(INVENTORY))
    assert result.returncode == 0, result.stdout + result.stderr
    for transport in ("hdc", "ssh", "serial"):
        assert f"emu-0002 over {transport}" in result.stdout
    verdicts = [line.split()[0] for line in result.stdout.splitlines() if line.startswith("  ")]
    assert len(verdicts) == 15 and set(verdicts) == {"OK"}
