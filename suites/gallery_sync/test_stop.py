"""GallerySync.stop(): when idle, during a run (after the file in flight), and start() resuming."""

import pytest

from harness.shim.values import UNDEFINED

from .steps import (
    expect_called_back_once,
    expect_run_over,
    in_form,
    listen,
    settle_time,
    start_with_file_in_flight,
)

KEPT = "GallerySync.contract.transferred-files-kept"
PHOTOS = {"a.jpg": 200_000, "b.jpg": 210_000, "c.jpg": 220_000}


def stop_during_upload(cloudsync, lab, style):
    """Stop a run while the first photo is in flight; returns the listener after the run's end."""
    for name, size in PHOTOS.items():
        lab.add_photo(name, size)
    gallery = cloudsync.gallery_sync()
    progress = listen(cloudsync, gallery)

    start_with_file_in_flight(gallery, lab, style)
    assert gallery.call("stop", style=style).expect_ok() is UNDEFINED, f"stop() [{style}] succeeds"
    lab.release_link()
    run = cloudsync.sync_run(progress)
    cloudsync.expect_sync_states(run, "DOWNLOADING", "UPLOADING", "STOPPED", what="a run stopped in upload")
    expect_run_over(lab, progress, "STOPPED")
    assert lab.state()["photos"]["pendingUpload"] == len(PHOTOS) - 1, (
        "the photo uploaded before the stop is no longer pending: the next run has only the rest to do"
    )
    return gallery, progress


@pytest.mark.parametrize(
    "style",
    [
        in_form("promise", "GallerySync.stop.promise", "GallerySync.contract.stop-when-idle"),
        in_form("callback", "GallerySync.stop.callback", "GallerySync.contract.stop-when-idle"),
    ],
)
def test_stop_when_idle_succeeds_and_reports_stopped(cloudsync, lab, spec, style):
    gallery = cloudsync.gallery_sync()
    progress = listen(cloudsync, gallery)

    assert gallery.call("stop", style=style).expect_ok() is UNDEFINED, f"stop() [{style}] succeeds"
    cloudsync.expect_sync_states([progress.next()], "STOPPED", what="stop() with nothing running")
    expect_run_over(lab, progress, "STOPPED")
    expect_called_back_once(cloudsync, settle_time(spec))


@pytest.mark.parametrize(
    "style",
    [
        in_form("promise", "GallerySync.stop.promise.note.stops", KEPT),
        in_form("callback", "GallerySync.stop.callback.note.stops", KEPT),
    ],
)
def test_stop_during_a_run_ends_it_after_the_file_in_flight(cloudsync, lab, style):
    stop_during_upload(cloudsync, lab, style)
    assert lab.cloud_files() == {"a.jpg": PHOTOS["a.jpg"]}, (
        "the photo in flight finishes uploading and no further photo starts"
    )
    expect_called_back_once(cloudsync)


@pytest.mark.parametrize(
    "style",
    [
        in_form("promise", "GallerySync.stop.promise.note.resume", KEPT),
        in_form("callback", "GallerySync.stop.callback.note.resume", KEPT),
    ],
)
def test_start_after_stop_resumes_with_the_rest(cloudsync, lab, style):
    gallery, progress = stop_during_upload(cloudsync, lab, style)

    gallery.call("start", style=style).expect_ok()
    run = cloudsync.sync_run(progress)
    cloudsync.expect_sync_states(run, "DOWNLOADING", "UPLOADING", "COMPLETED", what="the resumed run")
    assert lab.cloud_files() == PHOTOS, "every photo is in the cloud"
    expect_run_over(lab, progress, "COMPLETED")
    expect_called_back_once(cloudsync)
