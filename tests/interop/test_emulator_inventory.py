"""`ohos-hil emulator serve` on ports of its own choosing, driven through devices/emulator.yaml and
through the endpoints file it writes in its state folder (both are inventories)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ohos_protocol.processes import stop_process

REPO = Path(__file__).resolve().parents[2]
INVENTORY = REPO / "devices" / "emulator.yaml"
SERVE = ["--devices", "2", "--hdc-port", "0"]  # free ports for hdc, SSH and the consoles
SERVE += ["--serial-login", "root:OHOS_HIL_SERIAL_PASSWORD"]


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
    yield env, "".join(lines), state
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


def test_serve_prints_every_endpoint_and_writes_them_as_an_inventory(served):
    _, banner, state = served
    endpoints = json.loads((state / "endpoints.json").read_text())
    assert f"hdc server  {endpoints['hdc']}" in banner
    for device in endpoints["devices"]:
        transports = device["transports"]
        assert f"port={transports['ssh']['port']}" in banner
        assert transports["serial"]["socket"] in banner
        assert transports["serial"]["login"] == {"user": "root", "password_env": "OHOS_HIL_SERIAL_PASSWORD"}
    assert f"inventory   {state / 'endpoints.json'}" in banner
    assert "pty=/dev/pts/" in banner


def test_the_endpoints_file_is_an_inventory(served):
    env, _, state = served
    result = ohos_hil(env, "devices", "--inventory", str(state / "endpoints.json"), "--transport", "serial")
    assert result.returncode == 0, result.stdout + result.stderr
    assert [line.split()[:3] for line in result.stdout.splitlines()[1:]] == [
        ["emu-0001", "serial", "yes"],
        ["emu-0002", "serial", "yes"],
    ]


def test_every_device_is_reachable_over_every_transport(served):
    env, _, _ = served
    result = ohos_hil(env, "devices", "--inventory", str(INVENTORY))
    assert result.returncode == 0, result.stdout + result.stderr
    rows = [line.split() for line in result.stdout.splitlines()[1:]]
    assert {(row[0], row[1], row[2]) for row in rows} == {
        (device, transport, "yes")
        for device in ("emu-0001", "emu-0002")
        for transport in ("hdc", "ssh", "serial")
    }


def test_doctor_gives_a_verdict_per_transport(served):
    env, _, _ = served
    result = ohos_hil(env, "doctor", "emu-0002", "--inventory", str(INVENTORY))
    assert result.returncode == 0, result.stdout + result.stderr
    for transport in ("hdc", "ssh", "serial"):
        assert f"emu-0002 over {transport}" in result.stdout
    verdicts = [line.split()[0] for line in result.stdout.splitlines() if line.startswith("  ")]
    assert len(verdicts) == 15 and set(verdicts) == {"OK"}
