"""Download: construction, subscription, and a cloud file downloaded with progress."""

import pytest

from harness.conformance.calls import CallResult
from harness.shim.values import UNDEFINED


@pytest.mark.requirement("Download.constructor")
def test_constructor_creates_a_download(cloudsync):
    made = cloudsync.construct("Download")
    assert not isinstance(made, CallResult), f"new Download() creates an instance: {made.outcome.summary()}"


@pytest.mark.requirement("Download.constructor", "module.contract.argument-errors-thrown")
def test_constructor_with_an_argument_throws_401(cloudsync):
    made = cloudsync.construct("Download", "unexpected")
    assert isinstance(made, CallResult), "new Download('unexpected') throws 401, but it created an instance"
    made.expect_error(401, "thrown")


@pytest.mark.requirement(
    "Download.on",
    "Download.start.promise",
    "Download.contract.progress-running",
    "Download.contract.completed-size",
    "Download.contract.uri-echo",
)
def test_start_downloads_the_file_with_growing_progress_then_completed(cloudsync, cloud_file, downloads):
    file = cloud_file("original.jpg")
    download = cloudsync.download()
    progress = cloudsync.progress()
    assert download.call("on", "progress", progress.callback).expect_ok() is UNDEFINED, (
        "on() returns undefined"
    )
    progress.expect_none_queued("on() alone delivers nothing")

    resolved = download.call("start", file.uri, style="promise").expect_ok()
    assert resolved is UNDEFINED, f"start(uri) resolves with undefined, not {resolved!r}"
    downloads.expect_complete(cloudsync.download_run(progress), file)


@pytest.mark.requirement(
    "Download.start.callback",
    "Download.contract.progress-running",
    "Download.contract.completed-size",
    "Download.contract.uri-echo",
)
def test_start_with_a_callback_downloads_the_file(cloudsync, lab, cloud_file, downloads):
    file = cloud_file("original.jpg")
    download = cloudsync.download()
    progress = cloudsync.progress()
    download.call("on", "progress", progress.callback).expect_ok()

    started = download.call("start", file.uri, style="callback")
    started.expect_ok()
    downloads.expect_complete(cloudsync.download_run(progress), file)
    lab.wait_sync_idle()
    later = download.call("off", "progress")  # reports callbacks called again since start()
    extra = started.outcome.extra_calls + later.outcome.extra_calls
    assert not extra, f"start(uri, callback) calls back once, not {1 + sum(c.count for c in extra)} times"


@pytest.mark.requirement("Download.off")
def test_off_stops_progress_events(cloudsync, lab, cloud_file, device_files):
    """Events reach the callback until off(); a download after off() delivers none."""
    before, after = cloud_file("before-off.jpg"), cloud_file("after-off.jpg")
    download = cloudsync.download()
    progress = cloudsync.progress()
    download.call("on", "progress", progress.callback).expect_ok()
    download.call("start", before.uri, style="promise").expect_ok()
    cloudsync.download_run(progress)

    assert download.call("off", "progress").expect_ok() is UNDEFINED, "off() returns undefined"
    download.call("start", after.uri, style="promise").expect_ok()
    lab.wait_sync_idle()
    assert device_files.size(after.local_path) == after.size, "the download after off() completed"
    progress.expect_none_queued("after off('progress') no event reaches the callback")


@pytest.mark.requirement("Download.contract.transfer-failure")
def test_a_failing_transfer_ends_failed_without_completed(cloudsync, lab, cloud_file, downloads):
    file = cloud_file("unlucky.jpg")
    download = cloudsync.download()
    progress = cloudsync.progress()
    download.call("on", "progress", progress.callback).expect_ok()
    lab.set_link_failing(True)

    download.call("start", file.uri, style="promise").expect_ok()
    events = cloudsync.download_run(progress)
    lab.wait_sync_idle()
    events += progress.queued()
    ends = [downloads.state_of(e) for e in events if downloads.state_of(e) != downloads.state["RUNNING"]]
    assert ends == [downloads.state["FAILED"]], (
        f"the download ends with one FAILED and nothing after: {downloads.describe(events)}"
    )
