"""Download.stop(uri) acts on that uri's download only.

stop() of a uri never started, or whose download already completed, may succeed or fail only with a
code of stop()'s error table, by the asynchronous route; it delivers no event and leaves a completed
file in place. With two downloads running, stopping one lets the other go on to COMPLETED.
"""

import pytest
from gallery_sync.steps import expect_called_back_once, settle_time

from .forms import ERROR_ROUTE, async_forms
from .steps import listening_download, parked_download

SMALL = 20_000


def expect_within_the_table(result, spec, style):
    """Success, or an error of the form's own table (code and message) by the form's async route."""
    outcome = result.outcome
    if not outcome.failed:
        result.expect_ok()
        return
    table = spec.method("Download.stop").form(style).errors
    code = outcome.error.code if outcome.error is not None and outcome.error.has_code else None
    assert code in table, f"{result.title}: {outcome.summary()} is not an error of stop()'s table {table}"
    result.expect_error(code, ERROR_ROUTE[style])


@async_forms("Download.stop.{style}")
def test_stop_of_a_uri_never_started(cloudsync, lab, cloud_file, downloads, spec, style):
    file = cloud_file("never-started.jpg", SMALL)
    download, progress = listening_download(cloudsync)

    expect_within_the_table(download.call("stop", file.uri, style=style), spec, style)
    lab.wait_sync_idle()
    progress.expect_none_queued("stop() of a uri never started delivers nothing")
    expect_called_back_once(cloudsync, settle_time(spec))
    assert not downloads.files.exists(file.local_path), "stop() did not download the file"


@async_forms("Download.stop.{style}")
def test_stop_of_a_completed_download(cloudsync, lab, cloud_file, downloads, spec, style):
    file = cloud_file("done.jpg", SMALL)
    download, progress = listening_download(cloudsync)
    download.call("start", file.uri, style="promise").expect_ok()
    downloads.expect_complete(cloudsync.download_run(progress), file)
    lab.wait_sync_idle()

    expect_within_the_table(download.call("stop", file.uri, style=style), spec, style)
    lab.wait_sync_idle()
    progress.expect_none_queued("stop() of a completed download delivers nothing")
    expect_called_back_once(cloudsync, settle_time(spec))
    assert downloads.files.size(file.local_path) == file.size, "the completed file stays on the device"


@async_forms("Download.stop.{style}.note.terminates", "Download.contract.completed-size")
def test_stop_of_one_of_two_downloads_lets_the_other_complete(cloudsync, lab, cloud_file, downloads, style):
    stopped, other = cloud_file("stopped.jpg"), cloud_file("other.jpg")
    download, progress = parked_download(cloudsync, lab, stopped)
    download.call("start", other.uri, style="promise").expect_ok()
    events = progress.until(
        lambda e: isinstance(e, dict) and e.get("uri") == other.uri, "other's first event"
    )

    download.call("stop", stopped.uri, style=style).expect_ok()
    lab.release_link()
    events += progress.until(
        lambda e: e.get("uri") == other.uri and downloads.state_of(e) != downloads.state["RUNNING"],
        "the end of the other download",
    )
    lab.wait_sync_idle()
    events += progress.queued()
    downloads.expect_complete([e for e in events if e.get("uri") == other.uri], other)
    completed = [
        e for e in events if e.get("uri") == stopped.uri and e["state"] == downloads.state["COMPLETED"]
    ]
    assert not completed, f"the stopped download did not complete: {downloads.describe(completed)}"
    assert not downloads.files.exists(stopped.local_path), f"{stopped.local_path} was not downloaded"


def _same_name_other_identity(uri: str) -> str:
    """``uri`` with its media id replaced: the same file name, another file."""
    prefix, media_id, name = uri.rsplit("/", 2)
    if not media_id.isdigit():
        pytest.skip(f"the device's media uris have no numeric id to change: {uri}")
    return f"{prefix}/{int(media_id) + 1000}/{name}"


@async_forms("Download.start.{style}.E13900002")
def test_start_of_a_uri_with_a_cloud_files_name_but_not_its_identity(
    cloudsync, lab, cloud_file, downloads, spec, style
):
    file = cloud_file("shared-name.jpg", SMALL)
    impostor = _same_name_other_identity(file.uri)
    download, progress = listening_download(cloudsync)

    download.call("start", impostor, style=style).expect_error(13900002, ERROR_ROUTE[style])
    lab.wait_sync_idle()
    progress.expect_none_queued(f"start({impostor!r}) is refused and downloads nothing")
    expect_called_back_once(cloudsync, settle_time(spec))
    assert not downloads.files.exists(file.local_path), f"{file.name} was not downloaded for another uri"
