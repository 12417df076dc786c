"""The emulated device's clock.

Wall time is the host's plus an offset that `date SET` moves (so `date` agrees with the host until
someone sets the device's clock, as xdevice does before a run), but simulated work (a file
transfer of N bytes at the emulated bandwidth) takes ``device_seconds * time_scale`` real seconds, so
a sync of a few photos finishes well under a second while its events keep their order.
"""

from __future__ import annotations

import threading
import time


class DeviceClock:
    """Wall time plus scaled waiting for simulated work."""

    def __init__(self, time_scale: float = 1.0) -> None:
        if time_scale <= 0:
            raise ValueError(f"time scale must be positive, got {time_scale}")
        self.time_scale = time_scale
        self._offset = 0.0

    def now(self) -> float:
        """The device's wall time (seconds since the epoch)."""
        return time.time() + self._offset

    def set_now(self, epoch: float) -> None:
        """Set the device's wall time, as `date SET` does; the host's clock is untouched."""
        self._offset = epoch - time.time()

    def elapse(self, device_seconds: float, cancel: threading.Event | None = None) -> bool:
        """Let ``device_seconds`` of simulated work pass; False if ``cancel`` was set meanwhile."""
        real = max(0.0, device_seconds * self.time_scale)
        if cancel is None:
            time.sleep(real)
            return True
        return not cancel.wait(real)
