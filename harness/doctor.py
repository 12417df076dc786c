"""Health checks of a device, one verdict each, per transport (`ohos-hil doctor`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from harness.controls.battery import BatteryControl
from harness.device.device import Device
from harness.errors import ConfigError, HarnessError

CLOCK_SKEW_WARN = 5.0
MIN_API_LEVEL = 10


@dataclass(frozen=True)
class Check:
    name: str
    verdict: str  # OK, WARN, FAIL, SKIP
    detail: str


def _reachable(device: Device) -> tuple[str, str]:
    result = device.shell("echo ohos-hil-doctor", timeout=15)
    if result.ok and "ohos-hil-doctor" in result.output:
        return "OK", "shell answered"
    return "FAIL", f"`echo` exited {result.exit_status}: {result.output.strip()[:120]!r}"


def _api_level(device: Device) -> tuple[str, str]:
    info = device.info
    verdict = "OK" if info.api_level >= MIN_API_LEVEL else "FAIL"
    return verdict, f"API {info.api_level} ({info.full_name}, model {info.model}, build {info.build_type})"


def _shim(device: Device) -> tuple[str, str]:
    began = time.perf_counter()
    with device.shim() as shim:
        shim.ping()
        info = shim.info
    return "OK", (
        f"{info.get('bundle')} answered its handshake ({info.get('platform')}, protocol "
        f"{info.get('protocol', {}).get('major')}) in {time.perf_counter() - began:.2f} s"
    )


def _battery_mock(device: Device) -> tuple[str, str]:
    if "battery_control" not in device.capabilities:
        return "SKIP", "the inventory does not grant battery_control"
    if device.info.build_type == "user":
        return "FAIL", "user build: BatteryService mocks are disabled"
    reading = BatteryControl(device).read()
    return (
        "OK",
        f"hidumper BatteryService readable (capacity {reading.capacity} %, plugged {reading.plugged_type})",
    )


def _clock_skew(device: Device) -> tuple[str, str]:
    before = time.time()
    output = device.shell("date +%s", timeout=15).check().output.strip()
    after = time.time()
    skew = int(output) + 0.5 - (before + after) / 2  # the device prints whole seconds
    verdict = "OK" if abs(skew) < CLOCK_SKEW_WARN else "WARN"
    return verdict, f"device clock {skew:+.1f} s from the host"


CHECKS: tuple[tuple[str, Callable[[Device], tuple[str, str]]], ...] = (
    ("reachable, shell works", _reachable),
    ("API level", _api_level),
    ("shim starts and answers", _shim),
    ("battery mock allowed", _battery_mock),
    ("clock skew", _clock_skew),
)


def run_checks(device: Device) -> list[Check]:
    """Every check in order; once the device is unreachable the rest are skipped."""
    results: list[Check] = []
    for name, check in CHECKS:
        if results and results[0].verdict == "FAIL":
            results.append(Check(name, "SKIP", "device not reachable"))
            continue
        try:
            verdict, detail = check(device)
        except (HarnessError, ConfigError, ValueError) as exc:
            verdict, detail = "FAIL", str(exc)
        results.append(Check(name, verdict, detail))
    return results
