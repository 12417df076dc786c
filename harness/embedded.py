"""The embedded emulated device: `ohos-hil emulator serve` in a child process, for runs with no inventory."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

from harness.emulator_program import emulator_command
from harness.errors import ConfigError, InfrastructureError
from ohos_protocol.processes import stop_process

START_TIMEOUT = 60.0
EXIT_USAGE = 64


class EmbeddedEmulator:
    """Starts the emulator on free ports, reads its endpoints, stops it at the end."""

    def __init__(
        self, state_dir: Path, profile: str, devices: int = 1, extra_args: tuple[str, ...] = ()
    ) -> None:
        self.state_dir = state_dir
        self.profile = profile
        self.devices = devices
        self.extra_args = extra_args
        self._process: subprocess.Popen[bytes] | None = None
        self.endpoints: dict[str, Any] = {}
        self.endpoints_file = state_dir / "endpoints.json"

    def start(self) -> dict[str, Any]:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        endpoints_file = self.endpoints_file
        endpoints_file.unlink(missing_ok=True)
        log = (self.state_dir / "emulator.log").open("wb")
        command = [
            *emulator_command("serve"),
            "--devices", str(self.devices), "--hdc-port", "0", "--state-dir", str(self.state_dir),
            "--profile", self.profile, "--endpoints-file", str(endpoints_file), *self.extra_args,
        ]  # fmt: skip
        self._process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        log.close()
        deadline = time.monotonic() + START_TIMEOUT
        while not endpoints_file.exists():
            if self._process.poll() is not None:
                if self._process.returncode == EXIT_USAGE:  # a profile or deviation it does not know
                    raise ConfigError(f"the embedded emulator refused its options: {self.log_tail(3)}")
                raise InfrastructureError(
                    f"the embedded emulator exited with {self._process.returncode}: {self.log_tail()}"
                )
            if time.monotonic() > deadline:
                self.stop()
                raise InfrastructureError(
                    f"the embedded emulator did not start within {START_TIMEOUT:g} s: {self.log_tail()}"
                )
            time.sleep(0.02)
        self.endpoints = json.loads(endpoints_file.read_text(encoding="utf-8"))
        return self.endpoints

    def log_tail(self, lines: int = 20) -> str:
        log = self.state_dir / "emulator.log"
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""

    def stop(self, timeout: float = 15.0) -> None:
        if self._process is None:
            return
        stop_process(self._process, timeout)
        self._process = None
