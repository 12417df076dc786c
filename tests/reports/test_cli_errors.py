"""CLI errors as verdicts: `devices` and `doctor` on unreachable transports, `shell` and its exit status."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cli_runs import ohos_hil

UNREACHABLE_PORT = "9"  # discard: nothing listens on 127.0.0.1:9 on a test machine


DEAD_DEVICE = """
  - id: {id}
    transports:
      hdc: {{server: "127.0.0.1:9", connect_key: {id}}}
      ssh: {{host: 127.0.0.1, port: 9, user: root, key_file: no-state/id_ed25519}}
      serial:
        url: "socket://127.0.0.1:9"
        login: {{user: root, password_env: OHOS_HIL_SERIAL_PASSWORD}}"""
DEAD = "devices:" + "".join(DEAD_DEVICE.format(id=device) for device in ("emu-0001", "emu-0002")) + "\n"


@pytest.fixture
def dead_inventory(tmp_path: Path) -> Path:
    """Two devices whose every transport points where nothing listens (the discard port)."""
    inventory = tmp_path / "dead.yaml"
    inventory.write_text(DEAD)
    return inventory


def _env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "OHOS_HIL_EMULATOR_STATE": str(tmp_path / "no-state")}
    env.pop("OHOS_HIL_SERIAL_PASSWORD", None)
    return env


def test_devices_says_one_line_per_unreachable_transport_and_exits_2(tmp_path: Path, dead_inventory: Path):
    run = ohos_hil("devices", "--inventory", str(dead_inventory), home=tmp_path, env=_env(tmp_path))
    assert run.exit_status == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    rows = run.stdout.splitlines()[1:]
    assert [row.split()[:3] for row in rows] == [
        [device, transport, "no"]
        for device in ("emu-0001", "emu-0002")
        for transport in ("hdc", "ssh", "serial")
    ]
    hdc = rows[0]
    assert hdc.endswith(f"cannot connect to the hdc server 127.0.0.1:{UNREACHABLE_PORT} (connection refused)")
    assert rows[2].endswith(f"is not set [{dead_inventory}:2]")  # the whole reason, not cut


def test_doctor_fails_each_unreachable_transport_and_exits_2(tmp_path: Path, dead_inventory: Path):
    args = ("doctor", "emu-0001", "--inventory", str(dead_inventory), "--transport", "hdc")
    run = ohos_hil(*args, home=tmp_path, env=_env(tmp_path))
    assert run.exit_status == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr and run.stderr == ""
    assert "  FAIL  reachable, shell works    [emu-0001/hdc]" in run.stdout
    assert run.stdout.count("  SKIP  ") == 4


@pytest.mark.parametrize(
    ("words", "status", "output"),
    [
        (["exit 3"], 3, ""),
        (["echo out; exit 250"], 250, "out\n"),
        (["printf", "no-newline"], 0, "no-newline"),
        (["--timeout", "20", "echo", "after options"], 0, "after options\n"),
        (["--", "echo", "--not-an-option"], 0, "--not-an-option\n"),
    ],
    ids=["exit", "output-then-exit", "no-newline", "options-after-device", "after-double-dash"],
)
def test_shell_returns_the_commands_own_exit_status(tmp_path: Path, words, status, output):
    run = ohos_hil("shell", "emu-0001", *words, home=tmp_path)
    assert (run.exit_status, run.stdout) == (status, output), run.stderr


def test_shell_options_after_the_device_are_options(tmp_path: Path):
    run = ohos_hil("shell", "emu-0001", "--inventory", str(tmp_path / "none.yaml"), "ls", home=tmp_path)
    assert run.exit_status == 64, run.stdout + run.stderr
    assert "none.yaml" in run.stderr and "not found" not in run.stdout + run.stderr


def test_shell_usage_says_where_options_go(tmp_path: Path):
    run = ohos_hil("shell", "--help", home=tmp_path)
    assert "ohos-hil shell [OPTIONS] DEVICE [OPTIONS] [--] CMD..." in run.stdout
