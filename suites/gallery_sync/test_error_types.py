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


def battery_drop_during_upload(cloudsync, lab, battery, capacity):
    """Unplug at ``capacity`` % while the first photo is in flight; the run's events."""
    return run_with_change_in_flight(cloudsync, lab, "upload", lambda: battery.set(capacity, charging=False))


def expect_upload_failed_after_the_file_in_flight(cloudsync, lab, progress, run, error, what):
    cloudsync.expect_sync_states(run, *failed_run("upload", error), what=what)
    assert lab.cloud_files() == {"a.jpg": PHOTOS["a.jpg"]}, (
        "the photo in flight finishes uploading and the next one does not start"
    )
    expect_run_over(lab, progress, "UPLOAD_FAILED")


@pytest.mark.requirement("ErrorType.note.battery-low")
@pytest.mark.parametrize("edge", ["just below 15 %", "at 10 %"])
def test_battery_below_15_percent_fails_the_upload_after_the_file_in_flight(
    cloudsync, lab, battery, spec, edge
):
    low, warning = spec.threshold("battery_low_percent"), spec.threshold("battery_warning_percent")
    capacity = low - 1 if edge == "just below 15 %" else warning
    progress, run = battery_drop_during_upload(cloudsync, lab, battery, capacity)
    expect_upload_failed_after_the_file_in_flight(
        cloudsync, lab, progress, run, "BATTERY_LEVEL_LOW", f"battery at {capacity} % during upload"
    )


@pytest.mark.requirement("ErrorType.note.battery-low")
def test_battery_at_15_percent_during_upload_lets_the_run_complete(cloudsync, lab, battery, spec):
    capacity = spec.threshold("battery_low_percent")
    _progress, run = battery_drop_during_upload(cloudsync, lab, battery, capacity)
    cloudsync.expect_sync_states(
        run, "DOWNLOADING", "UPLOADING", "COMPLETED", what=f"battery at {capacity} % during upload"
    )
    assert lab.cloud_files() == PHOTOS, "every photo was uploaded"


@pytest.mark.requirement("ErrorType.note.battery-warning")
def test_battery_below_10_percent_fails_the_upload_with_battery_warning(cloudsync, lab, battery, spec):
    capacity = spec.threshold("battery_warning_percent") - 1
    progress, run = battery_drop_during_upload(cloudsync, lab, battery, capacity)
    expect_upload_failed_after_the_file_in_flight(
        cloudsync, lab, progress, run, "BATTERY_LEVEL_WARNING", f"battery at {capacity} % during upload"
    )


@pytest.mark.requirement("ErrorType.note.cloud-full", "GallerySync.contract.no-completed-after-failure")
def test_an_upload_beyond_the_cloud_quota_fails_with_cloud_storage_full(cloudsync, lab):
    prepare(lab, "upload")
    lab.set_cloud_quota(PHOTOS["a.jpg"] + 1000)
    gallery = cloudsync.gallery_sync()
    progress = listen(cloudsync, gallery)

    gallery.call("start", style="promise").expect_ok()
    run = cloudsync.sync_run(progress)
    cloudsync.expect_sync_states(run, *failed_run("upload", "CLOUD_STORAGE_FULL"), what="a full cloud")
    expect_run_over(lab, progress, "UPLOAD_FAILED")
    assert "b.jpg" not in lab.cloud_files(), "the photo that does not fit is not in the cloud"


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
