"""Network state as cloud sync sees it: Wi-Fi and mobile data, each a switch plus an interface.

A network is available when its switch is on (`wifiManager.enableWifi`, `data.enableCellularData`)
and its interface is up (`ifconfig wlan0|rmnet0 up`). The Wi-Fi-only sync setting is persisted.
"""

from __future__ import annotations

import threading
from typing import Any

from ohos_emulator.state import DeviceState

INTERFACES = {"wlan0": "wifi", "rmnet0": "cellular"}


class NetworkService:
    """Switches, interfaces, and the Wi-Fi-only sync setting."""

    def __init__(self, state: DeviceState) -> None:
        self._state = state
        self._settings: dict[str, Any] = state.section(
            "network", {"wifi_enabled": True, "cellular_enabled": True, "wifi_only_sync": False}
        )
        self._interfaces_up = dict.fromkeys(INTERFACES, True)
        self._lock = threading.Lock()

    def _changed(self) -> None:
        self._state.save()

    @property
    def wifi_available(self) -> bool:
        with self._lock:
            return bool(self._settings["wifi_enabled"]) and self._interfaces_up["wlan0"]

    @property
    def cellular_available(self) -> bool:
        with self._lock:
            return bool(self._settings["cellular_enabled"]) and self._interfaces_up["rmnet0"]

    @property
    def any_available(self) -> bool:
        return self.wifi_available or self.cellular_available

    @property
    def wifi_only_sync(self) -> bool:
        with self._lock:
            return bool(self._settings["wifi_only_sync"])

    def switch(self, which: str) -> bool:
        """The switch of ``wifi`` or ``cellular``."""
        with self._lock:
            return bool(self._settings[f"{which}_enabled"])

    def set_switch(self, which: str, enabled: bool) -> None:
        with self._lock:
            self._settings[f"{which}_enabled"] = enabled
        self._changed()

    def set_wifi_only_sync(self, enabled: bool) -> None:
        with self._lock:
            self._settings["wifi_only_sync"] = enabled
        self._changed()

    def reset(self) -> None:
        """Both radios on and up, Wi-Fi-only sync off."""
        with self._lock:
            self._settings.update(wifi_enabled=True, cellular_enabled=True, wifi_only_sync=False)
            self._interfaces_up = dict.fromkeys(INTERFACES, True)
        self._changed()

    def interface_up(self, name: str) -> bool:
        with self._lock:
            return self._interfaces_up[name]

    def set_interface(self, name: str, up: bool) -> None:
        with self._lock:
            self._interfaces_up[name] = up
        self._changed()
