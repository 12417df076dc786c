"""DownloadProgress.processed is bytes: the bytes on the device at RUNNING, COMPLETED and FAILED."""

import pytest

from .steps import parked_download


def _parked(cloudsync, lab, file):
    """A download of ``file`` parked part-way at the held link, and its first RUNNING event."""
    _, progress = parked_download(cloudsync, lab, file)
    running = [progress.next(), *progress.queued()]
    return progress, running


@pytest.mark.requirement(
    "DownloadProgress.processed", "Download.contract.progress-running", "Download.contract.completed-size"
)
def test_processed_is_the_bytes_on_the_device(cloudsync, lab, cloud_file, downloads):
    file = cloud_file("measured.jpg")
    progress, running = _parked(cloudsync, lab, file)
    last = running[-1]
    assert downloads.state_of(last) == downloads.state["RUNNING"], downloads.describe(running)
    on_device = downloads.files.size(file.cache_path)
    assert 0 < last["processed"] < file.size, f"a parked download is part-way: {downloads.describe([last])}"
    assert last["processed"] == on_device, (
        f"RUNNING processed {last['processed']} is the bytes downloaded so far "
        f"({on_device} in {file.cache_path})"
    )

    lab.release_link()
    events = cloudsync.download_run(progress)
    downloads.expect_complete(running + events, file)


@pytest.mark.requirement("DownloadProgress.processed", "Download.contract.transfer-failure")
def test_a_failed_event_reports_the_bytes_downloaded_before_the_failure(
    cloudsync, lab, cloud_file, downloads
):
    file = cloud_file("unlucky.jpg")
    progress, running = _parked(cloudsync, lab, file)
    moved = running[-1]["processed"]
    lab.set_link_failing(True)
    lab.release_link()

    events = cloudsync.download_run(progress)
    failed = events[-1]
    assert downloads.state_of(failed) == downloads.state["FAILED"], downloads.describe(events)
    assert moved <= failed["processed"] < file.size, (
        f"FAILED processed is the bytes downloaded ({moved} before the failure): "
        f"{downloads.describe([failed])}"
    )
    assert failed["size"] == file.size and failed["uri"] == file.uri, f"FAILED names the file: {failed}"
