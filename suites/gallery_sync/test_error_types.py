"""GallerySync: each ErrorType a run reports when a condition changes while a file is in flight.

A run is held at the device-cloud link with a file partly transferred, the condition is changed, and
the link released: the run then ends (or goes on) as the spec says.
"""

import pytest

from .steps import expect_run_over, listen, start_with_file_in_flight

CLOUD_FILE = ("from-the-cloud.jpg", 300_000)
PHOTOS = {"a.jpg": 200_000, "b.jpg": 210_000}
# phase: the states a run reports before failing in it, and the state of that failure
PHASES = {
    "download": (("DOWNLOADING",), "DOWNLOAD_FAILED"),
    "upload": (("DOWNLOADING", "UPLOADING"), "UPLOAD_FAILED"),
}


def prepare(lab, phase):
    """Something to move in ``phase`` only: a new cloud file to pull, or new photos to push."""
    if phase == "download":
        lab.add_cloud_file(*CLOUD_FILE)
    else:
        for name, size in PHOTOS.items():
            lab.add_photo(name, size)


def failed_run(phase, error):
    """The states of a run that fails with ``error`` in ``phase``."""
    before, failed = PHASES[phase]
    return (*before, f"{failed}/{error}")


def run_with_change_in_flight(cloudsync, lab, phase, change):
    """Start, hold a file of ``phase`` in flight, ``change()`` a condition, release: the run's events."""
    prepare(lab, phase)
    gallery = cloudsync.gallery_sync()
    progress = listen(cloudsync, gallery)
    start_with_file_in_flight(gallery, lab)
    change()
    lab.release_link()
    return progress, cloudsync.sync_run(progress)


@pytest.mark.requirement(
    "ErrorType.note.network-both-down", "GallerySync.contract.no-completed-after-failure"
)
@pytest.mark.parametrize("phase", PHASES)
def test_losing_both_networks_fails_the_run_with_network_unavailable(cloudsync, lab, network, phase):
    progress, run = run_with_change_in_flight(cloudsync, lab, phase, network.offline)
    cloudsync.expect_sync_states(
        run, *failed_run(phase, "NETWORK_UNAVAILABLE"), what=f"both networks lost in {phase}"
    )
    expect_run_over(lab, progress, "a *_FAILED state")
    if phase == "upload":
        assert lab.cloud_files() == {}, "the interrupted upload left nothing in the cloud"


@pytest.mark.requirement("ErrorType.note.either-network", "ErrorType.note.network-both-down")
@pytest.mark.parametrize("lost", ["wifi", "cellular"])
@pytest.mark.parametrize("phase", PHASES)
def test_losing_one_network_lets_the_run_complete(cloudsync, lab, network, phase, lost):
    progress, run = run_with_change_in_flight(cloudsync, lab, phase, lambda: network.set(**{lost: False}))
    cloudsync.expect_sync_states(
        run, "DOWNLOADING", "UPLOADING", "COMPLETED", what=f"{lost} lost in {phase}, the other network up"
    )
    if phase == "upload":
        assert lab.cloud_files() == PHOTOS, "every photo was uploaded"
    expect_run_over(lab, progress, "COMPLETED")


@pytest.mark.requirement("GallerySync.contract.wifi-only")
@pytest.mark.parametrize("phase", PHASES)
def test_losing_wifi_with_wifi_only_sync_fails_the_run_with_wifi_unavailable(cloudsync, lab, network, phase):
    lab.set_wifi_only_sync(True)
    progress, run = run_with_change_in_flight(cloudsync, lab, phase, lambda: network.set(wifi=False))
    cloudsync.expect_sync_states(
        run, *failed_run(phase, "WIFI_UNAVAILABLE"), what=f"Wi-Fi lost in {phase}, Wi-Fi-only sync"
    )
    expect_run_over(lab, progress, "a *_FAILED state")


QUOTA_GRID = [
    # id,                   quota: photos that fit (in order) plus a byte offset, photos uploaded
    ("first-exact", ("a.jpg",), 0, ("a.jpg",)),
    ("first-one-byte-short", ("a.jpg",), -1, ()),
    ("both-exact", ("a.jpg", "b.jpg"), 0, ("a.jpg", "b.jpg")),
    ("both-one-byte-short", ("a.jpg", "b.jpg"), -1, ("a.jpg",)),
]


