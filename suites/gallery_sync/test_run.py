"""GallerySync: a synchronization run, as the device reports it through the progress callback."""

import pytest

from harness.conformance.calls import ApiObject
from harness.shim.values import UNDEFINED

from .steps import expect_called_back_once, expect_run_over, listen, settle_time


@pytest.mark.requirement("GallerySync.constructor")
def test_the_constructor_makes_a_usable_gallery_sync(cloudsync, lab):
    made = cloudsync.construct("GallerySync")
    assert isinstance(made, ApiObject), f"new GallerySync() threw: {made.outcome.summary()}"
    assert made.call("stop", style="promise").expect_ok() is UNDEFINED, "its stop() resolves"


@pytest.mark.requirement(
    "GallerySync.constructor",
    "GallerySync.on",
    "GallerySync.contract.first-event",
    "GallerySync.start.promise",
    "GallerySync.contract.run-order",
    "SyncState.note.callback-on-change",
)
def test_a_run_downloads_then_uploads_then_completes(cloudsync, lab):
    lab.add_cloud_file("from-the-cloud.jpg", 300_000)
    lab.add_photo("taken-here.jpg", 200_000)
    gallery = cloudsync.gallery_sync()
    progress = cloudsync.progress()

    assert gallery.call("on", "progress", progress.callback).expect_ok() is UNDEFINED, (
        "on() returns undefined"
    )
    cloudsync.expect_sync_states([progress.next()], "COMPLETED", what="the event on registration")

    assert gallery.call("start", style="promise").expect_ok() is UNDEFINED, "start() resolves with undefined"
    run = cloudsync.sync_run(progress)
    cloudsync.expect_sync_states(run, "DOWNLOADING", "UPLOADING", "COMPLETED", what="a successful run")
    assert lab.cloud_files() == {"from-the-cloud.jpg": 300_000, "taken-here.jpg": 200_000}, (
        "the new local photo was uploaded whole"
    )
    expect_run_over(lab, progress, "COMPLETED")


@pytest.mark.requirement("GallerySync.start.callback", "GallerySync.contract.run-order")
def test_start_in_callback_form_calls_back_once_then_runs(cloudsync, lab, spec):
    lab.add_photo("taken-here.jpg", 200_000)
    gallery = cloudsync.gallery_sync()
    progress = listen(cloudsync, gallery)

    assert gallery.call("start", style="callback").expect_ok() is UNDEFINED, "the callback gets no data"
    run = cloudsync.sync_run(progress)
    cloudsync.expect_sync_states(
        run, "DOWNLOADING", "UPLOADING", "COMPLETED", what="a run by start(callback)"
    )
    assert lab.cloud_files() == {"taken-here.jpg": 200_000}, "the new local photo was uploaded"
    expect_run_over(lab, progress, "COMPLETED")
    expect_called_back_once(cloudsync, settle_time(spec))
