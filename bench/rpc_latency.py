"""Shim call round trips through `hdc fport` against raw TCP echoes on loopback, in one run.

Starts the emulated device (`ohos-hil emulator serve` in a child process), reaches its shim the way
the harness does (HdcTransport: fport, then the shim protocol), and times:
  ping            a shim round trip that does no API work
  GallerySync.on  a full API call (NAPI checks, an IPC transaction to the emulated service)
against two echo servers in their own processes (Python and Node.js), 64 bytes per round trip.
Targets: ping p50 <= 4x the raw echo p50; GallerySync.on p50 <= 10x.

    .venv/bin/python bench/rpc_latency.py [--rounds 3000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench_common import NODE_ECHO, PYTHON_ECHO, echo_samples, percentiles, time_calls

from harness.controls.journal import RestoreJournal
from harness.device.device import Device
from harness.embedded import EmbeddedEmulator
from harness.shim.values import Callback
from harness.trace import Trace
from harness.transport.hdc import HdcTransport
from ohos_protocol.names import CAPABILITIES

# The device starts the next spare Node.js runtime beside a fresh shim (~100 ms of CPU on these
# 2 cores); the round trips are timed once that has settled, not while it competes for a core.
SETTLE_SECONDS = 0.5


def shim_samples(rounds: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory() as work:
        emulator = EmbeddedEmulator(Path(work) / "emulator", "api10-doc")
        host, port = emulator.start()["hdc"].rsplit(":", 1)
        trace = Trace(max_records=1000)
        transport = HdcTransport("emu-0001", host, int(port), trace)
        device = Device(
            "emu-0001",
            transport,
            journal=RestoreJournal(Path(work) / "journal.jsonl"),
            capabilities=CAPABILITIES,
            trace=trace,
        )
        try:
            with device.shim(fresh=True) as shim:
                gallery = shim.create("@ohos.file.cloudSync", "GallerySync")
                callback = Callback("progress")
                return {
                    "shim ping (no API work)": time_calls(shim.ping, rounds, settle=SETTLE_SECONDS),
                    "GallerySync.on (full API call)": time_calls(
                        lambda: gallery.call("on", "progress", callback), rounds
                    ),
                }
        finally:
            device.close()
            emulator.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3000)
    args = parser.parse_args()
    results = {
        "raw TCP echo, Python process": echo_samples([sys.executable, "-c", PYTHON_ECHO], args.rounds),
        "raw TCP echo, Node.js process": echo_samples(["node", "-e", NODE_ECHO], args.rounds),
        **shim_samples(args.rounds),
    }
    baseline = percentiles(results["raw TCP echo, Python process"])[0]
    node_baseline = percentiles(results["raw TCP echo, Node.js process"])[0]
    print(f"{'round trip':34} {'p50 µs':>8} {'p95 µs':>8} {'x py echo':>10} {'x node echo':>12}")
    for name, samples in results.items():
        p50, p95 = percentiles(samples)
        print(
            f"{name:34} {p50 * 1e6:8.0f} {p95 * 1e6:8.0f} {p50 / baseline:10.2f} {p50 / node_baseline:12.2f}"
        )
    targets = {"shim ping (no API work)": 4.0, "GallerySync.on (full API call)": 10.0}
    verdicts = []
    for name, limit in targets.items():
        ratio = percentiles(results[name])[0] / baseline
        verdicts.append(ratio <= limit)
        print(
            f"target {name}: p50 <= {limit:g}x the Python echo p50 -> {ratio:.2f}x "
            f"{'met' if ratio <= limit else 'MISSED'}"
        )
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
