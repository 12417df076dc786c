"""The emulated device's SSH server, through paramiko's client over real sockets."""

from __future__ import annotations

import hashlib
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import paramiko
import pytest
from waiting import wait_for

from ohos_emulator.device import EmulatedDevice
from ohos_emulator.fronts.limits import FrontLimits
from ohos_emulator.fronts.ssh_keys import SshKeyFiles, ensure_keys
from ohos_emulator.fronts.ssh_server import SshServer

TIMEOUT = 10.0


def connect(
    server: SshServer, keys: SshKeyFiles, *, user: str = "root", key: paramiko.PKey | None = None
) -> paramiko.SSHClient:
    sock = socket.create_connection(server.address, timeout=TIMEOUT)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    client = paramiko.SSHClient()
    client.get_host_keys().load(str(keys.known_hosts))
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    try:
        client.connect(
            *server.address,
            username=user,
            pkey=key or keys.load_client_key(),
            sock=sock,
            timeout=TIMEOUT,
            look_for_keys=False,
            allow_agent=False,
        )
    except BaseException:
        client.close()
        sock.close()
        raise
    return client


def read_until_hung_up(sock: socket.socket) -> None:
    """Read until the peer hangs up (EOF, or a reset if input was left unread); else TimeoutError."""
    try:
        while sock.recv(4096):
            pass
    except ConnectionResetError:
        pass


@pytest.fixture
def client(ssh_server: SshServer, ssh_keys: SshKeyFiles) -> Iterator[paramiko.SSHClient]:
    client = connect(ssh_server, ssh_keys)
    yield client
    client.close()


def execute(client: paramiko.SSHClient, command: str, stdin: bytes = b"") -> tuple[bytes, bytes, int]:
    channel_in, channel_out, channel_err = client.exec_command(command, timeout=TIMEOUT)
    if stdin:
        channel_in.write(stdin)
    channel_in.channel.shutdown_write()
    out, err = channel_out.read(), channel_err.read()
    return out, err, channel_out.channel.recv_exit_status()


@pytest.mark.parametrize(
    ("command", "status"), [("echo hi", 0), ("false", 1), ("nosuchcmd", 127), ("sh -c 'exit 7'", 7)]
)
def test_exec_reports_the_exit_status(client: paramiko.SSHClient, command: str, status: int) -> None:
    assert execute(client, command)[2] == status


def test_stdout_and_stderr_arrive_apart(client: paramiko.SSHClient) -> None:
    out, err, status = execute(client, "echo out; cat /data/nope; echo more")
    assert out == b"out\nmore\n"
    assert err == b"cat: /data/nope: No such file or directory\n"
    assert status == 0


def test_stdin_reaches_the_command(client: paramiko.SSHClient, device: EmulatedDevice) -> None:
    payload = os.urandom(300_000)
    assert execute(client, "cat > /data/local/tmp/in", payload)[2] == 0
    assert device.fs.read_bytes("/data/local/tmp/in") == payload
    assert execute(client, "base64 -d", b"aGVsbG8gZGV2aWNl\n") == (b"hello device", b"", 0)


def test_quick_commands_never_lose_the_exec_reply(client: paramiko.SSHClient) -> None:
    """The server must not close a channel before paramiko has sent the exec reply ("Channel closed").

    The race is narrow (without the server's guard about 1 exec in 2000 failed here), so this is a
    stress test: many commands that end at once, from a client that sends no EOF.
    """
    for _ in range(400):
        _, stdout, _ = client.exec_command("true", timeout=TIMEOUT)  # the client sends no EOF
        assert stdout.channel.recv_exit_status() == 0


def test_a_wrong_key_is_refused(ssh_server: SshServer, ssh_keys: SshKeyFiles, tmp_path: Path) -> None:
    stranger = ensure_keys(tmp_path / "stranger").load_client_key()
    with pytest.raises(paramiko.AuthenticationException):
        connect(ssh_server, ssh_keys, key=stranger)


def test_a_user_other_than_root_is_refused(ssh_server: SshServer, ssh_keys: SshKeyFiles) -> None:
    with pytest.raises(paramiko.AuthenticationException):
        connect(ssh_server, ssh_keys, user="shell")


