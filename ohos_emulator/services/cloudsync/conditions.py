"""The device conditions a sync or download checks, as the behaviour profile says to."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from ohos_emulator.profiles import ServiceKnobs
from ohos_emulator.services.battery import BatteryService
from ohos_emulator.services.network import NetworkService


class SyncState(IntEnum):
    UPLOADING = 0
    UPLOAD_FAILED = 1
    DOWNLOADING = 2
    DOWNLOAD_FAILED = 3
    COMPLETED = 4
    STOPPED = 5


class ErrorType(IntEnum):
    NO_ERROR = 0
    NETWORK_UNAVAILABLE = 1
    WIFI_UNAVAILABLE = 2
    BATTERY_LEVEL_LOW = 3
    BATTERY_LEVEL_WARNING = 4
    CLOUD_STORAGE_FULL = 5
    LOCAL_STORAGE_FULL = 6


class DownloadState(IntEnum):
    RUNNING = 0
    COMPLETED = 1
    FAILED = 2
    STOPPED = 3


@dataclass(frozen=True)
class Conditions:
    """Reads battery and network against a profile's thresholds."""

    knobs: ServiceKnobs
    battery: BatteryService
    network: NetworkService

    def network_error(self) -> ErrorType | None:
        """NETWORK_UNAVAILABLE only when both networks are down; WIFI_UNAVAILABLE for Wi-Fi-only sync."""
        if not self.network.any_available:
            return ErrorType.NETWORK_UNAVAILABLE
        if (
            self.knobs.wifi_unavailable_delivered
            and self.network.wifi_only_sync
            and not self.network.wifi_available
        ):
            return ErrorType.WIFI_UNAVAILABLE
        return None

    def upload_battery_error(self) -> ErrorType | None:
        if self.battery.charging:
            return None
        capacity = self.battery.capacity
        warning_below = self.knobs.upload_warning_below
        if warning_below is not None and capacity < warning_below:
            return ErrorType.BATTERY_LEVEL_WARNING
        if capacity < self.knobs.upload_low_below:
            return ErrorType.BATTERY_LEVEL_LOW
        return None

    def start_refused_for_battery(self) -> bool:
        return not self.battery.charging and self.battery.capacity < self.knobs.start_refused_below
