"""The serial transport's registration: its inventory entry and how to open it.

    serial: {url: /dev/ttyUSB0, baud: 1500000, login: {user: root, password_env: RK_ROOT_PW}}

A password is never written in the inventory: ``password_env`` names the environment variable that
holds it, read when the transport is opened.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from harness.errors import ConfigError
from harness.trace import Trace
from harness.transport.kinds import DeviceRef, TransportKind
from harness.transport.serial.transport import SerialTransport
from harness.yamlfile import YamlFile, YamlPath

_SERIAL_URL = re.compile(r"^(/\S+|socket://\S+:\d+|rfc2217://\S+:\d+)$")


@dataclass(frozen=True)
class SerialTarget:
    """A serial console (device path, socket:// or rfc2217://), its speed and its login."""

    url: str
    baud: int = 115200
    login_user: str | None = None
    password_env: str | None = None
    rfc2217: str | None = None  # the same console's RFC 2217 endpoint, when it has one (labgrid exports it)


def read_target(doc: YamlFile, path: YamlPath, base: Path) -> SerialTarget:
    """The ``serial:`` entry at ``path``."""
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


def _password(device: DeviceRef, variable: str | None) -> str:
    if variable is None:
        return ""
    value = os.environ.get(variable)
    if value is None:
        raise ConfigError(
            f"device {device.id}: environment variable {variable} (a secret) is not set [{device.source}]"
        )
    return value


def open_transport(device: DeviceRef, target: SerialTarget, trace: Trace) -> SerialTransport:
    """The serial transport to ``target``, not yet connected."""
    login = (target.login_user, _password(device, target.password_env)) if target.login_user else None
    return SerialTransport(target.url, target.baud, login=login, device_id=device.id, trace=trace)


KIND = TransportKind("serial", read_target, open_transport)
