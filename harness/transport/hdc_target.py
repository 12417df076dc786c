"""The hdc transport's registration: its inventory entry and how to open it.

hdc: {server: 127.0.0.1:8710, connect_key: 150100424a544434520325ed86ae4f00}
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness.trace import Trace
from harness.transport.hdc import HdcTransport
from harness.transport.kinds import DeviceRef, TransportKind
from harness.transport.target_fields import host_port
from harness.yamlfile import YamlFile, YamlPath


@dataclass(frozen=True)
class HdcTarget:
    """An hdc server and the device's connect key on it."""

    host: str
    port: int
    connect_key: str


def read_target(doc: YamlFile, path: YamlPath, base: Path) -> HdcTarget:
    """The ``hdc:`` entry at ``path``."""
    doc.mapping(path, required=("server", "connect_key"))
    host, port = host_port(doc, (*path, "server"))
    key = doc.expect((*path, "connect_key"), str)
    if not 0 < len(key.encode()) <= 32:
        raise doc.error((*path, "connect_key"), "a connect key is 1 to 32 bytes")
    return HdcTarget(host, port, key)


def open_transport(device: DeviceRef, target: HdcTarget, trace: Trace) -> HdcTransport:
    """The hdc transport to ``target``, not yet connected."""
    return HdcTransport(device.id, target.host, target.port, trace, connect_key=target.connect_key)


KIND = TransportKind("hdc", read_target, open_transport)
