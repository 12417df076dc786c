"""Key material of an emulated device's SSH server, kept in one directory.

- ``ssh_host_ed25519_key``: the server's host key;
- ``id_ed25519`` / ``id_ed25519.pub``: the client key pair the emulator authorizes (user ``root``);
- ``known_hosts``: ``[127.0.0.1]:PORT ssh-ed25519 ...``, written once the port is known.

Keys are Ed25519 in OpenSSH format (made with ``cryptography``; paramiko can load but not make them)
and are reused when present, so a restarted emulator keeps its host key and known_hosts stays valid.
Private keys are created with mode 0600, as OpenSSH requires.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import paramiko
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from ohos_protocol.errors import ConfigError

HOST_KEY_NAME = "ssh_host_ed25519_key"
CLIENT_KEY_NAME = "id_ed25519"
KNOWN_HOSTS_NAME = "known_hosts"
CLIENT_KEY_COMMENT = "ohos-hil-emulator"


@dataclass(frozen=True)
class SshKeyFiles:
    """The paths of one device's SSH key material."""

    directory: Path

    @property
    def host_key(self) -> Path:
        return self.directory / HOST_KEY_NAME

    @property
    def client_key(self) -> Path:
        return self.directory / CLIENT_KEY_NAME

    @property
    def client_public_key(self) -> Path:
        return self.directory / f"{CLIENT_KEY_NAME}.pub"

    @property
    def known_hosts(self) -> Path:
        return self.directory / KNOWN_HOSTS_NAME

    def load_host_key(self) -> paramiko.PKey:
        return paramiko.PKey.from_path(self.host_key)

    def load_client_key(self) -> paramiko.PKey:
        return paramiko.PKey.from_path(self.client_key)


def ensure_keys(directory: Path) -> SshKeyFiles:
    """Create the host key and the client key pair under ``directory`` unless they exist."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    files = SshKeyFiles(directory)
    for private in (files.host_key, files.client_key):
        if not private.exists():
            _create_exclusively(private, _new_ed25519_private_key(), mode=0o600)
    client = files.load_client_key()
    public_line = f"{public_key_line(client)} {CLIENT_KEY_COMMENT}\n"
    if not files.client_public_key.exists() or files.client_public_key.read_text() != public_line:
        _write_atomically(files.client_public_key, public_line.encode(), mode=0o644)
    return files


def public_key_line(key: paramiko.PKey) -> str:
    """``ssh-ed25519 AAAA...`` (the key's type and base64 blob, as in authorized_keys)."""
    return f"{key.get_name()} {key.get_base64()}"


def known_hosts_line(host: str, port: int, key: paramiko.PKey) -> str:
    """The known_hosts entry for a server on ``host:port`` (``[host]:port`` unless port 22)."""
    name = host if port == 22 else f"[{host}]:{port}"
    return f"{name} {public_key_line(key)}"


def write_known_hosts(files: SshKeyFiles, host: str, port: int) -> Path:
    """Write ``files.known_hosts`` with the one entry for the server now listening on ``host:port``."""
    line = known_hosts_line(host, port, files.load_host_key())
    _write_atomically(files.known_hosts, f"{line}\n".encode(), mode=0o644)
    return files.known_hosts


def read_authorized_keys(path: Path) -> list[paramiko.PKey]:
    """The keys of an OpenSSH authorized_keys file; ConfigError (file:line) for a line it cannot use."""
    keys = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = line.split()
        if len(fields) < 2:
            raise ConfigError(f"{path}:{number}: expected `TYPE BASE64 [COMMENT]`, got {line[:80]!r}")
        try:
            keys.append(paramiko.PKey.from_type_string(fields[0], base64.b64decode(fields[1], validate=True)))
        except (binascii.Error, ValueError, paramiko.SSHException) as exc:
            raise ConfigError(
                f"{path}:{number}: not a public key of a supported type ({exc}); "
                "key options before the type are not supported"
            ) from None
    return keys


def _new_ed25519_private_key() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(Encoding.PEM, PrivateFormat.OpenSSH, NoEncryption())


def _temporary_sibling(path: Path, data: bytes, mode: int) -> Path:
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return temporary


def _create_exclusively(path: Path, data: bytes, mode: int) -> None:
    """Create ``path`` complete, or leave the one another process created first."""
    temporary = _temporary_sibling(path, data, mode)
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()


def _write_atomically(path: Path, data: bytes, mode: int) -> None:
    os.replace(_temporary_sibling(path, data, mode), path)
