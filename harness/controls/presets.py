"""Condition presets: named battery, network and storage states (`fixtures/conditions/*.yaml`).

A preset file has a ``description`` and any of::

    battery: {capacity: 10, charging: false}   # BatteryControl.set
    network: {wifi: true, cellular: false}     # NetworkControl.set
    storage: {leave_free: 0}                   # StorageControl.fill

:func:`apply_preset` sets them through the controls, so they are journaled and restored as any
condition a test sets. A bad file is a ConfigError naming its file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harness.errors import ConfigError
from harness.fixture_files import condition_files
from harness.yamlfile import load_yaml

if TYPE_CHECKING:
    from harness.device.device import Device

MAX_PRESET_BYTES = 64 * 1024
SECTIONS = {
    "battery": {"capacity": int, "charging": bool},
    "network": {"wifi": bool, "cellular": bool},
    "storage": {"leave_free": int},
}
NEEDS = {"battery": "battery_control", "network": "network_control"}
"""The capability a section needs on the device (storage needs none)."""


@dataclass(frozen=True)
class ConditionPreset:
    name: str
    description: str
    settings: dict[str, dict[str, Any]]

    @property
    def needs(self) -> frozenset[str]:
        """The device capabilities setting this preset takes."""
        return frozenset(NEEDS[section] for section in self.settings if section in NEEDS)


def load_preset(name: str) -> ConditionPreset:
    """The preset ``name`` (a file of `fixtures/conditions/`, or a path to a YAML file)."""
    known = condition_files()
    path = known.get(name)
    if path is None:
        if not name.endswith((".yaml", ".yml")):
            raise ConfigError(f"unknown condition preset {name!r}; known: {', '.join(known)}")
        path = name
    document = load_yaml(path, max_bytes=MAX_PRESET_BYTES)
    top = document.mapping((), required=["description"], optional=list(SECTIONS))
    settings: dict[str, dict[str, Any]] = {}
    for section, fields in SECTIONS.items():
        if section not in top:
            continue
        values = document.mapping((section,), optional=list(fields))
        if not values:
            raise document.error((section,), "sets nothing")
        settings[section] = {key: document.expect((section, key), fields[key]) for key in values}
    capacity = settings.get("battery", {}).get("capacity")
    if capacity is not None and not 0 <= capacity <= 100:
        raise document.error(("battery", "capacity"), f"expected 0..100 %, got {capacity}")
    if settings.get("storage", {}).get("leave_free", 0) < 0:
        raise document.error(("storage", "leave_free"), "expected bytes (0 or more)")
    return ConditionPreset(name, document.expect(("description",), str), settings)


def apply_preset(device: Device, preset: ConditionPreset) -> None:
    """Set the preset's conditions on ``device`` (battery, then network, then storage)."""
    with device.trace.action("condition", f"preset {preset.name}: {preset.description}"):
        if "battery" in preset.settings:
            battery = preset.settings["battery"]
            device.battery.set(battery.get("capacity"), charging=battery.get("charging"))
        if "network" in preset.settings:
            device.network.set(**preset.settings["network"])
        if "storage" in preset.settings:
            device.storage.fill(preset.settings["storage"]["leave_free"])
