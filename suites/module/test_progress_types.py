"""SyncProgress and DownloadProgress as real progress events carry them: fields, JS types, enum values."""

import pytest

from harness.conformance.jstypes import payload_problems

FILE_SIZE = 300_000


def _check(payloads, interface, cloudsync, spec):
    assert payloads, f"no {interface} payload to check"
    problems = {
        cloudsync.describe(p): found
        for p in payloads
        if (found := payload_problems(p, spec.interface(interface), spec))
    }
    assert not problems, f"{interface} payloads that break the type: {problems}"


@pytest.mark.requirement("SyncProgress.state", "SyncProgress.error")
def test_gallery_sync_events_are_sync_progress(cloudsync, lab, spec):
    """From a successful run and from one that fails (cloud full)."""
    lab.add_cloud_file("from-the-cloud.jpg", FILE_SIZE)
    lab.add_photo("taken-here.jpg", FILE_SIZE)
    gallery = cloudsync.gallery_sync()
    progress = cloudsync.progress()
    gallery.call("on", "progress", progress.callback).expect_ok()
    payloads = [progress.next()]
    gallery.call("start", style="promise").expect_ok()
    payloads += cloudsync.sync_run(progress)

    lab.add_photo("too-big-for-the-cloud.jpg", FILE_SIZE)
    lab.set_cloud_quota(FILE_SIZE)
    gallery.call("start", style="promise").expect_ok()
    payloads += cloudsync.sync_run(progress)

    _check(payloads, "SyncProgress", cloudsync, spec)
    assert len({p["error"] for p in payloads}) > 1, "the failed run reports an error other than NO_ERROR"


@pytest.mark.requirement(
    "DownloadProgress.state", "DownloadProgress.processed", "DownloadProgress.size", "DownloadProgress.uri"
)
def test_download_events_are_download_progress(cloudsync, lab, spec):
    """From a completed download and from one whose transfer fails."""
    completed = lab.add_cloud_file("completes.jpg", FILE_SIZE)
    failing = lab.add_cloud_file("fails.jpg", FILE_SIZE)
    download = cloudsync.download()
    progress = cloudsync.progress()
    download.call("on", "progress", progress.callback).expect_ok()
    download.call("start", completed, style="promise").expect_ok()
    payloads = cloudsync.download_run(progress)

    lab.set_link_failing(True)
    download.call("start", failing, style="promise").expect_ok()
    payloads += cloudsync.download_run(progress)

    _check(payloads, "DownloadProgress", cloudsync, spec)
    state = spec.enum("State")
    ends = [p["state"] for p in payloads if p["state"] != state["RUNNING"]]
    assert ends == [state["COMPLETED"], state["FAILED"]], "one download completed, the other failed"
