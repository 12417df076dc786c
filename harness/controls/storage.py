"""Local storage: fill /data with a file in /data/local/tmp, free it (docs/upstream-facts.md §3.3)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from harness.controls.base import JournaledControl
from harness.errors import DeviceHealthError

FILL_PATH = "/data/local/tmp/ohos-hil-fill.bin"
HOLD_PATH = "/data/local/tmp/ohos-hil-hold.bin"
"""Space set aside while /data is filled to the last byte, then freed: what stays free exactly."""
KIND = "storage"
_DF_DATA = re.compile(r"^\S+\s+(\d+)\s+(\d+)\s+(\d+)\s+\d+%\s+/data\s*$", re.MULTILINE)


@dataclass(frozen=True)
class DataPartition:
    total: int
    used: int
    available: int


class StorageControl(JournaledControl):
    """Read `/data` with `df`, fill it to a given free space, and remove the fill file."""

    kind = KIND

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
            self._journal_once("fill", {"command": f"rm -f {FILL_PATH}"})
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

    def leave_exactly(self, free: int) -> DataPartition:
        """Leave exactly ``free`` bytes free (on a block filesystem, a multiple of its block size):
        set ``free`` bytes aside in a file, fill the rest of /data to ENOSPC, delete the file."""
        with self._device.trace.action("condition", f"storage: fill /data, leave exactly {free} bytes free"):
            self._journal_once("fill", {"command": f"rm -f {FILL_PATH} {HOLD_PATH}"})
            self._device.shell(f"rm -f {FILL_PATH} {HOLD_PATH}").check()
            if free:
                self._device.shell(f"dd if=/dev/zero of={HOLD_PATH} bs={free} count=1", timeout=120).check()
            blocks = self.data_partition().available // 1024 + 1
            filled = self._device.shell(f"dd if=/dev/zero of={FILL_PATH} bs=1024 count={blocks}", timeout=120)
            if filled.ok or "No space left" not in filled.output + filled.stderr:
                raise DeviceHealthError(f"{self._device.id}: filling /data did not end at ENOSPC: {filled}")
            self._device.shell(f"rm -f {HOLD_PATH}").check()
            partition = self.data_partition()
        if partition.available != free // 1024 * 1024:
            raise DeviceHealthError(
                f"{self._device.id}: /data has {partition.available} bytes free, not {free}"
            )
        return partition
