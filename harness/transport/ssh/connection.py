"""One SSH connection to a device (paramiko), opened on demand and again after it dropped.

The socket has TCP_NODELAY (without it every exec waits for a delayed ACK); no agent and no key
search: the one key given is used. Host keys are checked against a known_hosts file, and an unknown
or different key ends the attempt before anything is sent; ``check_host_key=False`` is an explicit
choice, logged as a warning for every connection.
"""

from __future__ import annotations

import logging
import math
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import paramiko

from harness.errors import ConnectionLost, TransportError, TransportTimeout

TRANSPORT = "ssh"
CONNECTION_ERRORS = (paramiko.SSHException, EOFError, OSError)

T = TypeVar("T")
log = logging.getLogger(__name__)


def describe(exc: BaseException | None) -> str:
    """A short text for an exception (an OSError's strerror and file name when it has them)."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    return (str(exc) or type(exc).__name__) if exc is not None else "unknown error"


@dataclass(frozen=True)
class SshEndpoint:
    """Where and how to log in."""

    host: str
    port: int
    user: str
    key_file: Path
    known_hosts: Path | None
    check_host_key: bool
    keepalive: float
    connect_timeout: float

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


class _RejectUnknownHost(paramiko.MissingHostKeyPolicy):
    def __init__(self, connection: SshConnection) -> None:
        self._connection = connection

    def missing_host_key(self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey) -> None:
        raise self._connection.error(
            f"unknown host key: {hostname} presents {key.get_name()} {key.fingerprint}, which is not in "
            f"{self._connection.endpoint.known_hosts} (add the device's key there, or pass "
            "check_host_key=False on purpose); not connecting"
        )


class _AcceptUncheckedHost(paramiko.MissingHostKeyPolicy):
    def __init__(self, connection: SshConnection) -> None:
        self._connection = connection

    def missing_host_key(self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey) -> None:
        log.warning(
            "[%s/%s] host key of %s NOT checked (check_host_key=False): it presents %s %s",
            self._connection.device_id,
            TRANSPORT,
            hostname,
            key.get_name(),
            key.fingerprint,
        )


class SshConnection:
    """The live paramiko connection of one transport; errors name the device and the transport."""

    def __init__(self, endpoint: SshEndpoint, device_id: str) -> None:
        self.endpoint = endpoint
        self.device_id = device_id
        self._lock = threading.Lock()
        self._client: paramiko.SSHClient | None = None

    def error(self, message: str, kind: type[TransportError] = TransportError) -> TransportError:
        return kind(message, device=self.device_id, transport=TRANSPORT)

    def transport(self, what: str) -> paramiko.Transport:
        """The connection, opened (again) if there is none or it has dropped."""
        with self._lock:
            transport = self._client.get_transport() if self._client is not None else None
            if transport is not None and transport.is_active():
                return transport
            if self._client is not None:
                log.info("[%s/%s] connection dropped; reconnecting", self.device_id, TRANSPORT)
                self._client.close()
                self._client = None
            self._client = self._connect(what)
            transport = self._client.get_transport()
            assert transport is not None
            return transport

    def open(self, what: str, opener: Callable[[paramiko.Transport], T], deadline: float = math.inf) -> T:
        """``opener(transport)``, which opens a channel (no effect on the device yet): if it fails,
        the connection is dropped, opened again and the opener run once more (unless past ``deadline``)."""
        failure: BaseException | None = None
        for _ in range(2):
            transport = self.transport(what)
            try:
                return opener(transport)
            except CONNECTION_ERRORS as exc:
                if time.monotonic() >= deadline:
                    raise self.error(f"{what}: no answer in time", TransportTimeout) from None
                failure = exc
                log.info("[%s/%s] %s: %s; reconnecting", self.device_id, TRANSPORT, what, describe(exc))
                self.drop(transport)
        raise self.error(f"{what}: the connection failed twice: {describe(failure)}", ConnectionLost)

    def alive(self, transport: paramiko.Transport) -> bool:
        """Whether the connection still works, proven by opening (and closing) a channel on it.

        paramiko closes a connection's channels before it marks the connection inactive, so a
        channel that just closed cannot tell a dropped connection from a closing device by itself.
        """
        if not transport.is_active():
            return False
        try:
            probe = transport.open_session(timeout=self.endpoint.connect_timeout)
        except CONNECTION_ERRORS:
            return False
        probe.close()
        return True

    def drop(self, transport: paramiko.Transport) -> None:
        """Forget ``transport`` if it is the current connection (the next call connects again)."""
        with self._lock:
            if self._client is not None and self._client.get_transport() is transport:
                self._client.close()
                self._client = None

    def close(self) -> None:
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

    # -- connecting -----------------------------------------------------------------------------------
    def _connect(self, what: str) -> paramiko.SSHClient:
        endpoint = self.endpoint
        key = self._load_key(what)
        client = paramiko.SSHClient()
        self._host_key_policy(client, what)
        try:
            sock = socket.create_connection((endpoint.host, endpoint.port), timeout=endpoint.connect_timeout)
        except TimeoutError:
            message = f"{what}: cannot connect to {endpoint.address} within {endpoint.connect_timeout:g} s"
            raise self.error(message, TransportTimeout) from None
        except OSError as exc:
            raise self.error(f"{what}: cannot connect to {endpoint.address}: {describe(exc)}") from None
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            client.connect(
                endpoint.host,
                endpoint.port,
                username=endpoint.user,
                pkey=key,
                sock=sock,
                timeout=endpoint.connect_timeout,
                banner_timeout=endpoint.connect_timeout,
                auth_timeout=endpoint.connect_timeout,
                channel_timeout=endpoint.connect_timeout,
                look_for_keys=False,
                allow_agent=False,
            )
        except BaseException as exc:
            client.close()
            sock.close()
            if isinstance(exc, TransportError):
                raise
            raise self._connect_error(exc, what) from None
        transport = client.get_transport()
        assert transport is not None
        if endpoint.keepalive > 0:
            transport.set_keepalive(max(1, round(endpoint.keepalive)))
        return client

    def _host_key_policy(self, client: paramiko.SSHClient, what: str) -> None:
        known_hosts = self.endpoint.known_hosts
        if not self.endpoint.check_host_key:
            client.set_missing_host_key_policy(_AcceptUncheckedHost(self))
            return
        try:
            client.get_host_keys().load(str(known_hosts))
        except FileNotFoundError:
            raise self.error(f"{what}: known_hosts file {known_hosts} does not exist") from None
        except (OSError, paramiko.SSHException) as exc:
            raise self.error(f"{what}: cannot read known_hosts file {known_hosts}: {describe(exc)}") from None
        client.set_missing_host_key_policy(_RejectUnknownHost(self))

    def _load_key(self, what: str) -> paramiko.PKey:
        key_file = self.endpoint.key_file
        try:
            return paramiko.PKey.from_path(key_file)
        except FileNotFoundError:
            raise self.error(f"{what}: key file {key_file} does not exist") from None
        except (OSError, ValueError, paramiko.SSHException) as exc:
            raise self.error(f"{what}: cannot load key file {key_file}: {describe(exc)}") from None

    def _connect_error(self, exc: BaseException, what: str) -> TransportError:
        endpoint = self.endpoint
        if isinstance(exc, paramiko.BadHostKeyException):
            return self.error(
                f"WRONG host key: {endpoint.address} presents {exc.key.get_name()} {exc.key.fingerprint}, "
                f"but {endpoint.known_hosts} expects {exc.expected_key.fingerprint} (another device on this "
                "address, or its host key changed); not connecting"
            )
        if isinstance(exc, paramiko.AuthenticationException):
            return self.error(
                f"{what}: {endpoint.address} did not accept key {endpoint.key_file} "
                f"for user {endpoint.user!r}: {exc}"
            )
        if isinstance(exc, TimeoutError):
            return self.error(f"{what}: SSH handshake with {endpoint.address} timed out", TransportTimeout)
        return self.error(f"{what}: SSH handshake with {endpoint.address} failed: {describe(exc)}")
