"""A real labgrid farm on 127.0.0.1 for the tests: a coordinator, and per lab host an
`ohos-hil-emulator serve` (two devices unless told) with a `labgrid-exporter` exporting them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
STARTUP_SECONDS = 60.0
Process = subprocess.Popen[bytes]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_text(
    path: Path, text: str, process: subprocess.Popen[bytes], timeout: float = STARTUP_SECONDS
) -> None:
    """Until ``text`` is in the log ``path``; an AssertionError with the log if the process ends first."""
    deadline = time.monotonic() + timeout
    while True:
        log = path.read_text(errors="replace") if path.exists() else ""
        if text in log:
            return
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"{path.name}: no {text!r} (exit {process.poll()}):\n{log[-3000:]}")
        time.sleep(0.05)


@dataclass
class LabProcesses:
    """Every process of the farm, stopped (SIGTERM, then SIGKILL) by ``stop``."""

    work: Path
    env: dict[str, str]
    processes: list[Process] = field(default_factory=list)

    def start(
        self, name: str, command: list[str], cwd: Path | None = None
    ) -> tuple[subprocess.Popen[bytes], Path]:
        log = self.work / f"{name}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                command, cwd=cwd or self.work, stdout=output, stderr=subprocess.STDOUT, env=self.env
            )
        self.processes.append(process)
        return process, log

    def coordinator(self, port: int) -> Process:
        process, log = self.start(
            "coordinator", [str(BIN / "labgrid-coordinator"), "-l", f"127.0.0.1:{port}"]
        )
        wait_for_text(log, "listening on", process)
        return process

    def lab_host(self, name: str, address: str, extra_config: str = "", devices: int = 2) -> Path:
        """A lab host: its emulated devices, its exporter; returns the endpoints file (its inventory)."""
        state = self.work / name
        endpoints = state / "endpoints.json"
        serve = [str(BIN / "ohos-hil-emulator"), "serve", "--devices", str(devices), "--hdc-port", "0"]
        serve += ["--ssh-port", "0", "--serial-port", "0", "--state-dir", str(state)]
        process, log = self.start(f"serve-{name}", serve, cwd=REPO)
        wait_for_text(log, "ready", process)
        command = [sys.executable, "-m", "harness.cli.main", "labgrid", "exporter-config"]
        config = subprocess.run(
            [*command, "--inventory", str(endpoints)],
            capture_output=True, text=True, check=True, env=self.env, timeout=60,
        )  # fmt: skip
        exporter_yaml = self.work / f"exporter-{name}.yaml"
        exporter_yaml.write_text(config.stdout + extra_config)
        exporter = [str(BIN / "labgrid-exporter"), "-c", address, "-n", name, str(exporter_yaml)]
        process, log = self.start(f"exporter-{name}", exporter)
        wait_for_text(log, "Exporter ready", process)
        return endpoints

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for process in reversed(self.processes):
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


def lab_env(work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["XDG_STATE_HOME"] = str(work / "xdg-state")  # journals and holder records of these runs only
    env.pop("LG_COORDINATOR", None)
    env.pop("LG_USERNAME", None)
    return env


@dataclass(frozen=True)
class Lab:
    address: str
    work: Path
    env: dict[str, str]

    def places_command(self, endpoints: Path, exporter: str, tags: str) -> None:
        command = [
            sys.executable,
            "-m",
            "harness.cli.main",
            "labgrid",
            "places",
            "--coordinator",
            self.address,
        ]
        command += ["--inventory", str(endpoints), "--exporter", exporter, "--tags", tags]
        subprocess.run(command, check=True, env=self.env, timeout=60, capture_output=True)

    def client(self, *args: str, user: str | None = None) -> subprocess.CompletedProcess[str]:
        """labgrid-client as people use it on the same places."""
        env = dict(self.env, LG_COORDINATOR=self.address)
        if user:
            env["LG_USERNAME"] = user
        command = [str(Path(sys.executable).parent / "labgrid-client"), *args]
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60, check=False)
