"""The harness's hdc shell round trip against hdctool's, on the same emulated hdc server, in one run.

Starts the emulated device (`ohos-hil emulator serve` in a child process) and times `shell true`
three ways, interleaved round by round so machine load hits them alike:
  HdcTransport.run("true")   what a test's `device.shell()` costs: the command with its exit-status
                             marker, a new hdc connection, the trace record
  HdcClient.shell("true")    the harness's hdc client alone (no marker, no trace)
  hdctool shell("true")      hdctool 0.5 (PyPI), a new connection, read to the end
Target: HdcTransport.run p50 <= hdctool's p50.

    .venv/bin/python bench/hdc_shell.py [--rounds 500]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import hdctool
from bench_common import percentiles

from harness.embedded import EmbeddedEmulator
from harness.trace import Trace
from harness.transport.hdc import HdcTransport


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        emulator = EmbeddedEmulator(Path(work) / "emulator", "api10-doc")
        try:
            host, port = emulator.start()["hdc"].rsplit(":", 1)
            transport = HdcTransport("emu-0001", host, int(port), Trace(max_records=1000))
            target = hdctool.create_client(host, int(port), connect_timeout=5, read_timeout=10).get_target(
                "emu-0001"
            )

            def hdctool_shell() -> None:
                connection = target.shell("true")
                try:
                    connection.read_all()
                finally:
                    connection.end()

            calls = {
                "HdcTransport.run": lambda: transport.run("true"),
                "HdcClient.shell": lambda: transport.client.shell("emu-0001", "true"),
                "hdctool shell": hdctool_shell,
            }
            samples: dict[str, list[float]] = {name: [] for name in calls}
            for round_ in range(args.rounds + 50):  # the first 50 rounds warm up, untimed
                for name, call in calls.items():
                    began = time.perf_counter()
                    call()
                    if round_ >= 50:
                        samples[name].append(time.perf_counter() - began)
        finally:
            emulator.stop()
    print(f"{'shell true over hdc':20} {'p50 ms':>8} {'p95 ms':>8} {'x hdctool':>10}")
    baseline = percentiles(samples["hdctool shell"])[0]
    for name, values in samples.items():
        p50, p95 = percentiles(values)
        print(f"{name:20} {p50 * 1e3:8.3f} {p95 * 1e3:8.3f} {p50 / baseline:10.2f}")
    ours = percentiles(samples["HdcTransport.run"])[0]
    met = ours <= baseline
    print(
        f"target HdcTransport.run p50 <= hdctool's -> {ours * 1e3:.3f} vs {baseline * 1e3:.3f} ms "
        f"{'met' if met else 'MISSED'}"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
