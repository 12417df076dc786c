"""`ohos-hil labgrid exporter-config`: the labgrid exporter YAML for one lab host's devices."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from harness.inventory import DeviceEntry, Inventory
from harness.labgrid import resources as names
from harness.transport.hdc_target import HdcTarget
from harness.transport.serial.target import SerialTarget
from harness.transport.ssh.target import SshTarget


def _serial(target: SerialTarget) -> tuple[str, dict[str, Any]]:
    url = target.rfc2217 or target.url
    if url.startswith("/"):
        return names.LOCAL_SERIAL, {"port": url, "speed": target.baud}
    parts = urlsplit(url)
    protocol = "rfc2217" if parts.scheme == "rfc2217" else "raw"
    return names.SERIAL, {
        "host": parts.hostname,
        "port": parts.port,
        "speed": target.baud,
        "protocol": protocol,
    }


def _device_info(entry: DeviceEntry) -> dict[str, Any]:
    info: dict[str, Any] = {
        "capabilities": names.joined(entry.capabilities),
        "shim_variants": ",".join(entry.shim_variants),
        "transports": ",".join(entry.transports),
    }
    if entry.waivers:
        info["waivers"] = entry.waivers
    for target in entry.transports.values():
        if isinstance(target, SshTarget):
            info["ssh_key_file"] = str(target.key_file)
            if target.known_hosts is not None:
                info["ssh_known_hosts"] = str(target.known_hosts)
            info["ssh_check_host_key"] = target.check_host_key
        elif isinstance(target, SerialTarget) and target.login_user:
            info["serial_login_user"] = target.login_user
            if target.password_env:
                info["serial_password_env"] = target.password_env
    return info


def device_group(entry: DeviceEntry) -> dict[str, Any]:
    """The resource group of one device (see harness.labgrid.resources)."""
    group: dict[str, Any] = {}
    for target in entry.transports.values():
        if isinstance(target, HdcTarget):
            group[names.HDC] = {"server": f"{target.host}:{target.port}", "connect_key": target.connect_key}
        elif isinstance(target, SshTarget):
            group[names.SSH] = {"address": target.host, "port": target.port, "username": target.user}
        else:
            cls, params = _serial(target)
            group[cls] = params
    group[names.DEVICE] = _device_info(entry)
    return group


def exporter_config(inventory: Inventory) -> dict[str, Any]:
    """One resource group per device of the inventory, named by the device id."""
    return {device_id: device_group(entry) for device_id, entry in inventory.devices.items()}
