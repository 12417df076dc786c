"""Battery conditions through hidumper's BatteryService mocks (docs/upstream-facts.md §3.1).

Unplugged (`-a -u`) is what cloud sync calls "not charging"; `--capacity N` alone keeps charging.
The undo (`-a -r`, clearing every mock) is journaled before the first mock. A real device shuts
down when mocked to 1 % or less while unplugged, so that is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from harness.controls.base import JournaledControl
from harness.errors import DeviceHealthError

HIDUMPER = "hidumper -s BatteryService -a"
KIND = "battery"
USER_BUILD_REFUSAL = "User version is not support"


@dataclass(frozen=True)
class BatteryReading:
    capacity: int
    charging_status: int
    plugged_type: int

    @property
    def charging(self) -> bool:
        """Plugged in: what cloud sync treats as charging."""
        return self.plugged_type != 0


class BatteryControl(JournaledControl):
    """Set and restore the battery's capacity and charging state."""

    kind = KIND

    def read(self) -> BatteryReading:
        output = self._device.shell(f"{HIDUMPER} -i").check().output
        values = dict(re.findall(r"^(\w+): (-?\d+)\s*$", output, re.MULTILINE))
        try:
            return BatteryReading(
                int(values["capacity"]), int(values["chargingStatus"]), int(values["pluggedType"])
            )
        except KeyError as exc:
            raise DeviceHealthError(
                f"{self._device.id}: unreadable battery info (no {exc}): {output[:300]}"
            ) from None

    def set(self, capacity: int | None = None, *, charging: bool | None = None) -> BatteryReading:
        """Mock the battery; ``charging=False`` unplugs. Returns the reading after the change."""
        if charging:
            raise ValueError("hidumper can only unplug; restore() plugs the battery back in")
        if capacity is not None:
            if not 0 <= capacity <= 100:
                raise ValueError(f"capacity {capacity} is outside 0..100")
            if capacity <= 1 and (charging is False or not self.read().charging):
                raise ValueError(f"capacity {capacity} % while unplugged would shut a real device down")
        with self._device.trace.action("condition", f"battery: capacity={capacity} charging={charging}"):
            self._journal_once("mocks", {"command": f"{HIDUMPER} -r", "expect": "reset battery state"})
            if charging is False:
                self._mock("-u", "unplugged battery charging state")
            if capacity is not None:
                self._mock(f'"--capacity {capacity}"', f"battery capacity {capacity}")
            reading = self.read()
        wrong_capacity = capacity is not None and reading.capacity != capacity
        still_plugged = charging is False and reading.charging
        if wrong_capacity or still_plugged:
            raise DeviceHealthError(f"{self._device.id}: battery mock did not take effect: {reading}")
        return reading

    def _mock(self, option: str, expected: str) -> None:
        result = self._device.shell(f"{HIDUMPER} {option}")
        if USER_BUILD_REFUSAL in result.output:
            raise DeviceHealthError(f"{self._device.id}: battery mocking is disabled on this (user) build")
        if expected not in result.output:
            raise DeviceHealthError(
                f"{self._device.id}: `{HIDUMPER} {option}` answered {result.output.strip()!r}"
            )
