"""GallerySync: argument errors are thrown synchronously as 401.

A wrong event name, too many arguments to start()/stop(), a missing argument, a callback that is not
a function: each is its own test, so a device that gets one of them wrong fails that test only.
"""

import pytest

from harness.shim.values import Callback

BAD_EVENTS = ("bogus", "Progress", 5)


@pytest.mark.requirement("GallerySync.on.param.evt")
@pytest.mark.parametrize("event", BAD_EVENTS, ids=repr)
def test_on_with_an_unknown_event_throws_401(cloudsync, event):
    gallery = cloudsync.gallery_sync()
    gallery.call("on", event, Callback("listener")).expect_error(401, "thrown")


@pytest.mark.requirement("GallerySync.off.param.evt")
@pytest.mark.parametrize("event", BAD_EVENTS, ids=repr)
def test_off_with_an_unknown_event_throws_401(cloudsync, event):
    gallery = cloudsync.gallery_sync()
    gallery.call("off", event).expect_error(401, "thrown")


@pytest.mark.requirement("GallerySync.start.promise.E401")
def test_start_with_two_arguments_throws_401(cloudsync, lab):
    gallery = cloudsync.gallery_sync()
    gallery.call("start", Callback("done"), 1).expect_error(401, "thrown")


@pytest.mark.requirement("GallerySync.stop.promise.E401")
def test_stop_with_two_arguments_throws_401(cloudsync, lab):
    gallery = cloudsync.gallery_sync()
    gallery.call("stop", Callback("done"), 1).expect_error(401, "thrown")


@pytest.mark.requirement(
    "GallerySync.on.E401",
    "GallerySync.on.param.callback",
    "module.contract.argument-errors-thrown",
    "module.contract.error-object",
)
@pytest.mark.parametrize("args", [(), ("progress",)], ids=["on()", "on('progress')"])
def test_on_with_a_missing_argument_throws_401(cloudsync, args):
    gallery = cloudsync.gallery_sync()
    gallery.call("on", *args).expect_error(401, "thrown")


@pytest.mark.requirement(
    "GallerySync.on.E401",
    "GallerySync.on.param.callback",
    "module.contract.argument-errors-thrown",
)
@pytest.mark.parametrize("callback", [5, "progress", None], ids=repr)
def test_on_with_a_callback_that_is_not_a_function_throws_401(cloudsync, callback):
    gallery = cloudsync.gallery_sync()
    gallery.call("on", "progress", callback).expect_error(401, "thrown")


@pytest.mark.requirement(
    "GallerySync.off.E401", "module.contract.argument-errors-thrown", "module.contract.error-object"
)
def test_off_without_the_event_throws_401(cloudsync):
    gallery = cloudsync.gallery_sync()
    gallery.call("off").expect_error(401, "thrown")


@pytest.mark.requirement(
    "GallerySync.start.callback.E401",
    "GallerySync.start.callback.param.callback",
    "module.contract.argument-errors-thrown",
)
def test_start_with_a_callback_that_is_not_a_function_throws_401(cloudsync, lab):
    gallery = cloudsync.gallery_sync()
    gallery.call("start", 5).expect_error(401, "thrown")


@pytest.mark.requirement(
    "GallerySync.stop.callback.E401",
    "GallerySync.stop.callback.param.callback",
    "module.contract.argument-errors-thrown",
)
def test_stop_with_a_callback_that_is_not_a_function_throws_401(cloudsync, lab):
    gallery = cloudsync.gallery_sync()
    gallery.call("stop", 5).expect_error(401, "thrown")
