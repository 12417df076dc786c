"""Leases on one host: two processes never hold one device; a dead holder's device is taken over
and what it left set is restored first. Real processes, the emulated device over hdc."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from harness.embedded import EmbeddedEmulator
from harness.errors import LeaseError
from harness.registry import DeviceRegistry, LeaseTakenOver, RunOptions

HOLDER = Path(__file__).with_name("lease_holder.py")
DEVICE = "emu-0001"
TIMEOUT = 60.0


@pytest.fixture
def inventory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An emulator's endpoints file; journals and leases under tmp_path (for every process here)."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    emulator = EmbeddedEmulator(tmp_path / "emulator", "api10-doc")
    emulator.start()
    try:
        yield emulator.endpoints_file
    finally:
        emulator.stop()


@pytest.fixture
def hold(inventory: Path) -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """Start a holder process and wait until it holds the device."""
    started: list[subprocess.Popen[str]] = []

    def start(*extra: str) -> subprocess.Popen[str]:
        holder = subprocess.Popen(
            [sys.executable, str(HOLDER), str(inventory), DEVICE, *extra],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        started.append(holder)
        assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
        return holder

    yield start
    for holder in started:
        if holder.poll() is None:
            holder.kill()
        holder.wait(TIMEOUT)


def registry(inventory: Path, lease_timeout: float) -> DeviceRegistry:
    return DeviceRegistry(RunOptions(inventory=inventory, lease_timeout=lease_timeout))


def test_a_second_run_waits_then_exits_2_naming_the_holder(inventory: Path, hold):
    holder = hold()
    done = subprocess.run(
        [sys.executable, "-m", "harness.cli.main", "shell", DEVICE, "--inventory", str(inventory),
         "--lease-timeout", "0.5", "echo", "hello"],
        capture_output=True, text=True, timeout=TIMEOUT, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"device {DEVICE} is leased by pid {holder.pid} on {socket.gethostname()}, since " in done.stderr
    assert "waited 0.5 s (--lease-timeout)" in done.stderr
    assert "hello" not in done.stdout and "Traceback" not in done.stderr


def test_the_device_is_free_once_its_holder_ends(inventory: Path, hold):
    holder = hold()
    with pytest.raises(LeaseError, match=f"pid {holder.pid}"):
        registry(inventory, 0).get(DEVICE)
    assert holder.stdin is not None
    holder.stdin.close()  # the holder closes its registry and ends: a clean release
    assert holder.wait(TIMEOUT) == 0
    second = registry(inventory, TIMEOUT)
    try:
        assert second.get(DEVICE).shell("echo mine").output.strip() == "mine"
    finally:
        second.close()


def test_a_dead_holders_lease_is_taken_over_and_its_conditions_restored(inventory: Path, hold):
    holder = hold("unplug")
    os.kill(holder.pid, signal.SIGKILL)  # dies holding the device, its battery still mocked
    holder.wait(TIMEOUT)
    second = registry(inventory, TIMEOUT)
    try:
        with pytest.warns(
            LeaseTakenOver,
            match=rf"lease of pid {holder.pid} on .*; [1-9]\d* condition\(s\) it left were restored",
        ):
            device = second.get(DEVICE)
        battery = json.loads(device.shell("emuctl state").output)["battery"]
        assert battery["charging"] and battery["capacity"] != 12
    finally:
        second.close()


def test_a_second_suite_run_waits_once_then_exits_2_naming_the_holder(inventory: Path, hold, tmp_path: Path):
    holder = hold()
    done = subprocess.run(
        [sys.executable, "-m", "harness.cli.main", "run", "--inventory", str(inventory),
         "--lease-timeout", "1", "--no-report", "-k", "start_errors",
         "--results", str(tmp_path / "allure-results"),
         "--report", str(tmp_path / "allure-report")],
        capture_output=True, text=True, timeout=TIMEOUT * 3, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    assert (
        f"LeaseError: device {DEVICE} is leased by pid {holder.pid} on {socket.gethostname()}" in done.stdout
    )
    assert re.search(rf"{DEVICE}  \d+ broken · \d+ not run\n", done.stdout)  # all of its tests, one wait
    assert "Verdict  INCOMPLETE" in done.stdout
