"""Download.stop(uri) during a download parked part-way at the lab's held link."""

import pytest

from harness.shim.values import UNDEFINED

from .forms import async_forms
from .steps import parked_download

CHUNK = 64 * 1024
"""The most a download moves before its first progress event (the emulated link's transfer unit)."""


@async_forms("Download.stop.{style}", "Download.stop.{style}.note.terminates")
def test_stop_ends_the_download_without_completed(cloudsync, lab, cloud_file, device_files, downloads, style):
    file = cloud_file("interrupted.jpg")
    download, progress = parked_download(cloudsync, lab, file, style)

    stopped = download.call("stop", file.uri, style=style).expect_ok()
    assert stopped is UNDEFINED, f"stop(uri) succeeds with undefined, not {stopped!r}"
    lab.release_link()
    lab.wait_sync_idle()
    completed = [e for e in progress.queued() if downloads.state_of(e) == downloads.state["COMPLETED"]]
    assert not completed, f"no COMPLETED follows stop(): {downloads.describe(completed)}"
    assert device_files.size(file.local_path) is None, f"{file.local_path} was not downloaded after stop()"


@async_forms("Download.stop.{style}.note.clears-cache")
def test_stop_deletes_the_cached_partial_file(cloudsync, lab, cloud_file, device_files, style):
    file = cloud_file("interrupted.jpg")
    download, _ = parked_download(cloudsync, lab, file, style)
    assert device_files.exists(file.cache_path), (
        f"the partial download is at {file.cache_path} (the lab says)"
    )

    download.call("stop", file.uri, style=style).expect_ok()
    lab.release_link()
    lab.wait_sync_idle()
    assert not device_files.exists(file.cache_path), f"stop() deletes the cached file {file.cache_path}"


@async_forms(
    "Download.stop.{style}.note.restart",
    "Download.contract.progress-running",
    "Download.contract.completed-size",
    "Download.contract.uri-echo",
)
def test_start_after_stop_downloads_again_from_zero(cloudsync, lab, cloud_file, downloads, style):
    file = cloud_file("interrupted.jpg")
    download, progress = parked_download(cloudsync, lab, file, style)
    download.call("stop", file.uri, style=style).expect_ok()
    lab.release_link()
    lab.wait_sync_idle()
    first = progress.queued()
    assert first and downloads.state_of(first[0]) == downloads.state["RUNNING"], (
        f"the first download moved data before stop(): {downloads.describe(first)}"
    )

    download.call("start", file.uri, style=style).expect_ok()
    state = downloads.state
    events = progress.until(
        lambda e: downloads.state_of(e) in (state["COMPLETED"], state["FAILED"]), "the new download's end"
    )
    # The stopped download's STOPPED may arrive after the queue was read: it is not the new download's.
    events = [event for event in events if downloads.state_of(event) != state["STOPPED"]]
    downloads.expect_complete(events, file)
    assert events[0]["processed"] <= CHUNK, (
        f"the new download starts from zero: its first event is {downloads.describe(events[:1])}"
    )


@pytest.mark.requirement("Download.contract.stopped-event")
def test_stop_delivers_one_stopped_event(cloudsync, lab, cloud_file, downloads):
    file = cloud_file("interrupted.jpg")
    download, progress = parked_download(cloudsync, lab, file, "promise")

    download.call("stop", file.uri, style="promise").expect_ok()
    lab.release_link()
    events = cloudsync.download_run(progress)
    stopped = events[-1]
    assert downloads.state_of(stopped) == downloads.state["STOPPED"], (
        f"stop() ends the download with STOPPED: {downloads.describe(events)}"
    )
    assert stopped.get("uri") == file.uri, f"STOPPED names the uri {file.uri!r}: {stopped.get('uri')!r}"
    lab.wait_sync_idle()
    progress.expect_none_queued("one STOPPED ends the download")
