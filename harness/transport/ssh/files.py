"""SFTP push and pull that never leave a partial file under the final name.

A push writes ``<remote>.part-<nonce>`` on the device, checks its size, then posix-renames it; a
pull writes ``.<name>.part-<nonce>`` next to the local file, checks its size, then renames it. On
failure the temporary file is removed (on the device, as far as the connection still allows).

Writes are pipelined; reads are not (paramiko's read-ahead runs in a thread of its own that dies
with a traceback when the connection drops), so a pull moves 32 KiB per round trip: as fast as a
push on loopback and LAN, slower over links with a long round trip.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path

import paramiko

from harness.transport.ssh.connection import CONNECTION_ERRORS, describe

CLEANUP_TIMEOUT = 5.0

Progress = Callable[[int, int], None]
Failure = Callable[[str], Exception]


def push_once(
    sftp: paramiko.SFTPClient, local: Path, remote: str, size: int, progress: Progress, fail: Failure
) -> None:
    part = f"{remote}.part-{secrets.token_hex(4)}"
    try:
        sftp.put(str(local), part, callback=progress, confirm=False)
        landed = sftp.stat(part).st_size
        if landed != size:
            reason = _write_error(sftp, part)
            raise fail(f"push {local} -> {remote} failed: the device kept {landed} of {size} bytes{reason}")
        sftp.posix_rename(part, remote)
    except BaseException:
        with contextlib.suppress(*CONNECTION_ERRORS):
            sftp.get_channel().settimeout(CLEANUP_TIMEOUT)
            sftp.remove(part)
        raise


def _write_error(sftp: paramiko.SFTPClient, path: str) -> str:
    """Why writes to ``path`` fail, found with one unpipelined write (as ``": <device message>"``).

    paramiko's pipelined `put` never reads the answers to its last writes, so their errors (a full
    partition, typically) are lost; the size check catches the damage, this finds the reason.
    """
    try:
        with sftp.open(path, "ab") as handle:
            handle.write(b"\0")
    except CONNECTION_ERRORS as exc:
        return f": {describe(exc)}"
    return ""


def pull_once(sftp: paramiko.SFTPClient, remote: str, local: Path, progress: Progress, fail: Failure) -> int:
    part = local.with_name(f".{local.name}.part-{secrets.token_hex(4)}")
    try:
        expected = sftp.stat(remote).st_size
        sftp.get(remote, str(part), callback=progress, prefetch=False)
        got = part.stat().st_size
        if got != expected:
            raise fail(f"pull {remote} -> {local}: received {got} bytes, the device has {expected}")
        os.replace(part, local)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return expected