def test_sftp_round_trip_and_file_operations(client: paramiko.SSHClient, device: EmulatedDevice) -> None:
    payload = os.urandom(3 * 1024 * 1024 + 17)
    sftp = client.open_sftp()
    with sftp.open("/data/local/tmp/blob", "wb") as handle:
        handle.set_pipelined(True)
        handle.write(payload)
    assert (
        hashlib.sha256(device.fs.read_bytes("/data/local/tmp/blob")).digest()
        == hashlib.sha256(payload).digest()
    )
    assert sftp.stat("/data/local/tmp/blob").st_size == len(payload)
    with sftp.open("/data/local/tmp/blob", "rb") as handle:
        assert hashlib.sha256(handle.read()).digest() == hashlib.sha256(payload).digest()
        handle.seek(1000)
        assert handle.read(10) == payload[1000:1010]

    sftp.mkdir("/data/local/tmp/dir")
    sftp.rename("/data/local/tmp/blob", "/data/local/tmp/dir/moved")
    assert sftp.listdir("/data/local/tmp/dir") == ["moved"]
    with sftp.open("/data/local/tmp/other", "wb") as handle:
        handle.write(b"other")
    with pytest.raises(OSError, match="File exists"):
        sftp.rename("/data/local/tmp/other", "/data/local/tmp/dir/moved")
    sftp.posix_rename("/data/local/tmp/other", "/data/local/tmp/dir/moved")
    assert device.fs.read_bytes("/data/local/tmp/dir/moved") == b"other"
    with pytest.raises(OSError, match="Directory not empty"):
        sftp.rmdir("/data/local/tmp/dir")
    sftp.remove("/data/local/tmp/dir/moved")
    sftp.rmdir("/data/local/tmp/dir")
    assert not device.fs.exists("/data/local/tmp/dir")
    with pytest.raises(FileNotFoundError):
        sftp.stat("/data/local/tmp/dir")
    assert sftp.normalize("../data//local/./tmp") == "/data/local/tmp"
    sftp.close()


def test_sftp_write_into_a_full_data_partition_fails(
    client: paramiko.SSHClient, device: EmulatedDevice
) -> None:
    device.set_data_capacity(device.fs.usage().used + 100_000)
    sftp = client.open_sftp()
    with (
        pytest.raises(OSError, match="No space left on device"),
        sftp.open("/data/local/tmp/too-big", "wb") as handle,
    ):
        handle.write(os.urandom(400_000))
    assert device.fs.usage().used <= device.fs.data_capacity
    sftp.remove("/data/local/tmp/too-big")
    sftp.close()


def test_direct_tcpip_reaches_a_device_port(client: paramiko.SSHClient, echo_service: int) -> None:
    channel = client.get_transport().open_channel(
        "direct-tcpip", ("127.0.0.1", echo_service), ("127.0.0.1", 0), timeout=TIMEOUT
    )
    channel.settimeout(TIMEOUT)
    payload = os.urandom(200_000)
    channel.sendall(payload)
    received = b""
    while len(received) < len(payload):
        received += channel.recv(65536)
    assert received == payload
    channel.shutdown_write()
    assert channel.recv(10) == b""  # the echo service saw EOF and closed: the relay passed both on
    channel.close()


def test_closing_a_forwarded_channel_closes_the_device_connection(
    client: paramiko.SSHClient, device: EmulatedDevice
) -> None:
    """A device service that never closes by itself must not keep the relay running."""
    listener = socket.create_server(("127.0.0.1", 0))
    assert device.ports.bind(17002, listener.getsockname()[1], 4343)
    try:
        channel = client.get_transport().open_channel(
            "direct-tcpip", ("127.0.0.1", 17002), ("127.0.0.1", 0), timeout=TIMEOUT
        )
        listener.settimeout(TIMEOUT)
        held, _ = listener.accept()
        channel.sendall(b"hello")
        assert wait_for(lambda: any(t.name.startswith("ssh-relay-") for t in threading.enumerate()))
        channel.close()
        assert wait_for(lambda: not any(t.name.startswith("ssh-relay-") for t in threading.enumerate()))
        held.settimeout(TIMEOUT)
        assert held.recv(100) == b"hello"
        assert held.recv(100) == b""  # the relay closed its end
        held.close()
    finally:
        device.ports.unbind(17002, 4343)
        listener.close()


