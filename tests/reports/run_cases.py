"""Two conformance checks that the `ohos-hil run` tests run (given after `--`, picked with ``-k e2e_case``).

Kept out of the suites so that those tests do not depend on how the suites are named. On the
``ohos-4.0`` emulator profile the first one finds a real deviation (4.0 refuses start() only below
10 % battery); the second one passes on every profile. Not collected by `pytest tests` (no test_ prefix).
"""

import threading

import pytest

from harness.shim.values import Callback


@pytest.mark.requirement("GallerySync.start.promise.E22400003", "ErrorType.note.start-refused-low-battery")
def test_e2e_case_start_unplugged_at_12_percent_is_refused(cloudsync, battery):
    battery.set(12, charging=False)
    cloudsync.gallery_sync().call("start", style="promise").expect_error(22400003, "rejected")


@pytest.mark.requirement("GallerySync.on.param.evt")
def test_e2e_case_on_with_an_unknown_event_throws_401(cloudsync):
    cloudsync.gallery_sync().call("on", "bogus", Callback("listener")).expect_error(401, "thrown")


def test_e2e_waits_to_be_interrupted(device):
    """Picked on its own (``-k e2e_waits``) by the test that interrupts a run."""
    threading.Event().wait(120)
