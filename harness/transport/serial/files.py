"""Files over a serial console: base64 lines typed into `base64 -d`, every chunk's digest checked.

Push: the file goes in chunks of one console line each (under the tty's 4095-byte line limit)::

    cat C >> P || exit 99; echo <base64 of chunk i> | base64 -d > C && sha256sum C

appends the previous, verified chunk file ``C`` to the part file ``P`` (``<remote>.part-<nonce>``),
then decodes chunk *i* into ``C`` and prints its digest. The host compares that digest with its own
and types the chunk again (without the append) when they differ: a line corrupted on the way is
detected and resent, up to :data:`CHUNK_ATTEMPTS` times. The last line appends the last chunk and
prints the digest of ``P``, which must equal the whole file's; only then is ``P`` renamed to the final
name. Any failure removes ``P`` and ``C`` (as far as the console still answers) and raises: the final
name never holds a partial file.

Pull: ``sha256sum FILE``, then ``base64 FILE``; the host decodes and checks the digest (once more on a
mismatch), writes ``.<name>.part-<nonce>`` next to the local file and renames it when complete.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
import re
import secrets
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from harness.errors import TransportError
from harness.transport.sentinel import Sentinel
from harness.transport.serial.session import MAX_LINE, command_line

APPEND_FAILED = 99
CHUNK_ATTEMPTS = 3
PULL_ATTEMPTS = 2
MIN_CHUNK = 48
_DIGEST = re.compile(r"\b[0-9a-f]{64}\b")

Run = Callable[[str], tuple[str, int]]
"""Runs one command on the console: (output, exit status); raises TransportError on failure."""
Fail = Callable[[str], TransportError]


@dataclass(frozen=True)
class PushResult:
    size: int
    chunks: int
    resent: int


@dataclass(frozen=True)
class _PartFiles:
    """The device-side names of one push: the part file and the chunk file, shell-quoted."""

    part: str
    chunk: str

    @classmethod
    def new(cls, remote: str) -> _PartFiles:
        part = f"{remote}.part-{secrets.token_hex(4)}"
        return cls(shlex.quote(part), shlex.quote(f"{part}.chunk"))

    def append(self) -> str:
        """The prefix that appends the (verified) chunk file to the part file, or exits 99."""
        return f"cat {self.chunk} >> {self.part} || exit {APPEND_FAILED}; "

    def chunk_line(self, encoded: str, *, append: bool) -> str:
        prefix = self.append() if append else ""
        return f"{prefix}echo {encoded} | base64 -d > {self.chunk} && sha256sum {self.chunk}"

    def chunk_size(self) -> int:
        """How many file bytes one console line can carry with these paths."""
        line = command_line(self.chunk_line("", append=True), Sentinel("0" * 16))
        return (MAX_LINE - len(line.encode("utf-8"))) // 4 * 3


def _chunks(local: Path, size: int) -> Iterator[bytes]:
    with local.open("rb") as source:
        while chunk := source.read(size):
            yield chunk


def push_file(run: Run, cleanup: Run, local: Path, remote: str, fail: Fail) -> PushResult:
    """Push ``local`` to ``remote`` in verified chunks (see the module docstring); ``cleanup`` runs
    the removal of the temporary files after a failure (with time of its own)."""
    files = _PartFiles.new(remote)
    what = f"push {local} -> {remote}"
    size = files.chunk_size()
    if size < MIN_CHUNK:
        raise fail(f"{what}: the device path is too long for a console line")
    whole = hashlib.sha256()
    total = count = resent = 0
    try:
        output, status = run(f"printf '' > {files.part}")
        if status != 0:
            raise fail(f"{what}: cannot create {files.part}: {output.strip()[-300:]}")
        for index, chunk in enumerate(_chunks(local, size)):
            whole.update(chunk)
            resent += _send_chunk(run, files, chunk, append=index > 0, fail=lambda m: fail(f"{what}: {m}"))
            total += len(chunk)
            count += 1
        prefix = files.append() if count else ""
        output, status = run(f"{prefix}rm -f {files.chunk}; sha256sum {files.part}")
        if status != 0 or whole.hexdigest() not in _DIGEST.findall(output):
            raise fail(
                f"{what}: {files.part} does not hold the file (exit status {status}, "
                f"sha256 expected {whole.hexdigest()}): {output.strip()[-300:]}"
            )
        output, status = run(f"mv -f {files.part} {shlex.quote(remote)}")
        if status != 0:
            raise fail(f"{what}: cannot rename {files.part}: {output.strip()[-300:]}")
    except BaseException:
        with contextlib.suppress(TransportError):
            cleanup(f"rm -f {files.part} {files.chunk}")
        raise
    return PushResult(total, count, resent)


def _send_chunk(run: Run, files: _PartFiles, chunk: bytes, *, append: bool, fail: Fail) -> int:
    """Type one chunk until its digest comes back right; returns how many times it was resent."""
    encoded = base64.b64encode(chunk).decode("ascii")
    expected = hashlib.sha256(chunk).hexdigest()
    output = ""
    for attempt in range(CHUNK_ATTEMPTS):
        output, status = run(files.chunk_line(encoded, append=append))
        if status == APPEND_FAILED:
            raise fail(f"appending a chunk to {files.part} failed: {output.strip()[-300:]}")
        append = False  # the previous chunk is in the part file now
        if status == 0 and expected in _DIGEST.findall(output):
            return attempt
    raise fail(f"a chunk did not arrive intact in {CHUNK_ATTEMPTS} tries: {output.strip()[-300:]}")


def pull_file(run: Run, remote: str, local: Path, fail: Fail) -> int:
    """Pull ``remote`` into ``local`` through a temporary name; returns the size."""
    quoted = shlex.quote(remote)
    output, status = run(f"sha256sum {quoted}")
    digests = _DIGEST.findall(output)
    if status != 0 or not digests:
        raise fail(f"pull {remote} -> {local}: {output.strip()[-300:] or f'exit status {status}'}")
    expected = digests[0]
    data = None
    for _ in range(PULL_ATTEMPTS):
        output, status = run(f"base64 {quoted}")
        if status != 0:
            raise fail(f"pull {remote} -> {local}: {output.strip()[-300:]}")
        with contextlib.suppress(binascii.Error, ValueError):
            data = base64.b64decode("".join(output.split()), validate=True)
        if data is not None and hashlib.sha256(data).hexdigest() == expected:
            break
        data = None
    if data is None:
        raise fail(f"pull {remote} -> {local}: the file did not arrive intact (sha256 mismatch) twice")
    part = local.with_name(f".{local.name}.part-{secrets.token_hex(4)}")
    try:
        part.write_bytes(data)
        os.replace(part, local)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise fail(f"pull {remote} -> {local}: {exc}") from None
    return len(data)
