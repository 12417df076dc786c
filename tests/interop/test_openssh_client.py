"""The system OpenSSH clients (`ssh`, `scp`, `sftp -b`) against an emulated device's SSH server.

The host key is checked; data moved by scp and sftp is compared by checksum.
"""

from __future__ import annotations

import hashlib
import os
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
SCP = shutil.which("scp")
SFTP = shutil.which("sftp")
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


def client_options(emulated: Emulated, key: Path | None = None, known_hosts: Path | None = None) -> list[str]:
    """The options every OpenSSH client here gets: no user config, host key checked, our key only."""
    options = {
        "UserKnownHostsFile": known_hosts or emulated.keys.known_hosts,
        "GlobalKnownHostsFile": "/dev/null",
        "StrictHostKeyChecking": "yes",
        "BatchMode": "yes",
        "IdentitiesOnly": "yes",
        "ConnectTimeout": "10",
    }
    argv = ["-F", "/dev/null", "-i", str(key or emulated.keys.client_key)]
    for name, value in options.items():
        argv += ["-o", f"{name}={value}"]
    return argv


def ssh(
    emulated: Emulated,
    command: str,
    *,
    key: Path | None = None,
    known_hosts: Path | None = None,
    stdin: bytes = b"",
) -> subprocess.CompletedProcess[bytes]:
    assert SSH is not None
    argv = [SSH, "-p", str(emulated.port), *client_options(emulated, key, known_hosts)]
    return subprocess.run([*argv, "root@127.0.0.1", command], input=stdin, capture_output=True, timeout=30)


def scp(emulated: Emulated, *args: str) -> subprocess.CompletedProcess[bytes]:
    assert SCP is not None
    argv = [SCP, "-P", str(emulated.port), *client_options(emulated), *args]
    return subprocess.run(argv, capture_output=True, timeout=60)


def sftp_batch(emulated: Emulated, batch: str, tmp_path: Path) -> subprocess.CompletedProcess[bytes]:
    assert SFTP is not None
    script = tmp_path / "batch"
    script.write_text(batch)
    argv = [SFTP, "-P", str(emulated.port), *client_options(emulated), "-b", str(script), "root@127.0.0.1"]
    return subprocess.run(argv, capture_output=True, timeout=60)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


REMOTE = "root@127.0.0.1:"
needs_scp = pytest.mark.skipif(SCP is None or SFTP is None, reason="no OpenSSH `scp`/`sftp` on PATH")


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


@needs_scp
def test_scp_push_and_pull_keep_the_data(emulated: Emulated, tmp_path: Path) -> None:
    payload = os.urandom(300_000)  # several SFTP write requests
    local = tmp_path / "payload.bin"
    local.write_bytes(payload)
    pushed = scp(emulated, str(local), REMOTE + "/data/local/tmp/payload.bin")
    assert pushed.returncode == 0, pushed.stderr
    assert digest(emulated.device.fs.read_bytes("/data/local/tmp/payload.bin")) == digest(payload)

    back = tmp_path / "back.bin"
    pulled = scp(emulated, REMOTE + "/data/local/tmp/payload.bin", str(back))
    assert pulled.returncode == 0, pulled.stderr
    assert digest(back.read_bytes()) == digest(payload)


@needs_scp
def test_scp_preserves_mode_and_times(emulated: Emulated, tmp_path: Path) -> None:
    local = tmp_path / "script.sh"
    local.write_bytes(b"echo hi\n")
    local.chmod(0o750)
    os.utime(local, (1_600_000_000, 1_600_000_100))
    result = scp(emulated, "-p", str(local), REMOTE + "/data/local/tmp/script.sh")
    assert result.returncode == 0, result.stderr
    stat = emulated.device.fs.stat("/data/local/tmp/script.sh")
    assert (stat.st_mode & 0o777, int(stat.st_mtime)) == (0o750, 1_600_000_100)


@needs_scp
def test_scp_recursive_push_and_pull(emulated: Emulated, tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    files = {"a.txt": b"alpha\n", "sub/b.bin": os.urandom(70_000), "sub/empty": b""}
    for name, data in files.items():
        (tree / name).write_bytes(data)
    pushed = scp(emulated, "-r", str(tree), REMOTE + "/data/local/tmp/")
    assert pushed.returncode == 0, pushed.stderr
    for name, data in files.items():
        assert digest(emulated.device.fs.read_bytes(f"/data/local/tmp/tree/{name}")) == digest(data), name

    back = tmp_path / "back"
    back.mkdir()
    pulled = scp(emulated, "-r", REMOTE + "/data/local/tmp/tree", str(back))
    assert pulled.returncode == 0, pulled.stderr
    for name, data in files.items():
        assert digest((back / "tree" / name).read_bytes()) == digest(data), name


@needs_scp
def test_scp_of_a_missing_file_fails_with_the_reason(emulated: Emulated, tmp_path: Path) -> None:
    result = scp(emulated, REMOTE + "/data/nope", str(tmp_path / "x"))
    assert result.returncode == 1
    assert b"/data/nope" in result.stderr
    assert not (tmp_path / "x").exists()


@needs_scp
def test_sftp_batch_put_get_chmod_rename_df(emulated: Emulated, tmp_path: Path) -> None:
    local = tmp_path / "up.bin"
    payload = os.urandom(50_000)
    local.write_bytes(payload)
    batch = (
        "mkdir /data/local/tmp/box\n"
        f"put {local} /data/local/tmp/box/up.bin\n"
        "chmod 600 /data/local/tmp/box/up.bin\n"
        "rename /data/local/tmp/box/up.bin /data/local/tmp/box/moved.bin\n"
        f"get /data/local/tmp/box/moved.bin {tmp_path / 'down.bin'}\n"
        "df -h /data\n"
        "ls -l /data/local/tmp/box\n"
    )
    result = sftp_batch(emulated, batch, tmp_path)
    assert result.returncode == 0, result.stderr
    assert digest((tmp_path / "down.bin").read_bytes()) == digest(payload)
    assert emulated.device.fs.stat("/data/local/tmp/box/moved.bin").st_mode & 0o777 == 0o600
    assert b"Size" in result.stdout and b"Avail" in result.stdout  # the statvfs table of `df`
    assert b"moved.bin" in result.stdout


@needs_scp
def test_sftp_df_reports_the_data_quota(emulated: Emulated, tmp_path: Path) -> None:
    result = sftp_batch(emulated, "df /data\n", tmp_path)
    assert result.returncode == 0, result.stderr
    usage = emulated.device.fs.usage()
    # `df` prints 1K blocks: Size, Used, Avail, (Used%) for the /data partition.
    size_kib = [line.split() for line in result.stdout.decode().splitlines() if line.strip()][-1][0]
    assert int(size_kib) == usage.capacity // 4096 * 4


@needs_scp
def test_sftp_batch_stops_at_a_failing_command(emulated: Emulated, tmp_path: Path) -> None:
    result = sftp_batch(emulated, "get /data/nope\nmkdir /data/local/tmp/after\n", tmp_path)
    assert result.returncode == 1
    assert not emulated.device.fs.exists("/data/local/tmp/after")
