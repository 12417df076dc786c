"""N emulated devices behind their fronts, as `ohos-hil emulator serve` runs them.

One hdc server fronts every device (each is a target, by its serial); each device also has an SSH
server and a serial console of its own (a pty, `socket://` and `rfc2217://`). Ports are free ones
(0) or fixed: the i-th device's SSH server listens on ``ssh_port + i``, its console's `socket://`
on ``serial_port + i``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ohos_emulator.device import DeviceConfig, EmulatedDevice
from ohos_emulator.fronts.hdc_server import HdcServer
from ohos_emulator.fronts.limits import DEFAULT_LIMITS, FrontLimits
from ohos_emulator.fronts.serial import SerialConsole
from ohos_emulator.fronts.ssh_keys import SshKeyFiles, ensure_keys, write_known_hosts
from ohos_emulator.fronts.ssh_server import SshServer
from ohos_emulator.profiles import BehaviourProfile
from ohos_protocol.endpoints import inventory_entry
from ohos_protocol.names import CAPABILITIES

HOST = "127.0.0.1"
SSH_USER = "root"
SERIAL_BAUD = 115200


def device_serial(index: int) -> str:
    """The connect key of the index-th (0-based) emulated device."""
    return f"emu-{index + 1:04d}"


def _port(base: int, index: int) -> int:
    return base + index if base else 0


@dataclass(frozen=True)
class FarmConfig:
    devices: int
    state_dir: Path
    profile: BehaviourProfile
    hdc_port: int = 0
    time_scale: float = 0.05
    seeded_deviation: str | None = None
    ssh_port: int = 0
    serial_port: int = 0
    serial_login: tuple[str, str] | None = None  # (user, password) the consoles ask for; None: a shell
    limits: FrontLimits = DEFAULT_LIMITS  # connection caps and frame deadline of every front
    host_files: tuple[Path, ...] = ()  # host folders of the legacy hdc forms; none: the current folder


@dataclass
class DeviceFronts:
    """One emulated device and the fronts that are its own."""

    device: EmulatedDevice
    ssh: SshServer
    ssh_keys: SshKeyFiles
    serial: SerialConsole


class EmulatorFarm:
    """Builds the devices, starts their fronts, reports the endpoints, and closes it all."""

    def __init__(self, config: FarmConfig) -> None:
        if config.devices < 1:
            raise ValueError("an emulator farm needs at least one device")
        self.config = config
        self.fronts: list[DeviceFronts] = []
        for index in range(config.devices):
            serial = device_serial(index)
            device = EmulatedDevice(
                DeviceConfig(
                    serial=serial,
                    state_dir=config.state_dir / serial,
                    profile=config.profile,
                    time_scale=config.time_scale,
                    seeded_deviation=config.seeded_deviation,
                )
            )
            keys = ensure_keys(config.state_dir / serial / "ssh")
            ssh = SshServer(
                device,
                HOST,
                _port(config.ssh_port, index),
                host_key=keys.host_key,
                authorized_keys=keys.client_public_key,
                limits=config.limits,
            )
            console = SerialConsole(
                device,
                login=config.serial_login,
                seed=index,
                socket_port=_port(config.serial_port, index),
                max_sessions=config.limits.max_connections,
            )
            self.fronts.append(DeviceFronts(device, ssh, keys, console))
        self.devices = [front.device for front in self.fronts]
        self.hdc = HdcServer(
            {device.serial: device for device in self.devices},
            HOST,
            config.hdc_port,
            limits=config.limits,
            host_files=config.host_files,
        )

    def start(self) -> EmulatorFarm:
        self.hdc.start()
        for front in self.fronts:
            front.ssh.start()
            write_known_hosts(front.ssh_keys, *front.ssh.address)
            front.serial.start()
        return self

    def _transports(self, front: DeviceFronts) -> dict[str, Any]:
        hdc_host, hdc_port = self.hdc.address
        ssh_host, ssh_port = front.ssh.address
        return {
            "hdc": {"server": f"{hdc_host}:{hdc_port}", "connect_key": front.device.serial},
            "ssh": {
                "host": ssh_host,
                "port": ssh_port,
                "user": SSH_USER,
                "key_file": str(front.ssh_keys.client_key),
                "known_hosts": str(front.ssh_keys.known_hosts),
            },
            "serial": {"url": front.serial.socket_url, "baud": SERIAL_BAUD, **front.serial.endpoints()},
        }

    def endpoints(self) -> dict[str, Any]:
        """Every endpoint, in the device inventory's shape (harness/inventory.py)."""
        host, port = self.hdc.address
        return {
            "profile": self.config.profile.name,
            "stateDir": str(self.config.state_dir),
            "hdc": f"{host}:{port}",
            "devices": [
                inventory_entry(
                    front.device.serial,
                    self._transports(front),
                    description=f"emulated device, profile {front.device.profile.name}",
                    capabilities=sorted(CAPABILITIES),
                    shim_variants=[b.product for b in front.device.apps.installed() if b.product],
                )
                for front in self.fronts
            ],
        }

    def write_endpoints(self, path: Path, endpoints: dict[str, Any] | None = None) -> None:
        """The endpoints (default: :meth:`endpoints`) as JSON at ``path``, replaced at once."""
        temporary = path.with_suffix(path.suffix + ".tmp")
        body = endpoints if endpoints is not None else self.endpoints()
        temporary.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
        temporary.replace(path)

    def close(self) -> None:
        self.hdc.close()
        for front in self.fronts:
            front.ssh.close()
            front.serial.close()
            front.device.close()

    def __enter__(self) -> EmulatorFarm:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
