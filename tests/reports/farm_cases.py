"""Cases the farm tests run on several devices at once (given after `--`: ``-k farm_meet``, ``-k farm_loss``).

``test_farm_meet_devices_run_at_once`` passes only when every device's worker is in it at the same
time: each leaves its device id in ``$OHOS_HIL_FARM_MEETING`` and waits (bounded) for the others'.
Not collected by `pytest tests` (no test_ prefix).
"""

import os
import signal
import time
from pathlib import Path

import pytest

from harness.shim.values import Callback

MEETING_TIMEOUT = 120.0


@pytest.mark.requirement("GallerySync.on.param.evt")
def test_farm_meet_devices_run_at_once(device, cloudsync):
    meeting = Path(os.environ["OHOS_HIL_FARM_MEETING"])
    expected = int(os.environ["OHOS_HIL_FARM_DEVICES"])
    (meeting / device.id).write_text(str(os.getpid()), encoding="utf-8")
    deadline = time.monotonic() + MEETING_TIMEOUT
    while len(list(meeting.iterdir())) < expected:
        assert time.monotonic() < deadline, f"only {sorted(p.name for p in meeting.iterdir())} ran at once"
        time.sleep(0.05)
    cloudsync.gallery_sync().call("on", "bogus", Callback("listener")).expect_error(401, "thrown")


@pytest.mark.requirement("GallerySync.start.promise.E22400003")
def test_farm_meet_start_unplugged_at_5_percent_is_refused(cloudsync, battery):
    battery.set(5, charging=False)
    cloudsync.gallery_sync().call("start", style="promise").expect_error(22400003, "rejected")


def test_farm_loss_a_device_goes_away(device):
    """On the device named by $OHOS_HIL_FARM_LOSE: its emulator ($OHOS_HIL_FARM_LOSE_PID) is killed."""
    if device.id == os.environ["OHOS_HIL_FARM_LOSE"]:
        os.kill(int(os.environ["OHOS_HIL_FARM_LOSE_PID"]), signal.SIGKILL)


@pytest.mark.parametrize("round_", [1, 2, 3])
def test_farm_loss_the_shell_answers(device, round_):
    assert device.shell(f"echo round {round_}").output.strip() == f"round {round_}"
