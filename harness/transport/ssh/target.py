"""The SSH transport's registration: its inventory entry and how to open it.

ssh: {host: 192.168.1.20, port: 22, user: root, key_file: keys/id_ed25519,
      known_hosts: keys/known_hosts, check_host_key: true}
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness.trace import Trace
from harness.transport.kinds import DeviceRef, TransportKind
from harness.transport.ssh.transport import SshTransport
from harness.transport.target_fields import expand_path, port
from harness.yamlfile import YamlFile, YamlPath


@dataclass(frozen=True)
class SshTarget:
    """An SSH server on the device, the user and key to log in with, and how its host key is checked."""

    host: str
    port: int
    user: str
    key_file: Path
    known_hosts: Path | None
    check_host_key: bool = True


def read_target(doc: YamlFile, path: YamlPath, base: Path) -> SshTarget:
    """The ``ssh:`` entry at ``path``; relative paths are relative to ``base``."""
    entry = doc.mapping(
        path, required=("host", "user", "key_file"), optional=("port", "known_hosts", "check_host_key")
    )
    return SshTarget(
        host=doc.expect((*path, "host"), str),
        port=port(doc, (*path, "port")) if "port" in entry else 22,
        user=doc.expect((*path, "user"), str),
        key_file=expand_path(doc, (*path, "key_file"), base),
        known_hosts=expand_path(doc, (*path, "known_hosts"), base) if "known_hosts" in entry else None,
        check_host_key=doc.optional(path, "check_host_key", bool, True),
    )


def open_transport(device: DeviceRef, target: SshTarget, trace: Trace) -> SshTransport:
    """The SSH transport to ``target``, not yet connected."""
    return SshTransport(
        target.host, target.port, target.user, target.key_file, target.known_hosts,
        check_host_key=target.check_host_key, device_id=device.id, trace=trace,
    )  # fmt: skip


KIND = TransportKind("ssh", read_target, open_transport)
