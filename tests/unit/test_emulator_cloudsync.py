"""The emulated cloud sync service (SA 5204) against the behaviour contract, called as the IPC calls it."""

from __future__ import annotations

import queue
import threading
from pathlib import Path

import pytest

from ohos_emulator.device import DeviceConfig, EmulatedDevice
from ohos_emulator.profiles import get_profile
from ohos_emulator.services.binder import Caller, Errno
from ohos_emulator.services.cloudsync.download import cache_path
from ohos_emulator.services.cloudsync.service import CLOUDFILE_SYNC, SA_ID

SYSTEM_APP = Caller(4242, "com.example.sync", "system_basic", True, frozenset({CLOUDFILE_SYNC}))
WAIT = 5.0


class RecordingSink:
    """Collects the events the service pushes to one process."""

    def __init__(self, pid: int = 4242) -> None:
        self.pid = pid
        self.events: queue.Queue[tuple[str, dict]] = queue.Queue()

    def push(self, sa: int, event: str, data: dict) -> bool:
        self.events.put((event, data))
        return True

    def next(self, timeout: float = WAIT) -> dict:
        return self.events.get(timeout=timeout)[1]

    def states(self, count: int) -> list[tuple[int, int]]:
        return [(e["state"], e["error"]) for e in (self.next() for _ in range(count))]

    def assert_quiet(self, seconds: float = 0.2) -> None:
        with pytest.raises(queue.Empty):
            self.events.get(timeout=seconds)


def make_device(tmp_path: Path, profile: str = "api10-doc") -> EmulatedDevice:
    return EmulatedDevice(DeviceConfig("emu-test", tmp_path / "dev", get_profile(profile), time_scale=0.001))


@pytest.fixture
def device(tmp_path):
    dev = make_device(tmp_path)
    yield dev
    dev.close()


def call(device: EmulatedDevice, sink, code: str, caller: Caller = SYSTEM_APP, **data) -> tuple[int, int]:
    reply = device.samgr.call(caller, sink, SA_ID, code, data)
    return reply.ipc, reply.ret


def registered(device: EmulatedDevice) -> RecordingSink:
    sink = RecordingSink()
    assert call(device, sink, "RegisterCallbackInner") == (0, 0)
    assert sink.states(1) == [(4, 0)], "registration delivers the current state, COMPLETED/NO_ERROR"
    return sink


def test_a_run_pulls_then_pushes_then_completes(device):
    device.cloud.store(device.media.allocate_id(), "cloud.jpg", b"c" * 200_000)
    device.media.add_local("local.jpg", b"l" * 150_000)
    sink = registered(device)
    assert call(device, sink, "StartSyncInner", forceFlag=False) == (0, 0)
    assert sink.states(3) == [(2, 0), (0, 0), (4, 0)]
    assert device.cloud.find_uri(device.media.local_photos()[0].uri) is not None
    assert device.fs.exists("/storage/media/100/local/files/.thumbs/cloud.jpg")
    assert device.media.pending_uploads() == []


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (
            lambda d: (d.network.set_switch("wifi", False), d.network.set_switch("cellular", False)),
            Errno.E_SYNC_FAILED_NETWORK_NOT_AVAILABLE,
        ),
        (lambda d: d.cloud.set_flag("logged_in", False), Errno.E_CLOUD_SDK),
        (
            lambda d: (d.battery.mock_unplugged(), d.battery.mock_capacity(14)),
            Errno.E_SYNC_FAILED_BATTERY_TOO_LOW,
        ),
    ],
)
def test_start_prechecks(device, setup, expected):
    setup(device)
    assert call(device, RecordingSink(), "StartSyncInner") == (0, expected)


def test_start_checks_network_before_cloud_before_battery(device):
    device.network.set_switch("wifi", False)
    device.network.set_switch("cellular", False)
    device.cloud.set_flag("gallery_switch", False)
    device.battery.mock_unplugged()
    device.battery.mock_capacity(5)
    assert call(device, RecordingSink(), "StartSyncInner")[1] == Errno.E_SYNC_FAILED_NETWORK_NOT_AVAILABLE
    device.network.set_switch("wifi", True)
    assert call(device, RecordingSink(), "StartSyncInner")[1] == Errno.E_CLOUD_SDK


def test_charging_at_low_capacity_is_not_refused(device):
    device.battery.mock_capacity(5)
    assert call(device, RecordingSink(), "StartSyncInner") == (0, 0)


