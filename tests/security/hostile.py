"""The live emulated farm of the hostile-client suite and the process figures (RSS, peak RSS, threads,
descriptors) each attack is measured by."""

from __future__ import annotations

import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from harness.hdc import HdcClient
from ohos_protocol import hdc_wire as wire

REPO = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60.0
FRAME_TIMEOUT = 2.0
MAX_CONNECTIONS = 400
MiB = 1024 * 1024


@dataclass(frozen=True)
class Figures:
    """One look at the emulator process."""

    rss: int
    peak: int
    threads: int
    fds: int

    def line(self, after: Figures) -> str:
        return (
            f"RSS {self.rss / MiB:.1f} -> {after.rss / MiB:.1f} MiB (peak {self.peak / MiB:.1f} -> "
            f"{after.peak / MiB:.1f}), threads {self.threads} -> {after.threads}, "
            f"fds {self.fds} -> {after.fds}"
        )


@dataclass
class Farm:
    process: subprocess.Popen[bytes]
    host: str
    port: int
    serial: str
    log: Path
    allowed: Path

    def figures(self) -> Figures:
        status = dict(
            line.split(":", 1) for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines()
        )
        return Figures(
            rss=int(status["VmRSS"].split()[0]) * 1024,
            peak=int(status["VmHWM"].split()[0]) * 1024,
            threads=int(status["Threads"]),
            fds=len(list(Path(f"/proc/{self.process.pid}/fd").iterdir())),
        )

    def settled(self, before: Figures, timeout: float = 10.0) -> Figures:
        """The figures once the threads and descriptors an attack left have gone (or ``timeout`` passed)."""
        deadline = time.monotonic() + timeout
        while True:
            now = self.figures()
            if (now.threads <= before.threads and now.fds <= before.fds) or time.monotonic() > deadline:
                return now
            time.sleep(0.1)

    def client(self) -> HdcClient:
        return HdcClient(self.host, self.port, timeout=10)

    def connect(self, timeout: float = 5.0) -> socket.socket:
        """A connection that has read the server's handshake."""
        sock = socket.create_connection((self.host, self.port), timeout=timeout)
        assert wire.read_frame(sock) is not None
        return sock

    def command(self, line: str) -> list[bytes]:
        """Frames the server sends for one command line (as hdc-rs-py sends it) until it closes."""
        with self.connect() as sock:
            sock.sendall(wire.encode_frame(wire.ClientHello(wire.server_banner(), self.serial).encode()))
            sock.sendall(wire.encode_frame(line.encode() + b"\0"))
            frames = []
            while (frame := wire.read_frame(sock)) is not None:
                frames.append(frame)
            return frames
