"""N emulated devices behind their fronts, as `ohos-hil emulator serve` runs them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.emulator.device import DeviceConfig, EmulatedDevice
from harness.emulator.fronts.hdc_server import HdcServer
from harness.emulator.profiles import BehaviourProfile

HOST = "127.0.0.1"


def device_serial(index: int) -> str:
    """The connect key of the index-th (0-based) emulated device."""
    return f"emu-{index + 1:04d}"


@dataclass(frozen=True)
class FarmConfig:
    devices: int
    state_dir: Path
    profile: BehaviourProfile
    hdc_port: int = 0
    time_scale: float = 0.05


class EmulatorFarm:
    """Builds the devices, starts their fronts, reports the endpoints, and closes it all."""

    def __init__(self, config: FarmConfig) -> None:
        if config.devices < 1:
            raise ValueError("an emulator farm needs at least one device")
        self.config = config
        self.devices = [
            EmulatedDevice(
                DeviceConfig(
                    serial=device_serial(i),
                    state_dir=config.state_dir / device_serial(i),
                    profile=config.profile,
                    time_scale=config.time_scale,
                )
            )
            for i in range(config.devices)
        ]
        self.hdc = HdcServer({device.serial: device for device in self.devices}, HOST, config.hdc_port)

    def start(self) -> EmulatorFarm:
        self.hdc.start()
        return self

    def endpoints(self) -> dict[str, Any]:
        host, port = self.hdc.address
        return {
            "profile": self.config.profile.name,
            "stateDir": str(self.config.state_dir),
            "hdc": f"{host}:{port}",
            "devices": [{"serial": device.serial} for device in self.devices],
        }

    def write_endpoints(self, path: Path) -> None:
        temporary = path.with_suffix(path.suffix + ".tmp")
        temporary.write_text(json.dumps(self.endpoints(), indent=2) + "\n", encoding="utf-8")
        temporary.replace(path)

    def close(self) -> None:
        self.hdc.close()
        for device in self.devices:
            device.close()

    def __enter__(self) -> EmulatorFarm:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
