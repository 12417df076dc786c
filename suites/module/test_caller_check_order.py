"""Which caller check comes first: the permission, then the system-application check."""

import pytest


@pytest.mark.requirement("module.contract.caller-check-order")
@pytest.mark.parametrize("cls", ["GallerySync", "Download"])
def test_a_caller_failing_both_checks_gets_201(cloudsync_as, cls):
    cloudsync = cloudsync_as("bare")  # a third-party app without ohos.permission.CLOUDFILE_SYNC
    api = cloudsync.gallery_sync() if cls == "GallerySync" else cloudsync.download()
    args = () if cls == "GallerySync" else ("file://media/Photo/1/any.jpg",)
    api.call("start", *args, style="promise").expect_error(201, "rejected")
