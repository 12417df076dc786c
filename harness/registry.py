"""The devices of a run: from an inventory, or the embedded emulated device when there is none.

Devices are created on first use: the embedded emulator starts only when a test needs a device.
Each device is leased first (an OS file lock per device id, harness/lease.py: no two runs share a
device), then gets its restore journal; what a crashed run left in it is undone before the device is
used.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from harness.controls.journal import RestoreJournal
from harness.device.device import Device
from harness.embedded import EmbeddedEmulator
from harness.emulator_program import DEFAULT_PROFILE, check_options
from harness.errors import ConfigError, DeviceHealthError
from harness.inventory import DeviceEntry, Inventory, load_inventory
from harness.lease import DeviceLease, LeaseHolder
from harness.trace import Trace
from harness.transport.factory import open_transport

EMBEDDED_DEVICE = "emu-0001"
DEFAULT_LEASE_TIMEOUT = 30.0


class LeaseTakenOver(UserWarning):
    """A device's lease was taken from a process that died holding it; its journal was replayed."""


def embedded_ids(count: int) -> list[str]:
    """The ids the embedded emulator gives its ``count`` devices (emu-0001, emu-0002, ...)."""
    return [f"emu-{index:04d}" for index in range(1, count + 1)]


def journal_dir() -> Path:
    """Where inventory devices keep their restore journals (survives the run, for crash recovery);
    their leases are in ``leases`` beside it."""
    state_home = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return state_home / "ohos-hil" / "journal"


@dataclass(frozen=True)
class RunOptions:
    """What the command line chose for this run."""

    device_ids: tuple[str, ...] = ()
    profile: str = DEFAULT_PROFILE
    emulator_args: tuple[str, ...] = ()
    inventory: Path | None = None
    transport: str | None = None
    emulated_devices: int = 1
    """How many devices the embedded emulator serves (runs without an inventory)."""
    farm: FarmEndpoints | None = None
    """An embedded emulator another process (the xdist controller) started: use it, start none."""
    lease_timeout: float = DEFAULT_LEASE_TIMEOUT
    """How long to wait for a device another process holds."""


@dataclass(frozen=True)
class FarmEndpoints:
    """A running embedded emulator, as handed to the processes that share it."""

    endpoints_file: Path
    journals: Path


class DeviceRegistry:
    """Creates each device on first use; closes them all (and the embedded emulator) at the end."""

    def __init__(self, options: RunOptions) -> None:
        self._options = options
        self._devices: dict[tuple[str, str | None], Device] = {}
        self._leases: dict[str, DeviceLease] = {}
        self._emulator: EmbeddedEmulator | None = None
        self._workdir: Path | None = None
        self._inventory: Inventory | None = load_inventory(options.inventory) if options.inventory else None
        if options.emulated_devices < 1:
            raise ConfigError(f"--emulated-devices must be 1 or more, not {options.emulated_devices}")
        if self._inventory is not None and options.emulated_devices != 1:
            raise ConfigError("--emulated-devices is for the embedded emulator: not with --inventory")
        self._known = (
            list(self._inventory.devices) if self._inventory else embedded_ids(options.emulated_devices)
        )
        if options.farm is not None:
            self._inventory = load_inventory(options.farm.endpoints_file)
        elif self._inventory is None:
            check_options(options.profile)
        for device_id in options.device_ids:
            self._check_known(device_id)
        self._ids = list(options.device_ids) or self._known

    def _check_known(self, device_id: str) -> None:
        if device_id not in self._known:
            where = (
                f"inventory {self._options.inventory}"
                if self._options.inventory
                else "the embedded emulator (no inventory)"
            )
            raise ConfigError(f"unknown device {device_id!r}: {where} has {', '.join(self._known)}")

    @property
    def ids(self) -> list[str]:
        return list(self._ids)

    def waivers(self, device_id: str) -> str | None:
        """The waiver file the inventory names for a device (None for the embedded device)."""
        return (
            self._inventory.device(device_id).waivers if self._options.inventory and self._inventory else None
        )

    def get(self, device_id: str, transport: str | None = None) -> Device:
        """The device, reached over ``transport`` (default: the run's choice, else its first)."""
        self._check_known(device_id)
        key = (device_id, transport or self._options.transport)
        if key not in self._devices:
            self._devices[key] = self._create(*key)
        return self._devices[key]

    def entry(self, device_id: str) -> DeviceEntry:
        self._check_known(device_id)
        return self._inventory_and_journals()[0].device(device_id)

    def shared_farm(self) -> FarmEndpoints | None:
        """What other processes need to share this run's embedded emulator (started here if not yet);
        None for a run on an inventory (they read the inventory themselves)."""
        if self._options.farm is not None:
            return self._options.farm
        if self._options.inventory is not None:
            return None
        inventory_journals = self._inventory_and_journals()[1]
        assert self._emulator is not None
        return FarmEndpoints(self._emulator.endpoints_file, inventory_journals)

    def _start_embedded(self) -> None:
        """The embedded emulator, started once; its endpoints file is the run's inventory."""
        self._workdir = Path(tempfile.mkdtemp(prefix="ohos-hil-run-"))
        self._emulator = EmbeddedEmulator(
            self._workdir / "emulator",
            self._options.profile,
            devices=self._options.emulated_devices,
            extra_args=self._options.emulator_args,
        )
        self._emulator.start()
        self._inventory = load_inventory(self._emulator.endpoints_file)

    def _inventory_and_journals(self) -> tuple[Inventory, Path]:
        if self._inventory is None:
            self._start_embedded()
        assert self._inventory is not None
        if self._options.farm is not None:
            return self._inventory, self._options.farm.journals
        journals = self._workdir / "journal" if self._workdir is not None else journal_dir()
        return self._inventory, journals

    def _create(self, device_id: str, transport_kind: str | None) -> Device:
        inventory, journals = self._inventory_and_journals()
        entry = inventory.device(device_id)
        taken_over = self._lease(device_id, journals.parent / "leases")
        trace = Trace()
        transport = open_transport(entry, transport_kind, trace)
        journal = RestoreJournal(journals / f"{device_id}.jsonl")
        device = Device(device_id, transport, journal=journal, capabilities=entry.capabilities, trace=trace)
        replayed = device.restore()
        if taken_over is not None:
            warnings.warn(
                f"device {device_id}: took over the lease of {taken_over.describe()}, which died "
                f"holding it; {replayed} condition(s) it left were restored",
                LeaseTakenOver,
                stacklevel=2,
            )
        return device

    def _lease(self, device_id: str, lease_dir: Path) -> LeaseHolder | None:
        """The device's lease, taken once per run before anything else touches the device; the dead
        holder it was taken from, if any."""
        if device_id in self._leases:
            return None
        lease = DeviceLease(lease_dir, device_id)
        lease.acquire(self._options.lease_timeout)
        self._leases[device_id] = lease
        return lease.taken_over

    def close(self) -> None:
        errors = []
        for device in self._devices.values():
            try:
                device.close()
            except Exception as exc:  # every device is closed whatever the others do
                errors.append(f"{device.id}: {exc}")
        self._devices.clear()
        for lease in self._leases.values():
            lease.release()
        self._leases.clear()
        if self._emulator is not None:
            self._emulator.stop()
            self._emulator = None
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None
        if errors:
            raise DeviceHealthError("closing devices failed: " + "; ".join(errors))
