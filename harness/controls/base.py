"""What every condition control shares: journal an undo step before the first change it undoes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from harness.controls.journal import JournalEntry

if TYPE_CHECKING:
    from harness.device.device import Device


class JournaledControl:
    """A control whose changes are undone by journaled steps, at most one per ``key``."""

    kind = "condition"

    def __init__(self, device: Device) -> None:
        self._device = device
        self._entries: dict[str, JournalEntry] = {}

    def _journal_once(self, key: str, undo: dict[str, Any]) -> None:
        """Record ``undo`` before the first change under ``key`` (later changes share it)."""
        if key not in self._entries:
            self._entries[key] = self._device.journal.add(self.kind, undo)

    def restore(self) -> None:
        """Run this control's undo steps, newest first."""
        while self._entries:
            key = next(reversed(self._entries))
            self._device.undo(self._entries[key])
            del self._entries[key]

    def forget(self) -> None:
        """The steps were undone elsewhere (:meth:`Device.restore` ran the whole journal)."""
        self._entries.clear()
