"""The fixtures suites use: spec, device, cloudsync, and conditions that always restore."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from harness.conformance.cloudsync import CloudSync
from harness.controls.battery import BatteryControl
from harness.controls.lab import LabControl
from harness.controls.network import NetworkControl
from harness.controls.presets import ConditionPreset, apply_preset, load_preset
from harness.controls.storage import StorageControl
from harness.device.device import Device
from harness.plugin.hooks import requirement_ids, waived_deviations
from harness.plugin.reporting import (
    allure_step,
    describe_device,
    label_deviations,
    label_requirements,
    name_case,
)
from harness.plugin.state import run_state
from harness.shim.client import ShimClient
from harness.spec.model import Edition


@pytest.fixture(scope="session")
def spec(request: pytest.FixtureRequest) -> Edition:
    """The spec edition of this run (``--spec-edition``)."""
    return run_state(request.config).edition


@pytest.fixture(scope="session")
def device(request: pytest.FixtureRequest) -> Device:
    """The device under test (tests are parametrized over the run's devices)."""
    return run_state(request.config).registry.get(request.param)


@pytest.fixture(autouse=True)
def _requirement_labels(request: pytest.FixtureRequest, spec: Edition) -> None:
    """Every test's case, its requirement ids as Allure labels and links to the spec, its waivers."""
    name_case(request.node)
    label_requirements(spec, [spec.requirement(rid) for rid in requirement_ids(request.node)])
    label_deviations(waived_deviations(request.node))


@pytest.fixture(autouse=True)
def _device_test_scope(request: pytest.FixtureRequest) -> Iterator[None]:
    """For tests on a device: skip without a needed capability; actions become report steps; every
    condition is restored afterwards."""
    if "device" not in request.fixturenames:
        yield
        return
    dev = request.getfixturevalue("device")
    if not isinstance(dev, Device):  # a `device` fixture of the test's own, not ours
        yield
        return
    needed = {cap for marker in request.node.iter_markers("needs") for cap in marker.args}
    missing = sorted(needed - dev.capabilities)
    if missing:
        pytest.skip(f"{dev.id} lacks {', '.join(missing)}")
    describe_device(dev)
    dev.trace.add_listener(allure_step)
    try:
        yield
    finally:
        dev.trace.remove_listener(allure_step)
        dev.restore()


def _require(device: Device, capability: str) -> None:
    if capability not in device.capabilities:
        pytest.skip(f"{device.id} lacks the capability {capability!r}")


@pytest.fixture
def lab(device: Device) -> Iterator[LabControl]:
    """The lab's out-of-band controls (emulated devices); a clean lab before and after the test."""
    _require(device, "cloud_control")
    device.lab.reset()
    yield device.lab
    device.lab.reset()


@pytest.fixture
def cloudsync(request: pytest.FixtureRequest, device: Device, spec: Edition) -> Iterator[CloudSync]:
    """`@ohos.file.cloudSync` in a fresh shim (the default variant, restarted for every test)."""
    if "lab" in request.fixturenames:
        request.getfixturevalue("lab")  # the lab is reset before the shim registers anything
    shim = device.shim(fresh=True)
    try:
        yield CloudSync(shim, spec)
    finally:
        shim.close()


@pytest.fixture
def cloudsync_as(
    request: pytest.FixtureRequest, device: Device, spec: Edition
) -> Iterator[Callable[[str], CloudSync]]:
    """`cloudsync_as("noperm")`: the module in a fresh shim of another build variant (another caller).

    The variants (devices/shim-hap/variants.json5): `noperm`, a system app without
    ohos.permission.CLOUDFILE_SYNC; `normal`, a third-party app. A variant not installed on the
    device skips the test.
    """
    if "lab" in request.fixturenames:
        request.getfixturevalue("lab")
    opened: list[ShimClient] = []

    def open_variant(variant: str) -> CloudSync:
        if not device.abilities.installed(device.variant(variant)):
            pytest.skip(f"{device.id} does not have the shim variant {variant!r} installed")
        shim = device.shim(variant, fresh=True)
        opened.append(shim)
        return CloudSync(shim, spec)

    try:
        yield open_variant
    finally:
        for shim in opened:
            shim.close()


@pytest.fixture
def battery(device: Device) -> Iterator[BatteryControl]:
    """Battery mocks through hidumper; `hidumper -s BatteryService -a -r` afterwards, whatever happened."""
    _require(device, "battery_control")
    yield device.battery
    device.battery.restore()


@pytest.fixture
def network(device: Device) -> Iterator[NetworkControl]:
    """Wi-Fi / mobile data switches; switched back afterwards, whatever happened."""
    _require(device, "network_control")
    yield device.network
    device.network.restore()


@pytest.fixture
def storage(device: Device) -> Iterator[StorageControl]:
    """Fill / free local storage; the fill file is removed afterwards, whatever happened."""
    yield device.storage
    device.storage.restore()


@pytest.fixture
def condition_preset(device: Device) -> Iterator[Callable[[str], ConditionPreset]]:
    """`condition_preset("wifi-only")`: set a named condition of `fixtures/conditions/` (or a YAML
    path); a device lacking a capability the preset needs skips the test. Restored afterwards."""

    def set_preset(name: str) -> ConditionPreset:
        preset = load_preset(name)
        for capability in sorted(preset.needs):
            _require(device, capability)
        apply_preset(device, preset)
        return preset

    try:
        yield set_preset
    finally:
        device.restore()
