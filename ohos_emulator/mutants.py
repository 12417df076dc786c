"""Seeded deviations: an emulated device that breaks the spec on purpose, one way at a time.

The suite self-check starts the emulator with each of these and proves the suites catch it (a test
fails). Each breaks one requirement family. Data-level ones change the behaviour profile; the others
wrap one component of the device as it is built, so the service code itself stays the conformant one.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ohos_emulator.profiles import BehaviourProfile
from ohos_emulator.services.binder import Caller, Errno, EventSink
from ohos_emulator.services.cloudsync.conditions import Conditions, DownloadState, ErrorType, SyncState
from ohos_emulator.services.cloudsync.download import cache_path
from ohos_emulator.services.cloudsync.service import SA_ID, CloudSyncService
from ohos_protocol.errors import ConfigError

if TYPE_CHECKING:
    from ohos_emulator.device import EmulatedDevice


@dataclass(frozen=True)
class SeededDeviation:
    name: str
    family: str
    description: str
    profile_change: Callable[[BehaviourProfile], BehaviourProfile] | None = None
    device_change: Callable[[EmulatedDevice], None] | None = None
    observers: tuple[str, ...] = ("suites",)
    """The suite paths (files or folders, in run order) that can observe it."""


def napi_change(**changes: Any) -> Callable[[BehaviourProfile], BehaviourProfile]:
    def change(profile: BehaviourProfile) -> BehaviourProfile:
        napi = copy.deepcopy(profile.napi)
        for path, value in changes.items():
            *parents, leaf = path.split("__")
            target = napi
            for part in parents:
                target = target[part]
            target[leaf] = value
        return profile.with_changes(f"{profile.name}+seeded", "seeded deviation", napi=napi)

    return change


def service_change(**changes: Any) -> Callable[[BehaviourProfile], BehaviourProfile]:
    return lambda profile: profile.with_changes(f"{profile.name}+seeded", "seeded deviation", service=changes)


def on_service(
    patch: Callable[[CloudSyncService, EmulatedDevice], None],
) -> Callable[[EmulatedDevice], None]:
    """Apply ``patch`` to every cloud sync service instance the device starts."""

    def change(device: EmulatedDevice) -> None:
        name, factory = device.samgr.factory(SA_ID)

        def patched() -> CloudSyncService:
            service = factory()
            patch(service, device)
            return service

        device.samgr.register(SA_ID, name, patched)

    return change


def _filter_sync_events(
    rewrite: Callable[[list[tuple[SyncState, ErrorType]]], list[tuple[SyncState, ErrorType]]],
):
    """Rewrite each run's stream of sync states: events pass through ``rewrite`` one at a time."""

    def patch(service: CloudSyncService, device: EmulatedDevice) -> None:
        deliver = service.gallery._notify
        held: list[tuple[SyncState, ErrorType]] = []

        def notify(state: SyncState, error: ErrorType) -> None:
            held.append((state, error))
            for out in rewrite(held):
                deliver(*out)

        service.gallery._notify = notify

    return patch


def _swap_phases(held: list[tuple[SyncState, ErrorType]]) -> list[tuple[SyncState, ErrorType]]:
    """DOWNLOADING is held back and reported after UPLOADING."""
    latest = held[-1]
    if latest[0] is SyncState.DOWNLOADING:
        return []
    held.clear()
    if latest[0] is SyncState.UPLOADING:
        return [latest, (SyncState.DOWNLOADING, ErrorType.NO_ERROR)]
    return [latest]


def _drop_stopped(held: list[tuple[SyncState, ErrorType]]) -> list[tuple[SyncState, ErrorType]]:
    latest = held.pop()
    return [] if latest[0] is SyncState.STOPPED else [latest]


def _no_first_event(service: CloudSyncService, device: EmulatedDevice) -> None:
    def register_silently(caller: Caller, sink: EventSink, data: dict[str, Any]) -> Errno:
        service._sync_callbacks.register(caller.bundle, sink)
        return Errno.E_OK

    service._handlers["RegisterCallbackInner"] = register_silently


