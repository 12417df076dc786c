"""GallerySync.on / off while the cloud sync service is not running: 13600001 "IPC error."."""

import pytest

from harness.shim.values import Callback


@pytest.mark.requirement("GallerySync.on.E13600001")
def test_on_without_the_sync_service_throws_13600001(cloudsync, lab):
    gallery = cloudsync.gallery_sync()
    lab.set_fault("cloudsync-service-down", True)
    gallery.call("on", "progress", Callback("listener")).expect_error(13600001, "thrown")

    lab.set_fault("cloudsync-service-down", False)
    gallery.call("on", "progress", Callback("listener")).expect_ok()


@pytest.mark.requirement("GallerySync.off.E13600001")
def test_off_without_the_sync_service_throws_13600001(cloudsync, lab):
    gallery = cloudsync.gallery_sync()
    gallery.call("on", "progress", Callback("listener")).expect_ok()
    lab.set_fault("cloudsync-service-down", True)
    gallery.call("off", "progress").expect_error(13600001, "thrown")
