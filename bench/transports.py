"""Per-transport figures against raw loopback baselines, in one run.

For each transport of the emulated device (hdc, SSH, serial): a shell round trip (`run("true")`),
a shim call round trip (`ping()`, no API work), and file push throughput; beside a raw TCP echo
round trip and raw loopback TCP throughput measured in the same run, in separate processes.

    .venv/bin/python bench/transports.py [--rounds 300] [--push-mb 4]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_common import PYTHON_ECHO, echo_samples, percentiles, time_calls

from harness.registry import DeviceRegistry, RunOptions
from harness.transport.kinds import transport_names

SINK = """
import socket
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen()
print(server.getsockname()[1], flush=True)
conn, _ = server.accept()
total = 0
while data := conn.recv(1 << 20):
    total += len(data)
conn.sendall(str(total).encode())
"""


def raw_throughput(megabytes: int) -> float:
    """MB/s of one TCP connection on loopback into a reading process."""
    process = subprocess.Popen([sys.executable, "-c", SINK], stdout=subprocess.PIPE, text=True)
    try:
        port = int(process.stdout.readline())
        block = os.urandom(1 << 20)
        with socket.create_connection(("127.0.0.1", port)) as sock:
            began = time.perf_counter()
            for _ in range(megabytes):
                sock.sendall(block)
            sock.shutdown(socket.SHUT_WR)
            sock.recv(64)
            return megabytes / (time.perf_counter() - began)
    finally:
        process.wait(10)


def transport_figures(registry: DeviceRegistry, kind: str, rounds: int, push_bytes: int) -> dict[str, float]:
    device = registry.get("emu-0001", kind)
    shell = time_calls(lambda: device.shell("true"), rounds, warmup=20)
    with device.shim() as shim:
        ping = time_calls(shim.ping, rounds, warmup=20)
    with tempfile.TemporaryDirectory() as work:
        local = Path(work) / "payload.bin"
        local.write_bytes(os.urandom(push_bytes))
        began = time.perf_counter()
        device.transport.push(local, "/data/local/tmp/bench-payload.bin")
        push = push_bytes / 1e6 / (time.perf_counter() - began)
    device.shell("rm -f /data/local/tmp/bench-payload.bin")
    return {"shell p50": percentiles(shell)[0], "shim p50": percentiles(ping)[0], "push MB/s": push}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--push-mb", type=float, default=4.0, help="push size for hdc and SSH (serial: 1/16)")
    args = parser.parse_args()
    echo = percentiles(echo_samples([sys.executable, "-c", PYTHON_ECHO], args.rounds * 5))[0]
    throughput = raw_throughput(64)
    print(f"raw loopback: TCP echo p50 {echo * 1e6:.0f} µs, TCP throughput {throughput:.0f} MB/s")
    print(
        f"{'transport':10} {'shell p50 ms':>12} {'x echo':>8} {'shim p50 ms':>12} {'x echo':>8} "
        f"{'push MB/s':>10} {'x raw':>8}"
    )
    registry = DeviceRegistry(RunOptions())
    try:
        for kind in transport_names():
            size = int(args.push_mb * 1e6 / (16 if kind == "serial" else 1))
            figures = transport_figures(registry, kind, args.rounds, size)
            print(
                f"{kind:10} {figures['shell p50'] * 1e3:12.2f} {figures['shell p50'] / echo:8.0f} "
                f"{figures['shim p50'] * 1e3:12.2f} {figures['shim p50'] / echo:8.0f} "
                f"{figures['push MB/s']:10.2f} {figures['push MB/s'] / throughput:8.4f}"
            )
    finally:
        registry.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