@pytest.mark.parametrize(("capacity", "error"), [(12, 3), (8, 4)])
def test_battery_drop_fails_after_the_current_upload(device, capacity, error):
    for index in range(3):
        device.media.add_local(f"p{index}.jpg", bytes(200_000))
    sink = registered(device)
    device.link.gate.hold()
    call(device, sink, "StartSyncInner")
    assert sink.states(2) == [(2, 0), (0, 0)]
    assert device.link.gate.wait_parked(WAIT)
    device.battery.mock_unplugged()
    device.battery.mock_capacity(capacity)
    device.link.gate.release()
    assert sink.states(1) == [(1, error)]
    sink.assert_quiet()
    assert [item.name for item in device.cloud.items()] == ["p0.jpg"], "the file in flight completed, no more"


def test_ohos_4_0_reports_low_for_both_thresholds_and_allows_start_at_12(tmp_path):
    device = make_device(tmp_path, "ohos-4.0")
    try:
        device.media.add_local("p.jpg", bytes(100_000))
        device.battery.mock_unplugged()
        device.battery.mock_capacity(12)
        sink = registered(device)
        assert call(device, sink, "StartSyncInner") == (0, 0)
        assert sink.states(3) == [(2, 0), (0, 0), (1, 3)]
        device.battery.mock_capacity(9)
        assert call(device, sink, "StartSyncInner")[1] == Errno.E_SYNC_FAILED_BATTERY_TOO_LOW
    finally:
        device.close()


def test_network_lost_mid_transfer_fails_the_phase(device):
    device.cloud.store(device.media.allocate_id(), "c.jpg", bytes(300_000))
    sink = registered(device)
    device.link.gate.hold()
    call(device, sink, "StartSyncInner")
    assert sink.states(1) == [(2, 0)]
    assert device.link.gate.wait_parked(WAIT)
    device.network.set_switch("wifi", False)
    device.network.set_switch("cellular", False)
    device.link.gate.release()
    assert sink.states(1) == [(3, 1)]
    assert not device.fs.exists("/storage/media/100/local/files/.thumbs/c.jpg")


def test_one_network_is_enough_unless_wifi_only(device):
    device.media.add_local("p.jpg", bytes(100_000))
    sink = registered(device)
    device.network.set_switch("wifi", False)
    call(device, sink, "StartSyncInner")
    assert sink.states(3) == [(2, 0), (0, 0), (4, 0)]
    device.media.add_local("q.jpg", bytes(100_000))
    device.network.set_wifi_only_sync(True)
    call(device, sink, "StartSyncInner")
    assert sink.states(3) == [(2, 0), (0, 0), (1, 2)]


def test_cloud_full_and_local_full(device):
    device.media.add_local("big.jpg", bytes(300_000))
    device.cloud.set_quota(100_000)
    sink = registered(device)
    call(device, sink, "StartSyncInner")
    assert sink.states(3) == [(2, 0), (0, 0), (1, 5)]

    device.cloud.set_quota(10**9)
    device.cloud.store(device.media.allocate_id(), "c.jpg", bytes(200_000))
    used = device.fs.usage().used
    device.set_data_capacity(used + 1000)
    call(device, sink, "StartSyncInner")
    assert sink.states(2) == [(2, 0), (3, 6)]
    device.set_data_capacity(used + 10**7)
    call(device, sink, "StartSyncInner")
    assert sink.states(3) == [(2, 0), (0, 0), (4, 0)]
    assert device.fs.exists("/storage/media/100/local/files/.thumbs/c.jpg"), "downloaded once space was freed"


def test_start_twice_queues_one_more_run_without_completing_the_first(device):
    device.media.add_local("p.jpg", bytes(200_000))
    sink = registered(device)
    device.link.gate.hold()
    call(device, sink, "StartSyncInner")
    assert device.link.gate.wait_parked(WAIT)
    call(device, sink, "StartSyncInner")
    call(device, sink, "StartSyncInner")
    device.link.gate.release()
    assert sink.states(5) == [(2, 0), (0, 0), (2, 0), (0, 0), (4, 0)]
    sink.assert_quiet()


def test_stop_ends_after_the_file_in_flight_and_start_resumes(device):
    for index in range(3):
        device.media.add_local(f"p{index}.jpg", bytes(200_000))
    sink = registered(device)
    device.link.gate.hold()
    call(device, sink, "StartSyncInner")
    assert sink.states(2) == [(2, 0), (0, 0)]
    assert device.link.gate.wait_parked(WAIT)
    assert call(device, sink, "StopSyncInner") == (0, 0)
    device.link.gate.release()
    assert sink.states(1) == [(5, 0)]
    assert len(device.cloud.items()) == 1
    call(device, sink, "StartSyncInner")
    assert sink.states(3) == [(2, 0), (0, 0), (4, 0)]
    assert len(device.cloud.items()) == 3


