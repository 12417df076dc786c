"""Steps the GallerySync tests share: a registered listener, a file held in flight, quiet checks."""

from __future__ import annotations

import contextlib

import pytest

from harness.conformance.calls import ApiObject
from harness.conformance.cloudsync import CloudSync
from harness.conformance.progress import Progress
from harness.controls.lab import LabControl
from harness.errors import DeviceCommandError, EventTimeout, SpecDeviation
from harness.shim.client import Style
from harness.spec.model import Edition

NO_TRANSFER = "no transfer reached the held link"
LATE = "$late"
TWICE = ("extra call", "called back before a synchronous throw")
"""The shim's late reports of a callback called a second time."""


def in_form(style: Style, *requirement_ids: str) -> object:
    """A pytest param of ``style`` ("promise" / "callback") that checks the form's own requirements."""
    return pytest.param(style, marks=pytest.mark.requirement(*requirement_ids), id=style)


def listen(cloudsync: CloudSync, gallery: ApiObject, name: str = "progress") -> Progress:
    """Register a progress listener and read the one event registration delivers."""
    progress = cloudsync.progress(name)
    gallery.call("on", "progress", progress.callback).expect_ok()
    progress.next()
    return progress


def start_with_file_in_flight(gallery: ApiObject, lab: LabControl, style: Style = "promise") -> None:
    """Hold the link, start a run, and wait until a file is partly transferred (parked at the link)."""
    lab.hold_link()
    gallery.call("start", style=style).expect_ok()
    try:
        lab.wait_transfer_parked()
    except DeviceCommandError as exc:
        if NO_TRANSFER in exc.output:
            raise SpecDeviation(
                f"start() resolved, but no file transfer began: {exc.output.strip()}"
            ) from None
        raise


def expect_run_over(lab: LabControl, progress: Progress, after: str) -> None:
    """Once the device is idle, no further event arrived after ``after``."""
    lab.wait_sync_idle()
    progress.expect_none_queued(f"nothing may follow {after}")


def settle_time(spec: Edition) -> float:
    """The edition's settle time, in seconds."""
    return spec.threshold("settle_ms") / 1000


def expect_called_back_once(cloudsync: CloudSync, settle: float = 0.0) -> None:
    """No callback of an asynchronous call was called a second time, nor called after its call threw
    (the shim reports those late); with ``settle``, first wait that long for such a report."""
    late = []
    if settle:
        with contextlib.suppress(EventTimeout):
            late.append(cloudsync.shim.wait_event(LATE, settle).arg)
    late += [event.arg for event in cloudsync.shim.events(LATE)]
    extra = [arg for arg in late if isinstance(arg, dict) and arg.get("reason") in TWICE]
    if extra:
        raise SpecDeviation(f"an AsyncCallback was called more than once: {extra}")