def _stale_processed(service: CloudSyncService, device: EmulatedDevice) -> None:
    deliver = service.download._notify
    first: dict[str, int] = {}

    def notify(data: dict[str, Any]) -> None:
        if data["state"] == DownloadState.RUNNING:
            data = {**data, "processed": first.setdefault(data["uri"], data["processed"])}
        deliver(data)

    service.download._notify = notify


def _keep_cache(service: CloudSyncService, device: EmulatedDevice) -> None:
    deliver = service.download._notify

    def notify(data: dict[str, Any]) -> None:
        item = device.cloud.find_uri(data["uri"])
        if data["state"] == DownloadState.STOPPED and item is not None:
            device.fs.write_bytes(cache_path(item), b"\0" * max(1, data["processed"]))
        deliver(data)

    service.download._notify = notify


def _skip_caller_checks(service: CloudSyncService, device: EmulatedDevice) -> None:
    service._check_caller = lambda caller: Errno.E_OK


def _ignore_cloud_quota(device: EmulatedDevice) -> None:
    device.cloud.fits = lambda size: True


class _EitherNetworkDown(Conditions):
    def network_error(self) -> ErrorType | None:
        if not (self.network.wifi_available and self.network.cellular_available):
            return ErrorType.NETWORK_UNAVAILABLE
        return super().network_error()


def _either_network_down(device: EmulatedDevice) -> None:
    device.conditions = _EitherNetworkDown(device.conditions.knobs, device.battery, device.network)


SEEDED_DEVIATIONS = {
    deviation.name: deviation
    for deviation in (
        SeededDeviation("wrong-error-code", "error codes",
                        "start() with no network reports 22400001 instead of 22400002",
                        profile_change=napi_change(errnoToJs__12=22400001)),
        SeededDeviation("wrong-threshold", "thresholds",
                        "start() is refused below 14 % instead of 15 %",
                        profile_change=service_change(start_refused_below=14)),
        SeededDeviation("wrong-message", "messages",
                        "22400002 says 'Network is unavailable.'",
                        profile_change=napi_change(messages__22400002="Network is unavailable.")),
        SeededDeviation("wrong-enum-value", "enums", "SyncState.STOPPED is 6",
                        profile_change=napi_change(enums__SyncState__STOPPED=6)),
        SeededDeviation("argument-errors-rejected", "argument errors",
                        "401 for start/stop arguments is a rejection, not a throw",
                        profile_change=napi_change(argErrorsThrown=False)),
        SeededDeviation("no-battery-warning", "error types",
                        "below 10 % during upload reports BATTERY_LEVEL_LOW, never WARNING",
                        profile_change=service_change(upload_warning_below=None)),
        SeededDeviation("missing-first-event", "events",
                        "on('progress') does not deliver the current state",
                        device_change=on_service(_no_first_event)),
        SeededDeviation("missing-stopped-event", "events", "stop() delivers no STOPPED",
                        device_change=on_service(_filter_sync_events(_drop_stopped))),
        SeededDeviation("events-out-of-order", "event order", "UPLOADING is reported before DOWNLOADING",
                        device_change=on_service(_filter_sync_events(_swap_phases))),
        SeededDeviation("stale-processed", "download progress",
                        "RUNNING events repeat the first processed value",
                        device_change=on_service(_stale_processed)),
        SeededDeviation("download-cache-kept", "download stop",
                        "stop(uri) leaves the partial file on the device",
                        device_change=on_service(_keep_cache)),
        SeededDeviation("caller-unchecked", "caller checks",
                        "callers without the permission or not system apps are served",
                        device_change=on_service(_skip_caller_checks)),
        SeededDeviation("cloud-quota-ignored", "storage", "uploads go on past the cloud quota",
                        device_change=_ignore_cloud_quota),
        SeededDeviation("either-network-down", "network",
                        "losing either network fails the run with NETWORK_UNAVAILABLE",
                        device_change=_either_network_down),
    )
}  # fmt: skip


def seeded_deviation(name: str) -> SeededDeviation:
    try:
        return SEEDED_DEVIATIONS[name]
    except KeyError:
        known = ", ".join(sorted(SEEDED_DEVIATIONS))
        raise ConfigError(f"unknown seeded deviation {name!r}; known: {known}") from None
