"""Download: the errors each method's table lists, provoked one by one."""

import pytest
from gallery_sync.steps import expect_called_back_once, settle_time

from harness.shim.values import Callback

from .forms import ERROR_ROUTE, async_forms
from .steps import listening_download

URI = "file://media/Photo/1/IMG_0001.jpg"
"""A well-formed uri; the cloud holds no such file (so a caller check must come first)."""
MISSING_URI = "file://media/Photo/999999/not-in-the-cloud.jpg"

FORMS = [
    ("on", ("progress", Callback("cb")), "sync", "thrown"),
    ("off", ("progress",), "sync", "thrown"),
    ("start", (URI,), "promise", "rejected"),
    ("start", (URI,), "callback", "callback"),
    ("stop", (URI,), "promise", "rejected"),
    ("stop", (URI,), "callback", "callback"),
]
"""Each form that checks its caller: member, arguments, style, and how it reports the refusal."""


def _caller_cases(variant: str, code: int, *ids: str) -> list:
    cases = []
    for member, args, style, route in FORMS:
        rid = f"Download.{member}.E{code}" if style == "sync" else f"Download.{member}.{style}.E{code}"
        marks = pytest.mark.requirement(rid, *ids)
        cases.append(pytest.param(variant, code, member, args, style, route, id=rid, marks=marks))
    return cases


CALLER_CASES = [*_caller_cases("noperm", 201), *_caller_cases("normal", 202, "module.note.system-api")]


@pytest.mark.parametrize(("variant", "code", "member", "args", "style", "route"), CALLER_CASES)
def test_a_caller_that_may_not_use_the_api_is_refused(
    cloudsync_as, spec, variant, code, member, args, style, route
):
    """201 for a system app without ohos.permission.CLOUDFILE_SYNC, 202 for a third-party app."""
    caller = cloudsync_as(variant)
    caller.download().call(member, *args, style=style).expect_error(code, route)
    if style == "callback":
        expect_called_back_once(caller, settle_time(spec))


@pytest.mark.requirement("Download.on.E13600001", "module.contract.error-object")
def test_on_while_the_service_is_down_throws_13600001(cloudsync, lab):
    download = cloudsync.download()
    lab.set_fault("cloudsync-service-down", True)
    download.call("on", "progress", Callback("cb")).expect_error(13600001, "thrown")


@pytest.mark.requirement("Download.off.E13600001", "module.contract.error-object")
def test_off_while_the_service_is_down_throws_13600001(cloudsync, lab):
    download = cloudsync.download()
    download.call("on", "progress", Callback("cb")).expect_ok()
    lab.set_fault("cloudsync-service-down", True)
    download.call("off", "progress").expect_error(13600001, "thrown")


@async_forms("Download.start.{style}.E13900002")
def test_start_of_a_uri_not_in_the_cloud_fails_with_13900002(cloudsync, lab, spec, style):
    lab.add_cloud_file("another.jpg", 100_000)
    cloudsync.download().call("start", MISSING_URI, style=style).expect_error(13900002, ERROR_ROUTE[style])
    expect_called_back_once(cloudsync, settle_time(spec))


@async_forms("Download.start.{style}.E13900025")
@pytest.mark.requirement("module.contract.service-errors-async", "module.contract.error-object")
def test_start_without_room_for_the_file_fails_with_13900025(
    cloudsync, lab, cloud_file, storage, spec, style
):
    """Refused before the download starts: no progress event follows."""
    file = cloud_file("too-big.jpg")
    storage.fill(leave_free=file.size // 2)
    download = cloudsync.download()
    progress = cloudsync.progress()
    download.call("on", "progress", progress.callback).expect_ok()

    download.call("start", file.uri, style=style).expect_error(13900025, ERROR_ROUTE[style])
    lab.wait_sync_idle()
    progress.expect_none_queued("a refused start() downloads nothing")
    expect_called_back_once(cloudsync, settle_time(spec))


LOCAL_SPACE = 100 * 1024
"""Free space left on /data for the exact-fit cases (a whole number of blocks)."""


@pytest.mark.parametrize(
    ("extra", "fits"),
    [
        pytest.param(0, True, id="exact-fit", marks=pytest.mark.requirement("Download.start.promise")),
        pytest.param(
            1, False, id="one-byte-short", marks=pytest.mark.requirement("Download.start.promise.E13900025")
        ),
    ],
)
def test_local_space_exact_fit_and_one_byte_short(
    cloudsync, lab, cloud_file, storage, downloads, extra, fits
):
    """A file of exactly the free space downloads; one byte more is refused with 13900025."""
    file = cloud_file("fitting.jpg", LOCAL_SPACE + extra)
    storage.leave_exactly(LOCAL_SPACE)
    download, progress = listening_download(cloudsync)

    started = download.call("start", file.uri, style="promise")
    if fits:
        started.expect_ok()
        downloads.expect_complete(cloudsync.download_run(progress), file)
    else:
        started.expect_error(13900025, "rejected")
        lab.wait_sync_idle()
        progress.expect_none_queued("a refused start() downloads nothing")
