"""Per-test evidence in the Allure report: device info, the device action trace, the hilog slice, the
serial console slice.

Runs around each test on one of this plugin's devices while Allure results are being written
(``--alluredir``): the start mark before set-up (after it for a device's first test, which creates
the device), device info once set-up is done, the slices after teardown (so they include the
restore). Collecting evidence never changes a test's outcome: a device that cannot answer gets a
note in the report instead.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

from harness.device.device import Device
from harness.errors import InfrastructureError
from harness.plugin.hilog_slice import HilogSlicer
from harness.plugin.reporting import allure_step, attach_device_info, attach_text, attach_trace
from harness.plugin.verdicts import plugin_device_id
from harness.transport.base import ConsoleCapture

EVIDENCE_TIMEOUT = 30.0


@dataclass
class DeviceEvidence:
    """One device's slicing state across the tests of a run."""

    device: Device
    hilog: HilogSlicer = field(default_factory=HilogSlicer)
    console_mark: int | None = None
    trace_mark: int = 0
    open: bool = False


EVIDENCE = pytest.StashKey[dict[str, DeviceEvidence]]()


def _recording(item: pytest.Item) -> bool:
    return bool(item.config.getoption("allure_report_dir", None))


def _known(item: pytest.Item) -> DeviceEvidence | None:
    """The evidence state of the test's device, when an earlier test met the device."""
    device_id = plugin_device_id(item) if _recording(item) else None
    return item.config.stash.get(EVIDENCE, {}).get(device_id) if device_id else None


def _set_up(item: pytest.Item) -> DeviceEvidence | None:
    """After set-up: the test's device (now created) with its evidence state."""
    device = getattr(item, "funcargs", {}).get("device")
    if not _recording(item) or plugin_device_id(item) is None or not isinstance(device, Device):
        return None
    evidence = item.config.stash.setdefault(EVIDENCE, {}).setdefault(device.id, DeviceEvidence(device))
    evidence.device = device
    return evidence


@contextmanager
def _not_a_step(device: Device) -> Iterator[None]:
    """The harness's own bookkeeping on the device is recorded in the trace, but is no step of the test."""
    try:
        device.trace.remove_listener(allure_step)
    except ValueError:
        yield
        return
    try:
        yield
    finally:
        device.trace.add_listener(allure_step)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, Any, Any]:
    known = _known(item)
    if known is not None:
        _begin(known)  # before the fixtures: the slice includes what set-up made the device log
    try:
        result = yield
    except (pytest.skip.Exception, KeyboardInterrupt):
        raise
    except BaseException:
        _after_set_up(item)  # a set-up that broke is worth its hilog
        raise
    _after_set_up(item)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, Any, Any]:
    try:
        return (yield)
    finally:
        evidence = _known(item)
        if evidence is not None and evidence.open:
            _finish(evidence)


def _after_set_up(item: pytest.Item) -> None:
    evidence = _set_up(item)
    if evidence is None:
        return
    try:
        attach_device_info(evidence.device)
    except InfrastructureError as exc:
        attach_text("device info", f"{evidence.device.id}: {exc}")
    if not evidence.open:  # the first test on this device
        with _not_a_step(evidence.device):
            _begin(evidence)


def _begin(evidence: DeviceEvidence) -> None:
    device = evidence.device
    evidence.open = False
    evidence.trace_mark = device.trace.mark()
    try:
        evidence.hilog.begin(device.shell("date", timeout=EVIDENCE_TIMEOUT).check().output)
    except InfrastructureError:
        return  # the device cannot answer now; the test will say so
    if isinstance(device.transport, ConsoleCapture):
        evidence.console_mark = device.transport.console_mark()
    evidence.open = True


def _finish(evidence: DeviceEvidence) -> None:
    device = evidence.device
    evidence.open = False
    attach_trace(device.trace.since(evidence.trace_mark))
    try:
        hilog = device.shell("hilog -x", timeout=EVIDENCE_TIMEOUT).check()
    except InfrastructureError as exc:
        attach_text("hilog", f"hilog could not be read from {device.id}: {exc}")
    else:
        lines = evidence.hilog.cut(hilog.output)
        attach_text("hilog", "\n".join(lines) + "\n" if lines else "(no hilog lines during this test)\n")
    if evidence.console_mark is not None and isinstance(device.transport, ConsoleCapture):
        attach_text("serial console", device.transport.console_since(evidence.console_mark))
        evidence.console_mark = None
