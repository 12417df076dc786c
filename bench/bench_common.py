"""What the benchmarks share: timing a call, percentiles, a raw TCP echo in its own process."""

from __future__ import annotations

import socket
import statistics
import subprocess
import time
from collections.abc import Callable

PYTHON_ECHO = """
import socket
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen()
print(server.getsockname()[1], flush=True)
conn, _ = server.accept()
conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
while data := conn.recv(65536):
    conn.sendall(data)
"""
NODE_ECHO = """
const server = require("net").createServer(c => { c.setNoDelay(true); c.on("data", d => c.write(d)); });
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
"""
PAYLOAD = b'{"id":1,"method":"ping","params":{}}' + b" " * 27 + b"\n"


def percentiles(samples: list[float]) -> tuple[float, float]:
    """(p50, p95) of samples."""
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95)]


def time_calls(
    call: Callable[[], object], rounds: int, warmup: int = 200, settle: float = 0.0
) -> list[float]:
    """Seconds per call, after ``warmup`` untimed calls and at least ``settle`` seconds of them."""
    settled = time.perf_counter() + settle
    done = 0
    while done < warmup or time.perf_counter() < settled:
        call()
        done += 1
    samples = []
    for _ in range(rounds):
        began = time.perf_counter()
        call()
        samples.append(time.perf_counter() - began)
    return samples


def echo_samples(command: list[str], rounds: int) -> list[float]:
    """Round trips of a 64-byte line to an echo server started with ``command`` (prints its port)."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        port = int(process.stdout.readline())
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def round_trip() -> None:
                sock.sendall(PAYLOAD)
                received = 0
                while received < len(PAYLOAD):
                    received += len(sock.recv(65536))

            return time_calls(round_trip, rounds)
    finally:
        process.kill()
        process.wait()
