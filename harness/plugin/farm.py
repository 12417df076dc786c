"""Every device of a run at once: one pytest-xdist worker per device, each device on one worker.

The xdist controller owns the run's devices: for a run without an inventory it starts the one
embedded emulator (with ``--emulated-devices`` devices) and hands its endpoints file and journal
folder to every worker (``workerinput``), so the workers share it instead of starting their own.
The scheduler sends all the tests of one device to one worker, as one unit of work: no device is
ever driven by two workers. ``-n auto`` means one worker per device.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from xdist.scheduler import LoadScopeScheduling

from harness.errors import ConfigError
from harness.plugin.state import run_state
from harness.registry import DeviceRegistry, FarmEndpoints, RunOptions

FARM_ENDPOINTS = "ohos_hil_farm_endpoints"
FARM_JOURNALS = "ohos_hil_farm_journals"
NO_DEVICE_SCOPE = "(no device)"


def shared_farm(config: pytest.Config) -> FarmEndpoints | None:
    """In an xdist worker: the embedded emulator its controller started (None elsewhere)."""
    workerinput = getattr(config, "workerinput", {})
    if FARM_ENDPOINTS not in workerinput:
        return None
    return FarmEndpoints(Path(workerinput[FARM_ENDPOINTS]), Path(workerinput[FARM_JOURNALS]))


def run_options(config: pytest.Config) -> RunOptions:
    """The run's devices as the options chose them; in an xdist worker, the controller's emulator."""
    seeded = config.getoption("emulator_seeded_deviation")
    inventory = config.getoption("inventory")
    return RunOptions(
        device_ids=tuple(config.getoption("device")),
        profile=config.getoption("emulator_profile"),
        emulator_args=("--seed-deviation", seeded) if seeded else (),
        inventory=Path(inventory) if inventory else None,
        transport=config.getoption("transport"),
        emulated_devices=config.getoption("emulated_devices"),
        farm=shared_farm(config),
        lease_timeout=config.getoption("lease_timeout"),
    )


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: one worker per device of the run."""
    try:
        return len(DeviceRegistry(run_options(config)).ids)
    except ConfigError as exc:
        raise pytest.UsageError(str(exc)) from None


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """Before a worker starts: the embedded emulator (started once, here) is handed to it."""
    farm = run_state(node.config).registry.shared_farm()
    if farm is not None:
        node.workerinput[FARM_ENDPOINTS] = str(farm.endpoints_file)
        node.workerinput[FARM_JOURNALS] = str(farm.journals)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> LoadScopeScheduling:
    return DeviceScheduling(config, log, device_ids=run_state(config).registry.ids)


class DeviceScheduling(LoadScopeScheduling):
    """xdist's load-scope scheduling with the device as the scope: a device's tests are one unit,
    run by one worker; a worker takes the next device when it is done with one."""

    def __init__(self, config: pytest.Config, log: Any, device_ids: list[str]) -> None:
        super().__init__(config, log)
        # the longest id first, so that "emu-00010" is not taken for "emu-0001"
        names = "|".join(re.escape(i) for i in sorted(device_ids, key=len, reverse=True))
        self._device = re.compile(rf"\[(?:.*-)?({names})(?:-.*)?\]$") if device_ids else None

    def _split_scope(self, nodeid: str) -> str:
        found = self._device.search(nodeid) if self._device is not None else None
        return found.group(1) if found else NO_DEVICE_SCOPE
