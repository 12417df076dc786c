"""Network conditions: Wi-Fi and mobile data switched through the shim's system APIs.

`wifiManager.disableWifi/enableWifi` and `data.disableCellularData/enableCellularData` are what
cloud sync's "no network" follows (docs/upstream-facts.md §3.2; blocking traffic does not count). On a root
image whose shim may not call them, `ifconfig <iface> down|up` is the fallback.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.controls.base import JournaledControl
from harness.errors import DeviceHealthError

WIFI = "@ohos.wifiManager"
CELLULAR = "@ohos.telephony.data"


@dataclass(frozen=True)
class Radio:
    name: str
    module: str
    query: str
    query_style: str
    enable: str
    disable: str
    toggle_style: str
    interface: str


RADIOS = {
    "wifi": Radio("wifi", WIFI, "isWifiActive", "sync", "enableWifi", "disableWifi", "sync", "wlan0"),
    "cellular": Radio(
        "cellular",
        CELLULAR,
        "isCellularDataEnabled",
        "promise",
        "enableCellularData",
        "disableCellularData",
        "promise",
        "rmnet0",
    ),
}


class NetworkControl(JournaledControl):
    """Turn Wi-Fi and mobile data on or off; every change is undone at restore."""

    kind = "network"

    def set(self, *, wifi: bool | None = None, cellular: bool | None = None) -> None:
        for name, wanted in (("wifi", wifi), ("cellular", cellular)):
            if wanted is not None:
                self._switch(RADIOS[name], wanted)

    def offline(self) -> None:
        """Both networks off: cloud sync's NETWORK_UNAVAILABLE condition."""
        self.set(wifi=False, cellular=False)

    def _switch(self, radio: Radio, on: bool) -> None:
        with self._device.trace.action("condition", f"network: {radio.name} {'on' if on else 'off'}"):
            with self._device.shim() as shim:
                current = shim.invoke(radio.module, radio.query, style=radio.query_style)
                if not current.failed and current.value is on:
                    return
                member = radio.enable if on else radio.disable
                undo_member = radio.disable if on else radio.enable
                if not current.failed:
                    self._journal_once(
                        radio.name,
                        {
                            "shim": {
                                "module": radio.module,
                                "member": undo_member,
                                "style": radio.toggle_style,
                            }
                        },
                    )
                    outcome = shim.invoke(radio.module, member, style=radio.toggle_style)
                    if not outcome.failed:
                        return
                    reason = outcome.summary()
                else:
                    reason = current.summary()
            if "root" not in self._device.capabilities:
                raise DeviceHealthError(f"{self._device.id}: cannot switch {radio.name}: {reason}")
            state, undo_state = ("up", "down") if on else ("down", "up")
            self._journal_once(f"{radio.name}-iface", {"command": f"ifconfig {radio.interface} {undo_state}"})
            self._device.shell(f"ifconfig {radio.interface} {state}").check()
