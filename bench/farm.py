"""The device farm: wall time of the full suites on 1, 2 and 4 emulated devices at once, and memory.

Each size is one `pytest suites -n N --emulated-devices N` run (one xdist worker per device, one
embedded emulator with N devices). Printed: wall time, its ratio to one device, and the peak RSS of
the emulator with its shims (the `serve` process and its descendants) per device, and of the
harness's pytest processes (controller and workers). Targets on 2 cores: 4 devices ≤ 2.0× one
device, 2 devices ≤ 1.3×.

`--coordinator N` adds the labgrid case: one `emulator serve --devices N` exported through a real
`labgrid-coordinator` and `labgrid-exporter` (127.0.0.1), then the same `ohos-hil run -n N` twice:
on the served devices' inventory directly, and with `--coordinator --reserve --count N` (reserve,
wait, acquire, refresh, release around the same suites), alternated `--repeat` times, best of
each. Target: with ≤ 1.1× without.

    .venv/bin/python bench/farm.py [--sizes 1,2,4] [--transport hdc] [--coordinator 4]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE_INTERVAL = 0.2
RUN_TIMEOUT = 1800.0
PAGE = os.sysconf("SC_PAGE_SIZE")


def _children() -> dict[int, list[int]]:
    """Every process's children, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def _tree(root: int, children: dict[int, list[int]]) -> list[int]:
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _rss(pid: int) -> int:
    try:
        return int((Path("/proc") / str(pid) / "statm").read_text().split()[1]) * PAGE
    except OSError:
        return 0


def _is_emulator(pid: int) -> bool:
    try:
        return b"ohos_emulator" in (Path("/proc") / str(pid) / "cmdline").read_bytes()
    except OSError:
        return False


class MemorySampler(threading.Thread):
    """Peak RSS of a run's emulator tree and of its harness processes (everything else under it)."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.stop = threading.Event()
        self.emulator_peak = 0
        self.harness_peak = 0

    def run(self) -> None:
        while not self.stop.wait(SAMPLE_INTERVAL):
            children = _children()
            everything = _tree(self.root, children)
            emulators = [pid for pid in everything if _is_emulator(pid)]
            emulator_tree = {p for pid in emulators for p in _tree(pid, children)}
            self.emulator_peak = max(self.emulator_peak, sum(_rss(pid) for pid in emulator_tree))
            harness = sum(_rss(pid) for pid in everything if pid not in emulator_tree)
            self.harness_peak = max(self.harness_peak, harness)


def _children_cpu() -> float:
    """User + system CPU seconds of every waited-for descendant so far (load-independent)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_farm(devices: int, transport: str) -> tuple[float, float, int, int, str]:
    """(wall s, CPU s, emulator peak RSS, harness peak RSS, pytest's last line) of one farm run.

    The CPU seconds are those of the whole run's process tree (pytest, its workers, the emulator
    and every shim it started and reaped), counted when they are waited for."""
    command = [
        sys.executable, "-m", "pytest", "suites", "-q", "-p", "no:cacheprovider", "--transport", transport,
        "--emulated-devices", str(devices), "-n", str(devices),
    ]  # fmt: skip
    began, cpu = time.monotonic(), _children_cpu()
    child = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sampler = MemorySampler(child.pid)
    sampler.start()
    output, _ = child.communicate(timeout=RUN_TIMEOUT)
    wall, cpu = time.monotonic() - began, _children_cpu() - cpu
    sampler.stop.set()
    sampler.join()
    last = output.strip().splitlines()[-1] if output.strip() else f"(exit {child.returncode})"
    return wall, cpu, sampler.emulator_peak, sampler.harness_peak, last


def _timed_run(arguments: list[str], env: dict[str, str], home: Path) -> tuple[float, str]:
    command = [sys.executable, "-m", "harness.cli.main", "run", "--no-report", *arguments]
    command += ["--results", str(home / "allure-results"), "--report", str(home / "allure-report")]
    began = time.monotonic()
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT)
    verdict = [line for line in done.stdout.splitlines() if line.startswith("Verdict")]
    failure = f"(exit {done.returncode}) {done.stderr.strip()[-200:]}"
    return time.monotonic() - began, (verdict or [failure])[-1]


def coordinator_case(devices: int, transport: str, repeat: int) -> None:
    """The same run with and without labgrid's coordinator in front of the same served devices."""
    sys.path.insert(0, str(REPO / "tests" / "labgrid"))
    from lab_processes import Lab, LabProcesses, free_port, lab_env

    with tempfile.TemporaryDirectory(prefix="ohos-hil-bench-lab-") as temporary:
        work = Path(temporary)
        lab = LabProcesses(work, lab_env(work))
        try:
            port = free_port()
            address = f"127.0.0.1:{port}"
            lab.coordinator(port)
            endpoints = lab.lab_host("hostA", address, devices=devices)
            Lab(address, work, lab.env).places_command(endpoints, "hostA", "api=10")
            common = ["-n", str(devices), "--transport", transport]
            reserve = ["--coordinator", address, "--reserve", "lab_host=hostA", "--count", str(devices)]
            print(f"\nlabgrid coordinator: {devices} devices, the full suites over {transport}")
            inventory = ["--inventory", str(endpoints)]
            best = {"without": float("inf"), "with": float("inf")}
            for attempt in range(repeat):  # alternated, best of each: the machine's load moves meanwhile
                for case, arguments in (("without", [*inventory, *common]), ("with", [*reserve, *common])):
                    wall, verdict = _timed_run(arguments, lab.env, work / f"{case}-{attempt}")
                    best[case] = min(best[case], wall)
                    print(f"  {case + ' coordinator':<20} {wall:>8.1f} s   {verdict}", flush=True)
            ratio = best["with"] / best["without"]
            print(f"  best of {repeat}: without {best['without']:.1f} s, with {best['with']:.1f} s, "
                  f"ratio {ratio:.2f}× (target ≤ 1.10)")  # fmt: skip
        finally:
            lab.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,2,4", help="device counts to run (default 1,2,4)")
    parser.add_argument("--transport", default="hdc", choices=("hdc", "ssh", "serial"))
    parser.add_argument("--coordinator", type=int, metavar="N", help="also the labgrid case on N devices")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each labgrid case (default 2)")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",") if size]
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"farm: the full suites over {args.transport} on {os.cpu_count()} cores, load average {load}")
    columns = (
        ("devices", 7), ("wall s", 8), ("× one", 6), ("CPU s", 7), ("CPU s/dev", 10),
        ("emulator+shims MiB/dev", 26), ("harness MiB", 12),
    )  # fmt: skip
    print(" ".join(f"{name:>{width}}" for name, width in columns), " pytest")
    base = None
    for devices in sizes:
        wall, cpu, emulator, harness, last = run_farm(devices, args.transport)
        base = base or wall
        print(
            f"{devices:>7} {wall:>8.1f} {wall / base:>6.2f} {cpu:>7.1f} {cpu / devices:>10.1f} "
            f"{emulator / devices / 2**20:>26.1f} {harness / 2**20:>12.1f}  {last}",
            flush=True,
        )
    if args.coordinator:
        coordinator_case(args.coordinator, args.transport, args.repeat)


if __name__ == "__main__":
    main()
