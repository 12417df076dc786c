"""What a fresh shim costs a test on the embedded emulated device: `Device.shim(fresh=True)`, p50/p95.

Beside it, its parts: `aa force-stop` of the last one, `aa start`, and `Device.shim()` on the
running ability (a new want with `aa start`, then the handshake through one hdc forward).
Between starts the script waits as long as a short test's body (``--gap``), so the pre-started
Node.js runtime has time to load. Target: p50 ≤ 30 ms.

    .venv/bin/python bench/shim_start.py [--rounds 30] [--gap 0.3] [--transport hdc]
"""

from __future__ import annotations

import argparse
import time

from bench_common import percentiles

from harness.registry import DeviceRegistry, RunOptions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--gap", type=float, default=0.3, help="seconds between starts (a test's body)")
    parser.add_argument("--transport", default="hdc", choices=("hdc", "ssh", "serial"))
    args = parser.parse_args()
    registry = DeviceRegistry(RunOptions(transport=args.transport))
    try:
        device = registry.get("emu-0001")
        variant = device.variant("default")
        device.shim(fresh=True).close()
        names = ("aa force-stop", "aa start", "shim() running", "shim(fresh)")
        parts: dict[str, list[float]] = {name: [] for name in names}
        for _ in range(args.rounds):
            time.sleep(args.gap)
            began = time.perf_counter()
            device.abilities.force_stop(variant)
            stopped = time.perf_counter()
            device.abilities.start(variant)
            started = time.perf_counter()
            device.shim().close()  # the running ability: a new want and the handshake
            parts["aa force-stop"].append(stopped - began)
            parts["aa start"].append(started - stopped)
            parts["shim() running"].append(time.perf_counter() - started)
            time.sleep(args.gap)
            began = time.perf_counter()
            device.shim(fresh=True).close()
            parts["shim(fresh)"].append(time.perf_counter() - began)
    finally:
        registry.close()
    print(f"shim start over {args.transport}, {args.rounds} rounds, {args.gap:g} s apart")
    print(f"{'':16} {'p50 ms':>8} {'p95 ms':>8}")
    for name, samples in parts.items():
        p50, p95 = percentiles(samples)
        print(f"{name:16} {p50 * 1000:>8.1f} {p95 * 1000:>8.1f}")
    p50 = percentiles(parts["shim(fresh)"])[0] * 1000
    print(f"target shim(fresh) p50 <= 30 ms -> {p50:.1f} ms {'met' if p50 <= 30 else 'MISSED'}")


if __name__ == "__main__":
    main()
