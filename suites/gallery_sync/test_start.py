"""GallerySync.start(): runs it starts, a second start() during a run, and the charging exemption."""

import pytest

from harness.shim.values import UNDEFINED

from .steps import expect_run_over, listen, start_with_file_in_flight


@pytest.mark.requirement("GallerySync.contract.start-twice")
def test_start_during_a_run_queues_one_more_run(cloudsync, lab):
    lab.add_photo("first.jpg", 200_000)
    gallery = cloudsync.gallery_sync()
    progress = listen(cloudsync, gallery)

    start_with_file_in_flight(gallery, lab)
    assert gallery.call("start", style="promise").expect_ok() is UNDEFINED, "a second start() resolves"
    lab.release_link()

    runs = cloudsync.sync_run(progress)
    cloudsync.expect_sync_states(
        runs,
        "DOWNLOADING",
        "UPLOADING",
        "DOWNLOADING",
        "UPLOADING",
        "COMPLETED",
        what="two runs, the first without COMPLETED",
    )
    expect_run_over(lab, progress, "the queued run's COMPLETED")


@pytest.mark.requirement("GallerySync.start.promise")
def test_start_while_charging_runs_whatever_the_battery_level(cloudsync, lab, battery):
    battery.set(5)
    lab.add_photo("taken-here.jpg", 200_000)
    gallery = cloudsync.gallery_sync()
    progress = listen(cloudsync, gallery)

    gallery.call("start", style="promise").expect_ok()
    run = cloudsync.sync_run(progress)
    cloudsync.expect_sync_states(run, "DOWNLOADING", "UPLOADING", "COMPLETED", what="a run while charging")