@pytest.mark.requirement("ErrorType.note.cloud-full", "GallerySync.contract.no-completed-after-failure")
@pytest.mark.parametrize(
    ("fitting", "offset", "uploaded"), [pytest.param(*row[1:], id=row[0]) for row in QUOTA_GRID]
)
def test_cloud_quota_exact_fit_and_one_byte_short(cloudsync, lab, fitting, offset, uploaded):
    """A photo fits when the cloud has exactly its size left; one byte less fails the run there."""
    prepare(lab, "upload")
    lab.set_cloud_quota(sum(PHOTOS[name] for name in fitting) + offset)
    gallery = cloudsync.gallery_sync()
    progress = listen(cloudsync, gallery)

    gallery.call("start", style="promise").expect_ok()
    run = cloudsync.sync_run(progress)
    if len(uploaded) == len(PHOTOS):
        cloudsync.expect_sync_states(
            run, "DOWNLOADING", "UPLOADING", "COMPLETED", what="a cloud with room left"
        )
    else:
        cloudsync.expect_sync_states(run, *failed_run("upload", "CLOUD_STORAGE_FULL"), what="a full cloud")
    expect_run_over(lab, progress, "the end of the run")
    assert lab.cloud_files() == {name: PHOTOS[name] for name in uploaded}, "the photos that fit were uploaded"


@pytest.mark.requirement("GallerySync.contract.transferred-files-kept")
def test_files_uploaded_before_a_failure_stay_and_the_next_run_does_the_rest(cloudsync, lab):
    prepare(lab, "upload")
    lab.set_cloud_quota(PHOTOS["a.jpg"] + 1000)
    gallery = cloudsync.gallery_sync()
    progress = listen(cloudsync, gallery)
    gallery.call("start", style="promise").expect_ok()
    cloudsync.sync_run(progress)
    assert lab.cloud_files() == {"a.jpg": PHOTOS["a.jpg"]}, "the photo uploaded before the failure stays"
    assert lab.state()["photos"]["pendingUpload"] == 1, "only the photo that did not fit is still pending"

    lab.set_cloud_quota(sum(PHOTOS.values()))
    gallery.call("start", style="promise").expect_ok()
    run = cloudsync.sync_run(progress)
    cloudsync.expect_sync_states(run, "DOWNLOADING", "UPLOADING", "COMPLETED", what="the next run")
    assert lab.cloud_files() == PHOTOS, "the next run uploaded the rest"


@pytest.mark.requirement("ErrorType.note.local-full")
def test_a_download_beyond_local_space_fails_with_local_storage_full(cloudsync, lab, storage):
    prepare(lab, "download")
    storage.fill(leave_free=CLOUD_FILE[1] // 4)
    gallery = cloudsync.gallery_sync()
    progress = listen(cloudsync, gallery)

    gallery.call("start", style="promise").expect_ok()
    run = cloudsync.sync_run(progress)
    cloudsync.expect_sync_states(run, *failed_run("download", "LOCAL_STORAGE_FULL"), what="a full device")
    expect_run_over(lab, progress, "DOWNLOAD_FAILED")


@pytest.mark.requirement("ErrorType.note.redownload-after-space-freed")
def test_the_next_run_downloads_the_file_once_space_is_freed(cloudsync, lab, storage):
    prepare(lab, "download")
    storage.fill(leave_free=CLOUD_FILE[1] // 4)
    gallery = cloudsync.gallery_sync()
    progress = listen(cloudsync, gallery)
    gallery.call("start", style="promise").expect_ok()
    cloudsync.sync_run(progress)

    storage.restore()
    # The cloud file is the only thing to move: a transfer in flight is its download.
    start_with_file_in_flight(gallery, lab)
    lab.release_link()
    run = cloudsync.sync_run(progress)
    cloudsync.expect_sync_states(
        run, "DOWNLOADING", "UPLOADING", "COMPLETED", what="the run after freeing space"
    )
