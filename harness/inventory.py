"""The device inventory (devices/*.yaml): which devices a run may use and how to reach each.

    devices:
      - id: rk3568-01
        description: DAYU200 board on bench 3
        transports:                     # the first one is the default
          hdc: {server: 127.0.0.1:8710, connect_key: 150100424a544434520325ed86ae4f00}
          serial: {url: /dev/ttyUSB0, baud: 1500000, login: {user: root, password_env: RK_ROOT_PW}}
        capabilities: [battery_control, network_control, root]
        shim_variants: [default, noperm, normal]
        waivers: ohos-4.0

Secrets are never written in the file: a password is named by the environment variable that holds
it (`password_env`). Relative paths are relative to the inventory file; `${NAME}` in a path is
replaced by that environment variable (``${NAME:-default}``: the default when it is unset or empty).

The endpoints file that `ohos-hil emulator serve` writes (``<state-dir>/endpoints.json``, and
``--endpoints-file``) has this same shape, so it is an inventory of the served devices on whatever
ports they got; an inventory of only ``endpoints: PATH`` reads its devices from such a file
(devices/emulator.yaml does).

Each transport reads its own entry under ``transports:`` (its registration in
:mod:`harness.transport.kinds`); this module reads the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.errors import ConfigError
from harness.transport.kinds import transport_kinds
from harness.transport.target_fields import expand_path
from harness.yamlfile import YamlFile, YamlPath, load_yaml
from ohos_protocol.names import CAPABILITIES

_DEVICE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")


@dataclass(frozen=True)
class DeviceEntry:
    """One device of the inventory. ``transports`` keeps the file's order: the first is the default."""

    id: str
    transports: dict[str, Any]
    capabilities: frozenset[str] = frozenset()
    shim_variants: tuple[str, ...] = ("default",)
    waivers: str | None = None
    description: str = ""
    source: str = ""

    def target(self, kind: str | None) -> tuple[str, Any]:
        """The transport ``kind`` (or the default one); ConfigError when the device has no such one."""
        chosen = kind or next(iter(self.transports))
        if chosen not in self.transports:
            have = ", ".join(self.transports)
            raise ConfigError(f"device {self.id} has no {chosen} transport (it has: {have}) [{self.source}]")
        return chosen, self.transports[chosen]


@dataclass(frozen=True)
class Inventory:
    path: Path
    devices: dict[str, DeviceEntry] = field(default_factory=dict)

    def device(self, device_id: str) -> DeviceEntry:
        try:
            return self.devices[device_id]
        except KeyError:
            known = ", ".join(self.devices) or "none"
            raise ConfigError(f"unknown device {device_id!r} (inventory {self.path} has: {known})") from None


def _device(doc: YamlFile, path: YamlPath, base: Path) -> DeviceEntry:
    doc.mapping(
        path,
        required=("id", "transports"),
        optional=("description", "capabilities", "shim_variants", "waivers"),
    )
    device_id = doc.expect((*path, "id"), str)
    if not _DEVICE_ID.match(device_id):
        raise doc.error((*path, "id"), f"device ids are letters, digits and . _ : - (got {device_id!r})")
    transports_path = (*path, "transports")
    kinds = transport_kinds()
    transports = doc.mapping(transports_path, optional=tuple(kinds))
    if not transports:
        raise doc.error(transports_path, f"a device needs at least one transport of {', '.join(kinds)}")
    capabilities = doc.optional(path, "capabilities", list, [])
    for index in range(len(capabilities)):
        doc.choice((*path, "capabilities", index), sorted(CAPABILITIES))
    variants = doc.optional(path, "shim_variants", list, None)
    for index in range(len(variants or ())):
        doc.expect((*path, "shim_variants", index), str)
    return DeviceEntry(
        id=device_id,
        transports={
            kind: kinds[kind].read_target(doc, (*transports_path, kind), base) for kind in transports
        },
        capabilities=frozenset(capabilities),
        shim_variants=tuple(variants) if variants is not None else ("default",),
        waivers=doc.optional(path, "waivers", str),
        description=doc.optional(path, "description", str, ""),
        source=f"{doc.name}:{doc.line(path)}",
    )


def _served(doc: YamlFile, path: Path) -> Inventory:
    """The inventory an `endpoints:` entry points at: what `ohos-hil emulator serve` wrote."""
    endpoints = expand_path(doc, ("endpoints",), path.parent)
    if not endpoints.is_file():
        raise doc.error(
            ("endpoints",),
            f"no endpoints file {endpoints}: `ohos-hil emulator serve --state-dir DIR` writes "
            "DIR/endpoints.json (set OHOS_HIL_EMULATOR_STATE=DIR), or give that file as --inventory",
        )
    return load_inventory(endpoints)


def parse_inventory(doc: YamlFile, path: Path) -> Inventory:
    top = doc.mapping((), optional=("devices", "endpoints", "profile", "stateDir", "hdc"))
    if "endpoints" in top and "devices" not in top:
        return _served(doc, path)
    if "devices" not in top:
        raise doc.error((), "an inventory lists its devices (devices:) or names an endpoints file")
    devices: dict[str, DeviceEntry] = {}
    for index, _ in enumerate(doc.expect(("devices",), list)):
        entry = _device(doc, ("devices", index), path.parent)
        if entry.id in devices:
            raise doc.error(
                ("devices", index, "id"),
                f"duplicate device id {entry.id!r} (first at {devices[entry.id].source})",
            )
        devices[entry.id] = entry
    if not devices:
        raise doc.error(("devices",), "the inventory lists no device")
    return Inventory(path, devices)


def load_inventory(path: Path) -> Inventory:
    """Read and validate an inventory (YAML or the emulator's JSON endpoints file)."""
    return parse_inventory(load_yaml(path), path)
