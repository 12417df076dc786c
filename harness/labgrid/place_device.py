"""A device of the run's inventory from the resources of an acquired labgrid place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.errors import InfrastructureError
from harness.labgrid import resources as names
from ohos_protocol.endpoints import inventory_entry


@dataclass(frozen=True)
class PlaceResource:
    """One acquired resource: where it comes from and its params."""

    exporter: str
    group: str
    cls: str
    params: dict[str, Any]


def _transports(by_class: dict[str, PlaceResource]) -> dict[str, dict[str, Any]]:
    info = by_class[names.DEVICE].params if names.DEVICE in by_class else {}
    transports: dict[str, dict[str, Any]] = {}
    if names.HDC in by_class:
        hdc = by_class[names.HDC].params
        transports["hdc"] = {"server": hdc["server"], "connect_key": hdc["connect_key"]}
    if names.SSH in by_class and info.get("ssh_key_file"):
        ssh = by_class[names.SSH].params
        transports["ssh"] = {
            "host": ssh["address"],
            "port": int(ssh.get("port") or 22),
            "user": ssh["username"],
            "key_file": info["ssh_key_file"],
            "check_host_key": bool(info.get("ssh_check_host_key", True)),
        }
        if info.get("ssh_known_hosts"):
            transports["ssh"]["known_hosts"] = info["ssh_known_hosts"]
    if names.SERIAL in by_class:
        serial = by_class[names.SERIAL].params
        scheme = "rfc2217" if serial.get("protocol") == "rfc2217" else "socket"
        transports["serial"] = {"url": f"{scheme}://{serial['host']}:{serial['port']}"}
        transports["serial"]["baud"] = int(serial.get("speed") or 115200)
        if info.get("serial_login_user"):
            login = {"user": info["serial_login_user"]}
            if info.get("serial_password_env"):
                login["password_env"] = info["serial_password_env"]
            transports["serial"]["login"] = login
    return transports


def place_device(place: str, resources: list[PlaceResource]) -> dict[str, Any]:
    """The inventory entry (id = place name) for an acquired place; InfrastructureError when its
    resources offer no transport the harness can use."""
    by_class = {resource.cls: resource for resource in resources}
    transports = _transports(by_class)
    if not transports:
        have = ", ".join(f"{r.exporter}/{r.group}/{r.cls}" for r in resources) or (
            "no resources: is its exporter running?"
        )
        raise InfrastructureError(
            f"labgrid place {place} has no transport the harness can use (it has: {have}; wanted "
            f"{names.HDC}, {names.SSH} with {names.DEVICE}.ssh_key_file, or {names.SERIAL})"
        )
    origin = resources[0]
    info = by_class[names.DEVICE].params if names.DEVICE in by_class else {}
    fields: dict[str, Any] = {
        "description": f"labgrid place {place} on lab host {origin.exporter} (group {origin.group})",
        "capabilities": names.split(info.get("capabilities")),
        "shim_variants": names.split(info.get("shim_variants")) or ["default"],
    }
    if info.get("waivers"):
        fields["waivers"] = info["waivers"]
    return inventory_entry(place, transports, **fields)
