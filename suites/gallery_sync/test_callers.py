"""GallerySync: callers the service must refuse, for every method and form.

`noperm` is a system app without ohos.permission.CLOUDFILE_SYNC (201); `normal` is a third-party app
that holds the permission (202). on/off are synchronous, so they throw; start/stop settle.
"""

import pytest

from harness.shim.values import Callback

from .steps import expect_called_back_once, settle_time

CALLS = {
    "on": (("progress", Callback("listener")), "sync", "thrown"),
    "off": (("progress",), "sync", "thrown"),
    "start.promise": ((), "promise", "rejected"),
    "start.callback": ((), "callback", "callback"),
    "stop.promise": ((), "promise", "rejected"),
    "stop.callback": ((), "callback", "callback"),
}


def each_call(code, *shared_ids):
    return [
        pytest.param(form, marks=pytest.mark.requirement(f"GallerySync.{form}.E{code}", *shared_ids), id=form)
        for form in CALLS
    ]


def call_as(cloudsync_as, spec, variant, form, code):
    """The call is refused with ``code`` by its route, and an AsyncCallback is called once."""
    args, style, route = CALLS[form]
    caller = cloudsync_as(variant)
    caller.gallery_sync().call(form.split(".")[0], *args, style=style).expect_error(code, route)
    if style == "callback":
        expect_called_back_once(caller, settle_time(spec))


@pytest.mark.parametrize("form", each_call(201, "module.contract.caller-check-order"))
def test_a_caller_without_the_permission_gets_201(cloudsync_as, lab, spec, form):
    call_as(cloudsync_as, spec, "noperm", form, 201)


@pytest.mark.parametrize("form", each_call(202, "module.note.system-api"))
def test_a_third_party_app_gets_202(cloudsync_as, lab, spec, form):
    call_as(cloudsync_as, spec, "normal", form, 202)
