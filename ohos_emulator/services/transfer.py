"""The link between the emulated device and its cloud: chunked transfers, bandwidth, a lab gate.

Every byte that moves between device and cloud (gallery pull and push, Download) goes through
:meth:`CloudLink.transfer`: it moves one chunk at a time at the emulated bandwidth on the device
clock, asks the caller before every chunk whether to go on (network lost, stop requested), and
waits at the **gate** while a lab holds it. The gate is how a test makes "a file is in flight"
deterministic: hold it, start, wait until a transfer is parked, change a condition, release.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from ohos_emulator.clock import DeviceClock

CHUNK_SIZE = 64 * 1024


class TransferGate:
    """A gate transfers wait at between chunks while it is held."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._held = False
        self._parked = 0

    @property
    def held(self) -> bool:
        with self._condition:
            return self._held

    @property
    def parked(self) -> int:
        with self._condition:
            return self._parked

    def hold(self) -> None:
        with self._condition:
            self._held = True

    def release(self) -> None:
        with self._condition:
            self._held = False
            self._condition.notify_all()

    def wait_parked(self, timeout: float) -> bool:
        """True once at least one transfer waits at the held gate."""
        with self._condition:
            return self._condition.wait_for(lambda: self._parked > 0, timeout)

    def pass_through(self, cancel: threading.Event) -> None:
        """Wait while the gate is held (or until ``cancel``)."""
        with self._condition:
            if not self._held:
                return
            self._parked += 1
            self._condition.notify_all()
            try:
                while self._held and not cancel.is_set():
                    self._condition.wait(0.05)
            finally:
                self._parked -= 1


@dataclass(frozen=True)
class TransferEnd:
    """How a transfer ended: ``moved`` bytes, and the reason it stopped early (None = complete)."""

    moved: int
    stopped_by: str | None = None


class CloudLink:
    """Moves bytes between device and cloud at a bandwidth, through the gate."""

    def __init__(self, clock: DeviceClock, bandwidth: int) -> None:
        self.clock = clock
        self.default_bandwidth = bandwidth
        self.bandwidth = bandwidth
        self.gate = TransferGate()
        self.fail_transfers = False

    def reset(self) -> None:
        """Gate open, no injected failure, default bandwidth."""
        self.gate.release()
        self.fail_transfers = False
        self.bandwidth = self.default_bandwidth

    def transfer(
        self,
        size: int,
        deliver: Callable[[int, int], None],
        check: Callable[[], str | None],
        cancel: threading.Event,
    ) -> TransferEnd:
        """Move ``size`` bytes; ``deliver(offset, length)`` after each chunk.

        ``check()`` runs before every chunk and returns a reason to stop, or None. The gate is
        consulted before every chunk but the first, so a parked transfer is always in flight.
        A lab-injected transfer fault ends the transfer with reason ``"transfer-failed"``.
        """
        moved = 0
        while True:
            if moved:
                self.gate.pass_through(cancel)
            if cancel.is_set():
                return TransferEnd(moved, "cancelled")
            reason = check()
            if reason:
                return TransferEnd(moved, reason)
            if self.fail_transfers:
                return TransferEnd(moved, "transfer-failed")
            length = min(CHUNK_SIZE, size - moved)
            if not self.clock.elapse(length / self.bandwidth, cancel):
                return TransferEnd(moved, "cancelled")
            if length:
                deliver(moved, length)
            moved += length
            if moved >= size:
                return TransferEnd(moved)