@pytest.mark.parametrize(
    ("host", "port", "code"),
    [
        ("127.0.0.1", 17999, paramiko.OPEN_FAILED_CONNECT_FAILED),
        ("localhost", 17999, paramiko.OPEN_FAILED_CONNECT_FAILED),
        ("192.0.2.1", 22, paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED),
    ],
)
def test_direct_tcpip_is_refused_where_nothing_listens_or_off_device(
    client: paramiko.SSHClient, host: str, port: int, code: int
) -> None:
    with pytest.raises(paramiko.ChannelException) as refused:
        client.get_transport().open_channel("direct-tcpip", (host, port), ("127.0.0.1", 0), timeout=TIMEOUT)
    assert refused.value.code == code


def test_garbage_ends_only_that_connection(
    ssh_server: SshServer, ssh_keys: SshKeyFiles, client: paramiko.SSHClient
) -> None:
    garbage = socket.create_connection(ssh_server.address, timeout=TIMEOUT)
    garbage.sendall(b"GET / HTTP/1.0\r\n" * 20 + os.urandom(4096))
    read_until_hung_up(garbage)
    garbage.close()
    assert execute(client, "echo still here") == (b"still here\n", b"", 0)
    newcomer = connect(ssh_server, ssh_keys)
    assert execute(newcomer, "echo newcomer") == (b"newcomer\n", b"", 0)
    newcomer.close()


def test_closing_the_channel_cancels_the_command(client: paramiko.SSHClient, ssh_server: SshServer) -> None:
    channel = client.get_transport().open_session(timeout=TIMEOUT)
    channel.exec_command("hilog")
    assert wait_for(lambda: ssh_server.active_commands == 1)
    channel.close()
    assert wait_for(lambda: ssh_server.active_commands == 0)


def test_close_ends_every_connection(ssh_server: SshServer, client: paramiko.SSHClient) -> None:
    channel = client.get_transport().open_session(timeout=TIMEOUT)
    channel.exec_command("sleep 60")
    assert wait_for(lambda: ssh_server.active_commands == 1)
    started = time.monotonic()
    ssh_server.close()
    assert time.monotonic() - started < 5
    assert ssh_server.active_commands == 0
    assert wait_for(lambda: not client.get_transport().is_active())
    with pytest.raises(OSError):
        socket.create_connection(ssh_server.address, timeout=TIMEOUT)


def test_pty_shell_is_an_interactive_terminal(client: paramiko.SSHClient) -> None:
    channel = client.invoke_shell()
    channel.settimeout(TIMEOUT)
    channel.sendall(b"echo one two\r")
    screen = b""
    while b"one two\r\n# " not in screen:
        screen += channel.recv(4096)
    channel.sendall(b"exit 3\r")
    assert channel.recv_exit_status() == 3
    channel.close()


def test_shell_without_a_pty_is_refused(client: paramiko.SSHClient) -> None:
    channel = client.get_transport().open_session(timeout=TIMEOUT)
    with pytest.raises(paramiko.SSHException):
        channel.invoke_shell()
    channel.close()


def test_channels_over_the_cap_are_refused_and_a_closed_one_frees_its_place(
    make_ssh_server: Callable[..., SshServer], device: EmulatedDevice, ssh_keys: SshKeyFiles
) -> None:
    server = make_ssh_server(device, limits=FrontLimits(max_channels=2))
    client = connect(server, ssh_keys)
    try:
        transport = client.get_transport()
        assert transport is not None
        first, second = transport.open_session(timeout=TIMEOUT), transport.open_session(timeout=TIMEOUT)
        with pytest.raises(paramiko.ChannelException) as refused:
            transport.open_session(timeout=TIMEOUT)
        assert refused.value.code == paramiko.OPEN_FAILED_RESOURCE_SHORTAGE
        first.close()
        # The place frees once the server's connection loop has taken the first channel over.
        results: list[tuple[bytes, bytes, int]] = []
        assert wait_for(lambda: _opens(lambda: results.append(execute(client, "echo again"))), TIMEOUT)
        assert results == [(b"again\n", b"", 0)]
        second.close()
    finally:
        client.close()


def _opens(action: Callable[[], object]) -> bool:
    """Whether ``action`` got its channel (False when the server refused to open one)."""
    try:
        action()
    except paramiko.ChannelException:
        return False
    return True
