"""Every battery threshold the seed names, at −1 / at / +1, charging or not: at start() and during upload.

At start(): unplugged below `start_refused_below_percent` start() is refused with 22400003; at or
above it, or charging, the run goes on to COMPLETED. During upload, unplugged: below
`battery_warning_percent` the run fails with BATTERY_LEVEL_WARNING, below `battery_low_percent` with
BATTERY_LEVEL_LOW, after the file in flight; at or above, or charging, it completes.
"""

import pytest

from .steps import expect_run_over, listen, start_with_file_in_flight

PHOTOS = {"a.jpg": 200_000, "b.jpg": 210_000}
"""Two photos: the first is held in flight while the battery changes; the second shows the run went on."""


def _start_case(offset, charging):
    refused = offset < 0 and not charging
    ids = (
        ("GallerySync.start.promise.E22400003", "ErrorType.note.start-refused-low-battery")
        if refused
        else ("GallerySync.start.promise",)
    )
    return pytest.param(
        offset,
        charging,
        id=f"start-refused-below{offset:+d}-{'charging' if charging else 'unplugged'}",
        marks=pytest.mark.requirement(*ids),
    )


START_GRID = [_start_case(offset, charging) for offset in (-1, 0, 1) for charging in (False, True)]


@pytest.mark.parametrize(("offset", "charging"), START_GRID)
def test_start_at_each_battery_edge(cloudsync, lab, battery, spec, offset, charging):
    capacity = spec.threshold("start_refused_below_percent") + offset
    refused = capacity < spec.threshold("start_refused_below_percent") and not charging
    lab.add_photo("waiting.jpg", 20_000)
    reading = battery.set(capacity, charging=None if charging else False)  # plugged in unless unplugged
    assert reading.charging == charging, f"the battery mock reads {reading}"
    gallery = cloudsync.gallery_sync()
    progress = listen(cloudsync, gallery)

    started = gallery.call("start", style="promise")
    if refused:
        started.expect_error(22400003, "rejected")
        expect_run_over(lab, progress, "a start() refused with 22400003")
        assert lab.cloud_files() == {}, "no run followed the refused start()"
    else:
        started.expect_ok()
        run = cloudsync.sync_run(progress)
        what = f"a run started at {capacity} %, {'charging' if charging else 'unplugged'}"
        cloudsync.expect_sync_states(run, "DOWNLOADING", "UPLOADING", "COMPLETED", what=what)


def _upload_error(spec, capacity, charging):
    """The ErrorType the edition's thresholds give for an unplugged battery at ``capacity`` %."""
    if charging:
        return None
    if capacity < spec.threshold("battery_warning_percent"):
        return "BATTERY_LEVEL_WARNING"
    if capacity < spec.threshold("battery_low_percent"):
        return "BATTERY_LEVEL_LOW"
    return None


def _upload_case(threshold, offset, charging):
    note = (
        "ErrorType.note.battery-warning"
        if threshold == "battery_warning_percent"
        else "ErrorType.note.battery-low"
    )
    ids = [note]
    if charging or (threshold == "battery_warning_percent" and offset >= 0):
        ids = ["ErrorType.note.battery-low"]  # charging, or at 10 % and above: no WARNING
    name = threshold.removesuffix("_percent")
    return pytest.param(
        threshold,
        offset,
        charging,
        id=f"{name}{offset:+d}-{'charging' if charging else 'unplugged'}",
        marks=pytest.mark.requirement(*ids),
    )


UPLOAD_GRID = [
    *[_upload_case("battery_low_percent", offset, False) for offset in (-1, 0, 1)],
    *[_upload_case("battery_warning_percent", offset, False) for offset in (-1, 0, 1)],
    _upload_case("battery_low_percent", -1, True),
    _upload_case("battery_warning_percent", -1, True),
]  # fmt: skip


@pytest.mark.parametrize(("threshold", "offset", "charging"), UPLOAD_GRID)
def test_battery_change_during_upload_at_each_edge(
    cloudsync, lab, battery, spec, threshold, offset, charging
):
    capacity = spec.threshold(threshold) + offset
    for name, size in PHOTOS.items():
        lab.add_photo(name, size)
    gallery = cloudsync.gallery_sync()
    progress = listen(cloudsync, gallery)
    start_with_file_in_flight(gallery, lab)
    reading = battery.set(capacity, charging=None if charging else False)  # plugged in unless unplugged
    assert reading.charging == charging, f"the battery mock reads {reading}"
    lab.release_link()
    run = cloudsync.sync_run(progress)

    error = _upload_error(spec, capacity, charging)
    what = f"battery at {capacity} % during upload, {'charging' if charging else 'unplugged'}"
    if error is None:
        cloudsync.expect_sync_states(run, "DOWNLOADING", "UPLOADING", "COMPLETED", what=what)
        assert lab.cloud_files() == PHOTOS, "every photo was uploaded"
    else:
        cloudsync.expect_sync_states(run, "DOWNLOADING", "UPLOADING", f"UPLOAD_FAILED/{error}", what=what)
        assert lab.cloud_files() == {"a.jpg": PHOTOS["a.jpg"]}, (
            "the photo in flight finishes uploading and the next one does not start"
        )
    expect_run_over(lab, progress, "the end of the run")
