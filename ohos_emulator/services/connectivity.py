"""SA 1120 (Wi-Fi) and SA 4007 (cellular data): the switches the shim turns for network conditions.

Turning a switch needs the permissions below and a system app; the services report the JS error
code itself in ``ret`` (201 / 202), as the real ones do. Queries need no permission here.
"""

from __future__ import annotations

from typing import Any

from ohos_emulator.services.binder import Caller, EventSink, IpcReply
from ohos_emulator.services.network import NetworkService

WIFI_PERMISSIONS = ("ohos.permission.SET_WIFI_INFO", "ohos.permission.MANAGE_WIFI_CONNECTION")
CELLULAR_PERMISSIONS = ("ohos.permission.SET_TELEPHONY_STATE",)


class SwitchService:
    """A system ability that turns one network switch on and off."""

    def __init__(
        self,
        sa_id: int,
        name: str,
        which: str,
        codes: dict[str, bool | None],
        state_key: str,
        permissions: tuple[str, ...],
        network: NetworkService,
    ) -> None:
        self.sa_id = sa_id
        self.name = name
        self._which = which
        self._codes = codes
        self._state_key = state_key
        self._permissions = permissions
        self._network = network

    def handle(self, caller: Caller, sink: EventSink, code: str, data: dict[str, Any]) -> IpcReply:
        if code not in self._codes:
            return IpcReply(ret=401)
        turn_on = self._codes[code]
        if turn_on is None:
            return IpcReply(reply={self._state_key: self._network.switch(self._which)})
        if not all(caller.has_permission(p) for p in self._permissions):
            return IpcReply(ret=201)
        if not caller.system_app:
            return IpcReply(ret=202)
        self._network.set_switch(self._which, turn_on)
        return IpcReply()

    def process_died(self, pid: int) -> None:
        """Nothing is kept per process."""


def wifi_service(network: NetworkService) -> SwitchService:
    codes = {"EnableWifi": True, "DisableWifi": False, "IsWifiActive": None}
    return SwitchService(1120, "WifiDevice", "wifi", codes, "active", WIFI_PERMISSIONS, network)


def cellular_service(network: NetworkService) -> SwitchService:
    codes = {"EnableCellularData": True, "DisableCellularData": False, "IsCellularDataEnabled": None}
    return SwitchService(4007, "CellularData", "cellular", codes, "enabled", CELLULAR_PERMISSIONS, network)
