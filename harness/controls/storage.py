"""Local storage conditions: fill /data with a file under /data/local/tmp, free it again (facts §3.3)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from harness.controls.journal import JournalEntry
from harness.errors import DeviceHealthError

if TYPE_CHECKING:
    from harness.device.device import Device

FILL_PATH = "/data/local/tmp/ohos-hil-fill.bin"
KIND = "storage"
_DF_DATA = re.compile(r"^\S+\s+(\d+)\s+(\d+)\s+(\d+)\s+\d+%\s+/data\s*$", re.MULTILINE)


@dataclass(frozen=True)
class DataPartition:
    total: int
    used: int
    available: int


class StorageControl:
    """Read `/data` with `df`, fill it to a given free space, and remove the fill file."""

    def __init__(self, device: Device) -> None:
        self._device = device
        self._entry: JournalEntry | None = None

    def data_partition(self) -> DataPartition:
        output = self._device.shell("df /data").check().output
        match = _DF_DATA.search(output)
        if match is None:
            raise DeviceHealthError(f"{self._device.id}: cannot read /data from `df /data`: {output[:300]!r}")
        total, used, available = (int(value) * 1024 for value in match.groups())
        return DataPartition(total, used, available)

    def fill(self, leave_free: int) -> DataPartition:
        """Grow the fill file until about ``leave_free`` bytes (rounded down to KiB) stay free."""
        with self._device.trace.action("condition", f"storage: fill /data, leave {leave_free} bytes free"):
            if self._entry is None:
                self._entry = self._device.journal.add(KIND, {"command": f"rm -f {FILL_PATH}"})
            self._device.shell(f"rm -f {FILL_PATH}").check()
            blocks = max(0, self.data_partition().available - leave_free) // 1024
            if blocks:
                self._device.shell(
                    f"dd if=/dev/zero of={FILL_PATH} bs=1024 count={blocks}", timeout=120
                ).check()
            partition = self.data_partition()
        if partition.available > leave_free + 1024:
            raise DeviceHealthError(f"{self._device.id}: /data still has {partition.available} bytes free")
        return partition

    def restore(self) -> None:
        """Delete the fill file if this control made one."""
        if self._entry is None:
            return
        with self._device.trace.action("restore", "storage: remove the fill file"):
            self._device.shell(f"rm -f {FILL_PATH}").check()
        self._device.journal.resolve(self._entry)
        self._entry = None
