"""The system OpenSSH client (`ssh`) against an emulated device's SSH server, host key checked."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ohos_emulator.device import DeviceConfig, EmulatedDevice
from ohos_emulator.fronts.ssh_keys import SshKeyFiles, ensure_keys, known_hosts_line, write_known_hosts
from ohos_emulator.fronts.ssh_server import SshServer
from ohos_emulator.profiles import get_profile

SSH = shutil.which("ssh")
pytestmark = pytest.mark.skipif(
    SSH is None, reason="no OpenSSH client `ssh` on PATH (CI installs openssh-client)"
)


@dataclass(frozen=True)
class Emulated:
    device: EmulatedDevice
    keys: SshKeyFiles
    port: int


@pytest.fixture
def emulated(tmp_path: Path) -> Iterator[Emulated]:
    device = EmulatedDevice(DeviceConfig("emu-0001", tmp_path / "emu-0001", get_profile("api10-doc")))
    keys = ensure_keys(tmp_path / "ssh")
    server = SshServer(device, host_key=keys.host_key, authorized_keys=keys.client_public_key).start()
    write_known_hosts(keys, *server.address)
    yield Emulated(device, keys, server.address[1])
    server.close()
    device.close()


def ssh(
    emulated: Emulated,
    command: str,
    *,
    key: Path | None = None,
    known_hosts: Path | None = None,
    stdin: bytes = b"",
) -> subprocess.CompletedProcess[bytes]:
    assert SSH is not None
    options = {
        "UserKnownHostsFile": known_hosts or emulated.keys.known_hosts,
        "GlobalKnownHostsFile": "/dev/null",
        "StrictHostKeyChecking": "yes",
        "BatchMode": "yes",
        "IdentitiesOnly": "yes",
        "ConnectTimeout": "10",
    }
    argv = [SSH, "-F", "/dev/null", "-p", str(emulated.port), "-i", str(key or emulated.keys.client_key)]
    for name, value in options.items():
        argv += ["-o", f"{name}={value}"]
    return subprocess.run([*argv, "root@127.0.0.1", command], input=stdin, capture_output=True, timeout=30)


def test_runs_a_command_with_its_exit_status(emulated: Emulated) -> None:
    result = ssh(emulated, "echo hi; exit 3")
    assert (result.stdout, result.returncode) == (b"hi\n", 3), result.stderr


def test_stdin_and_stderr(emulated: Emulated) -> None:
    result = ssh(emulated, "cat > /data/local/tmp/in; cat /data/nope", stdin=b"from the host\n")
    assert result.returncode == 1
    assert result.stdout == b""
    assert b"cat: /data/nope: No such file or directory" in result.stderr
    assert emulated.device.fs.read_bytes("/data/local/tmp/in") == b"from the host\n"


def test_a_key_the_device_does_not_know_is_refused(emulated: Emulated, tmp_path: Path) -> None:
    stranger = ensure_keys(tmp_path / "stranger").client_key
    result = ssh(emulated, "echo never", key=stranger)
    assert result.returncode == 255
    assert b"Permission denied (publickey)" in result.stderr
    assert result.stdout == b""


def test_a_changed_host_key_is_refused(emulated: Emulated, tmp_path: Path) -> None:
    impostor = ensure_keys(tmp_path / "impostor").load_host_key()
    known_hosts = tmp_path / "known_hosts"
    known_hosts.write_text(known_hosts_line("127.0.0.1", emulated.port, impostor) + "\n")
    result = ssh(emulated, "touch /data/local/tmp/ran", known_hosts=known_hosts)
    assert result.returncode == 255
    assert b"Host key verification failed" in result.stderr
    assert not emulated.device.fs.exists("/data/local/tmp/ran")
