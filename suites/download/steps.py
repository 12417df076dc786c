"""Steps the Download tests share: a listening Download, a download parked part-way at the held link."""

from __future__ import annotations

from harness.conformance.calls import ApiObject
from harness.conformance.cloudsync import CloudSync
from harness.conformance.progress import Progress
from harness.controls.lab import LabControl
from harness.shim.client import Style

from .conftest import CloudFile


def listening_download(cloudsync: CloudSync) -> tuple[ApiObject, Progress]:
    """A Download with a progress listener."""
    download = cloudsync.download()
    progress = cloudsync.progress()
    download.call("on", "progress", progress.callback).expect_ok()
    return download, progress


def parked_download(
    cloudsync: CloudSync, lab: LabControl, file: CloudFile, style: Style = "promise"
) -> tuple[ApiObject, Progress]:
    """A listening Download whose download of ``file`` (started in ``style``) waits at the held link."""
    download, progress = listening_download(cloudsync)
    lab.hold_link()
    download.call("start", file.uri, style=style).expect_ok()
    lab.wait_transfer_parked()
    return download, progress