def test_stop_when_idle_reports_stopped(device):
    sink = registered(device)
    assert call(device, sink, "StopSyncInner") == (0, 0)
    assert sink.states(1) == [(5, 0)]


def test_caller_checks_permission_first_then_system_app(device):
    no_permission = Caller(1, "a", "system_basic", False, frozenset())
    not_system = Caller(2, "b", "normal", False, frozenset({CLOUDFILE_SYNC}))
    assert call(device, RecordingSink(), "StartSyncInner", caller=no_permission) == (
        0,
        Errno.E_PERMISSION_DENIED,
    )
    assert call(device, RecordingSink(), "StartSyncInner", caller=not_system) == (
        0,
        Errno.E_PERMISSION_SYSTEM,
    )


def test_ohos_4_0_returns_caller_errors_as_the_ipc_status(tmp_path):
    device = make_device(tmp_path, "ohos-4.0")
    try:
        not_system = Caller(2, "b", "normal", False, frozenset({CLOUDFILE_SYNC}))
        assert call(device, RecordingSink(), "RegisterCallbackInner", caller=not_system) == (7, 0)
    finally:
        device.close()


def test_service_down_is_a_dead_object(device):
    device.samgr.hold_down(SA_ID)
    assert call(device, RecordingSink(), "StartSyncInner")[0] == 29189
    device.samgr.release(SA_ID)
    assert call(device, RecordingSink(), "StartSyncInner") == (0, 0)


def download_events(sink: RecordingSink, until: set[int]) -> list[dict]:
    events = []
    while True:
        event = sink.next()
        events.append(event)
        if event["state"] in until:
            return events


def test_download_reports_growing_progress_then_completed(device):
    uri = device.cloud.store(device.media.allocate_id(), "d.jpg", bytes(1_000_000)).uri
    sink = RecordingSink()
    call(device, sink, "RegisterDownloadFileCallback")
    assert call(device, sink, "StartDownloadFile", uri=uri) == (0, 0)
    events = download_events(sink, {1, 2, 3})
    processed = [e["processed"] for e in events]
    assert [e["state"] for e in events[:-1]] == [0] * (len(events) - 1) and events[-1]["state"] == 1
    assert processed == sorted(processed) and processed[-1] == 1_000_000
    assert all(e["size"] == 1_000_000 and e["uri"] == uri for e in events)
    assert device.fs.stat("/storage/media/100/local/files/Photo/d.jpg").st_size == 1_000_000


def test_download_stop_deletes_the_partial_file_and_restarts_from_zero(device):
    item = device.cloud.store(device.media.allocate_id(), "d.jpg", bytes(1_000_000))
    sink = RecordingSink()
    call(device, sink, "RegisterDownloadFileCallback")
    device.link.gate.hold()
    call(device, sink, "StartDownloadFile", uri=item.uri)
    assert device.link.gate.wait_parked(WAIT)
    assert device.fs.exists(cache_path(item))
    assert call(device, sink, "StopDownloadFile", uri=item.uri) == (0, 0)
    events = download_events(sink, {3})
    assert events[-1]["state"] == 3
    assert not device.fs.exists(cache_path(item))
    device.link.gate.release()
    call(device, sink, "StartDownloadFile", uri=item.uri)
    restarted = download_events(sink, {1})
    assert restarted[0]["processed"] == 65536


def test_download_prechecks(device):
    item = device.cloud.store(device.media.allocate_id(), "d.jpg", bytes(500_000))
    assert call(device, RecordingSink(), "StartDownloadFile", uri="file://media/Photo/999/x.jpg")[1] == 1001
    device.set_data_capacity(device.fs.usage().used + 1000)
    assert call(device, RecordingSink(), "StartDownloadFile", uri=item.uri)[1] == 1002


def test_sync_wait_idle_covers_runs(device):
    device.media.add_local("p.jpg", bytes(200_000))
    device.link.gate.hold()
    call(device, RecordingSink(), "StartSyncInner")
    assert not device.wait_sync_idle(0.2)
    threading.Timer(0.1, device.link.gate.release).start()
    assert device.wait_sync_idle(WAIT)
