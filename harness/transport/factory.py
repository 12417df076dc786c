"""Open the transport an inventory entry describes."""

from __future__ import annotations

import os

from harness.errors import ConfigError
from harness.inventory import DeviceEntry, HdcTarget, SerialTarget, SshTarget
from harness.trace import Trace
from harness.transport.base import Transport
from harness.transport.hdc import HdcTransport
from harness.transport.serial import SerialTransport
from harness.transport.ssh import SshTransport


def _secret(entry: DeviceEntry, variable: str | None) -> str | None:
    if variable is None:
        return None
    value = os.environ.get(variable)
    if value is None:
        raise ConfigError(
            f"device {entry.id}: environment variable {variable} (a secret) is not set [{entry.source}]"
        )
    return value


def open_transport(entry: DeviceEntry, kind: str | None, trace: Trace) -> Transport:
    """The device's transport ``kind`` (default: its first), not yet connected."""
    chosen, target = entry.target(kind)
    if isinstance(target, HdcTarget):
        return HdcTransport(entry.id, target.host, target.port, trace, connect_key=target.connect_key)
    if isinstance(target, SshTarget):
        return SshTransport(
            target.host, target.port, target.user, target.key_file, target.known_hosts,
            check_host_key=target.check_host_key, device_id=entry.id, trace=trace,
        )  # fmt: skip
    if isinstance(target, SerialTarget):
        login = (target.login_user, _secret(entry, target.password_env) or "") if target.login_user else None
        return SerialTransport(target.url, target.baud, login=login, device_id=entry.id, trace=trace)
    raise ConfigError(f"device {entry.id}: no way to open a {chosen} transport")
