"""GallerySync.start(): the conditions under which the service refuses to start a run.

Each refusal is checked in both forms (promise rejection, callback err), and no run may follow it.
"""

import pytest

from .steps import expect_called_back_once, expect_run_over, in_form, listen, settle_time

ASYNC = "module.contract.service-errors-async"
NO_RUN = "ErrorType.note.start-refused-low-battery"
ROUTE = {"promise": "rejected", "callback": "callback"}


def refuse(cloudsync, lab, spec, style, code):
    """start() in ``style`` fails with ``code`` by the asynchronous route, once; no run starts."""
    gallery = cloudsync.gallery_sync()
    progress = listen(cloudsync, gallery)
    gallery.call("start", style=style).expect_error(code, ROUTE[style])
    expect_run_over(lab, progress, f"a start() refused with {code}")
    expect_called_back_once(cloudsync, settle_time(spec))


@pytest.mark.parametrize(
    "style",
    [
        in_form("promise", "GallerySync.start.promise.E22400002", ASYNC),
        in_form("callback", "GallerySync.start.callback.E22400002", ASYNC),
    ],
)
def test_start_without_any_network_is_refused_with_22400002(cloudsync, lab, network, spec, style):
    lab.add_photo("waiting.jpg", 200_000)
    network.offline()
    refuse(cloudsync, lab, spec, style, 22400002)


@pytest.mark.parametrize("condition", ["no cloud account", "gallery cloud switch off"])
@pytest.mark.parametrize(
    "style",
    [
        in_form("promise", "GallerySync.start.promise.E22400001", ASYNC),
        in_form("callback", "GallerySync.start.callback.E22400001", ASYNC),
    ],
)
def test_start_while_the_cloud_is_not_ready_is_refused_with_22400001(cloudsync, lab, spec, style, condition):
    lab.add_photo("waiting.jpg", 200_000)
    if condition == "no cloud account":
        lab.set_cloud_account(False)
    else:
        lab.set_gallery_switch(False)
    refuse(cloudsync, lab, spec, style, 22400001)


@pytest.mark.parametrize(
    "style",
    [
        in_form("promise", "GallerySync.start.promise.E22400003", NO_RUN),
        in_form(
            "callback", "GallerySync.start.callback.E22400003", "ErrorType.note.start-refused-low-battery"
        ),
    ],
)
def test_start_unplugged_below_15_percent_is_refused_with_22400003(cloudsync, lab, battery, spec, style):
    refused_below = spec.threshold("start_refused_below_percent")
    lab.add_photo("waiting.jpg", 200_000)
    battery.set(refused_below - 1, charging=False)
    refuse(cloudsync, lab, spec, style, 22400003)


@pytest.mark.requirement("GallerySync.contract.start-check-order")
def test_start_checks_network_then_cloud_then_battery(cloudsync, lab, network, battery):
    gallery = cloudsync.gallery_sync()
    battery.set(5, charging=False)
    lab.set_cloud_account(False)
    network.offline()
    gallery.call("start", style="promise").expect_error(22400002, "rejected")

    network.set(wifi=True)
    gallery.call("start", style="promise").expect_error(22400001, "rejected")

    lab.set_cloud_account(True)
    gallery.call("start", style="promise").expect_error(22400003, "rejected")
