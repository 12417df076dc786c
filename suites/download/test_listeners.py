"""Listeners are independent: a GallerySync and a Download listener at once, and off() during a run.

off() on one class leaves the other's listener receiving; off() while a run or a download is going
stops only the events: the work goes on to its normal end.
"""

import pytest
from gallery_sync.steps import expect_run_over, listen, start_with_file_in_flight

from .steps import parked_download

SMALL = 20_000
IN_FLIGHT = 200_000
"""More than one transfer chunk, so the file can be parked part-way at the held link."""


@pytest.mark.parametrize(
    "turned_off",
    [
        pytest.param(
            "GallerySync",
            id="off-gallery-sync",
            marks=pytest.mark.requirement("GallerySync.off", "Download.on"),
        ),
        pytest.param(
            "Download", id="off-download", marks=pytest.mark.requirement("Download.off", "GallerySync.on")
        ),
    ],
)
def test_off_on_one_class_leaves_the_other_receiving(cloudsync, lab, cloud_file, downloads, turned_off):
    file = cloud_file("wanted.jpg", SMALL)
    lab.add_photo("taken-here.jpg", SMALL)
    gallery = cloudsync.gallery_sync()
    synced = listen(cloudsync, gallery, "gallery")
    download = cloudsync.download()
    downloaded = cloudsync.progress("download")
    download.call("on", "progress", downloaded.callback).expect_ok()

    (gallery if turned_off == "GallerySync" else download).call("off", "progress").expect_ok()
    gallery.call("start", style="promise").expect_ok()
    download.call("start", file.uri, style="promise").expect_ok()

    if turned_off == "GallerySync":
        downloads.expect_complete(cloudsync.download_run(downloaded), file)
        lab.wait_sync_idle()
        synced.expect_none_queued("GallerySync.off() was called")
        assert "taken-here.jpg" in lab.cloud_files(), "the sync run happened (and would have reported)"
    else:
        run = cloudsync.sync_run(synced)
        cloudsync.expect_sync_states(run, "DOWNLOADING", "UPLOADING", "COMPLETED", what="the sync run")
        expect_run_over(lab, synced, "COMPLETED")
        downloaded.expect_none_queued("Download.off() was called")
        assert downloads.files.size(file.local_path) == file.size, "the download happened"


@pytest.mark.requirement("GallerySync.off")
def test_gallery_sync_off_during_a_run_stops_only_the_events(cloudsync, lab):
    lab.add_photo("first.jpg", IN_FLIGHT)
    lab.add_photo("second.jpg", SMALL)
    gallery = cloudsync.gallery_sync()
    progress = listen(cloudsync, gallery)
    start_with_file_in_flight(gallery, lab)

    gallery.call("off", "progress").expect_ok()
    progress.queued()  # events delivered before off() returned
    lab.release_link()
    expect_run_over(lab, progress, "off('progress') during the run")
    assert lab.cloud_files() == {"first.jpg": IN_FLIGHT, "second.jpg": SMALL}, "the run went on to its end"


@pytest.mark.requirement("Download.off")
def test_download_off_during_a_download_stops_only_the_events(cloudsync, lab, cloud_file, downloads):
    file = cloud_file("wanted.jpg")
    download, progress = parked_download(cloudsync, lab, file)
    download.call("off", "progress").expect_ok()
    progress.queued()  # events delivered before off() returned
    lab.release_link()
    lab.wait_sync_idle()
    progress.expect_none_queued("off('progress') during the download")
    assert downloads.files.size(file.local_path) == file.size, "the download went on to its end"
