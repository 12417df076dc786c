"""Battery service: capacity and charging, with hidumper's mocks (docs/upstream-facts.md §3.1).

The real battery of the emulated board sits on USB power at 80 %. `hidumper -s BatteryService -a`
mocks the capacity (`--capacity N`) and unplugging (`-u`); mocks stick until `-r`. Cloud sync reads
the charge state as the CHARGING / DISCHARGING common events report it (:attr:`charging`).
"""

from __future__ import annotations

import threading
import time
from enum import IntEnum

REAL_CAPACITY = 80


class ChargeState(IntEnum):
    NONE = 0
    ENABLE = 1
    DISABLE = 2
    FULL = 3


class PluggedType(IntEnum):
    NONE = 0
    AC = 1
    USB = 2
    WIRELESS = 3


class BatteryService:
    """Capacity, plug and charge state, and their mocks."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._capacity_mock: int | None = None
        self._unplugged_mock = False

    @property
    def capacity(self) -> int:
        with self._lock:
            return REAL_CAPACITY if self._capacity_mock is None else self._capacity_mock

    @property
    def plugged(self) -> PluggedType:
        with self._lock:
            return PluggedType.NONE if self._unplugged_mock else PluggedType.USB

    @property
    def charging(self) -> bool:
        """The charge state as the CHARGING / DISCHARGING events report it."""
        return self.plugged is not PluggedType.NONE

    def mock_capacity(self, capacity: int) -> None:
        with self._lock:
            self._capacity_mock = capacity

    def mock_unplugged(self) -> None:
        with self._lock:
            self._unplugged_mock = True

    def reset(self) -> None:
        with self._lock:
            self._capacity_mock = None
            self._unplugged_mock = False

    def info_lines(self) -> list[str]:
        """`hidumper -s BatteryService -a -i` lines (`key: value `)."""
        capacity = self.capacity
        plugged = self.plugged
        charge = (
            ChargeState.NONE
            if plugged is PluggedType.NONE
            else (ChargeState.FULL if capacity >= 100 else ChargeState.ENABLE)
        )
        values = {
            "capacity": capacity,
            "batteryLevel": 1 if capacity > 20 else 4,
            "chargingStatus": int(charge),
            "healthState": 1,
            "pluggedType": int(plugged),
            "voltage": 4_123_000,
            "present": 1,
            "technology": "Li-ion",
            "nowCurrent": 0 if plugged is PluggedType.NONE else 500,
            "currentAverage": 0,
            "totalEnergy": 4_000_000,
            "remainingEnergy": 4_000_000 * capacity // 100,
            "remainingChargeTime": 0,
            "temperature": 250,
            "chargeType": 0,
        }
        now = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime())
        return [f"Current time: {now}.000"] + [f"{key}: {value} " for key, value in values.items()]
