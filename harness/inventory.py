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
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from harness.errors import ConfigError
from harness.yamlfile import YamlFile, YamlPath, load_yaml
from ohos_protocol.names import CAPABILITIES, TRANSPORTS

_HOST_PORT = re.compile(r"^(?P<host>[A-Za-z0-9.\-_:\[\]]+):(?P<port>\d{1,5})$")
_SERIAL_URL = re.compile(r"^(/\S+|socket://\S+:\d+|rfc2217://\S+:\d+)$")
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_DEVICE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")


@dataclass(frozen=True)
class HdcTarget:
    host: str
    port: int
    connect_key: str


@dataclass(frozen=True)
class SshTarget:
    host: str
    port: int
    user: str
    key_file: Path
    known_hosts: Path | None
    check_host_key: bool = True


@dataclass(frozen=True)
class SerialTarget:
    url: str
    baud: int = 115200
    login_user: str | None = None
    password_env: str | None = None
    rfc2217: str | None = None  # the same console's RFC 2217 endpoint, when it has one (labgrid exports it)


Target = HdcTarget | SshTarget | SerialTarget


@dataclass(frozen=True)
class DeviceEntry:
    """One device of the inventory. ``transports`` keeps the file's order: the first is the default."""

    id: str
    transports: dict[str, Target]
    capabilities: frozenset[str] = frozenset()
    shim_variants: tuple[str, ...] = ("default",)
    waivers: str | None = None
    description: str = ""
    source: str = ""

    def target(self, kind: str | None) -> tuple[str, Target]:
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


def _expand_path(doc: YamlFile, path: YamlPath, base: Path) -> Path:
    text = doc.expect(path, str)

    def variable(match: re.Match[str]) -> str:
        value = os.environ.get(match.group(1)) or match.group(2)
        if value is None:
            raise doc.error(path, f"environment variable {match.group(1)} is not set")
        return value

    expanded = Path(_ENV_REF.sub(variable, text)).expanduser()
    return expanded if expanded.is_absolute() else base / expanded


def _host_port(doc: YamlFile, path: YamlPath) -> tuple[str, int]:
    text = doc.expect(path, str)
    match = _HOST_PORT.match(text)
    if match is None or not 0 < int(match.group("port")) < 65536:
        raise doc.error(path, f"expected host:port, got {text!r}")
    return match.group("host").strip("[]"), int(match.group("port"))


def _port(doc: YamlFile, path: YamlPath) -> int:
    port = doc.expect(path, int)
    if not 0 < port < 65536:
        raise doc.error(path, f"port {port} is out of range 1..65535")
    return port


def _hdc(doc: YamlFile, path: YamlPath, base: Path) -> HdcTarget:
    doc.mapping(path, required=("server", "connect_key"))
    host, port = _host_port(doc, (*path, "server"))
    key = doc.expect((*path, "connect_key"), str)
    if not 0 < len(key.encode()) <= 32:
        raise doc.error((*path, "connect_key"), "a connect key is 1 to 32 bytes")
    return HdcTarget(host, port, key)


def _ssh(doc: YamlFile, path: YamlPath, base: Path) -> SshTarget:
    entry = doc.mapping(
        path, required=("host", "user", "key_file"), optional=("port", "known_hosts", "check_host_key")
    )
    return SshTarget(
        host=doc.expect((*path, "host"), str),
        port=_port(doc, (*path, "port")) if "port" in entry else 22,
        user=doc.expect((*path, "user"), str),
        key_file=_expand_path(doc, (*path, "key_file"), base),
        known_hosts=_expand_path(doc, (*path, "known_hosts"), base) if "known_hosts" in entry else None,
        check_host_key=doc.optional(path, "check_host_key", bool, True),
    )


def _serial(doc: YamlFile, path: YamlPath, base: Path) -> SerialTarget:
    # pty, socket and rfc2217: other endpoints of the same console (the emulator lists them all)
    entry = doc.mapping(path, required=("url",), optional=("baud", "login", "pty", "socket", "rfc2217"))
    url = doc.expect((*path, "url"), str)
    if not _SERIAL_URL.match(url):
        raise doc.error(
            (*path, "url"), f"expected a device path, socket://host:port or rfc2217://host:port, got {url!r}"
        )
    user = password_env = None
    if "login" in entry:
        doc.mapping((*path, "login"), required=("user",), optional=("password_env",))
        user = doc.expect((*path, "login", "user"), str)
        password_env = doc.optional((*path, "login"), "password_env", str)
    rfc2217 = doc.optional(path, "rfc2217", str)
    if rfc2217 is not None and not rfc2217.startswith("rfc2217://"):
        raise doc.error((*path, "rfc2217"), f"expected rfc2217://host:port, got {rfc2217!r}")
    return SerialTarget(url, doc.optional(path, "baud", int, 115200), user, password_env, rfc2217)


PARSERS = {"hdc": _hdc, "ssh": _ssh, "serial": _serial}


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
    transports = doc.mapping(transports_path, optional=TRANSPORTS)
    if not transports:
        raise doc.error(transports_path, f"a device needs at least one transport of {', '.join(TRANSPORTS)}")
    capabilities = doc.optional(path, "capabilities", list, [])
    for index in range(len(capabilities)):
        doc.choice((*path, "capabilities", index), sorted(CAPABILITIES))
    variants = doc.optional(path, "shim_variants", list, None)
    for index in range(len(variants or ())):
        doc.expect((*path, "shim_variants", index), str)
    return DeviceEntry(
        id=device_id,
        transports={kind: PARSERS[kind](doc, (*transports_path, kind), base) for kind in transports},
        capabilities=frozenset(capabilities),
        shim_variants=tuple(variants) if variants is not None else ("default",),
        waivers=doc.optional(path, "waivers", str),
        description=doc.optional(path, "description", str, ""),
        source=f"{doc.name}:{doc.line(path)}",
    )


def _served(doc: YamlFile, path: Path) -> Inventory:
    """The inventory an `endpoints:` entry points at: what `ohos-hil emulator serve` wrote."""
    endpoints = _expand_path(doc, ("endpoints",), path.parent)
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
