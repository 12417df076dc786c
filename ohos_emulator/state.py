"""Device state that survives a restart of the emulator (a reboot of the device).

One JSON file per device. Sections belong to services; a service mutates its section and calls
:meth:`DeviceState.save`, which writes atomically (temporary file, then rename).
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ohos_protocol.errors import ConfigError


class DeviceState:
    """A JSON document on disk, split into named sections."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._data: dict[str, dict[str, Any]] = {}
        self._deferring = 0
        self._unsaved = False
        if path.exists():
            try:
                self._data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise ConfigError(
                    f"{path}: device state is unreadable ({exc}); remove it to start afresh"
                ) from exc

    @property
    def lock(self) -> threading.RLock:
        return self._lock

    def section(self, name: str, defaults: dict[str, Any]) -> dict[str, Any]:
        """The live dict of a section, created from ``defaults`` (missing keys filled in)."""
        with self._lock:
            section = self._data.setdefault(name, {})
            for key, value in defaults.items():
                section.setdefault(key, json.loads(json.dumps(value)))
            return section

    @contextlib.contextmanager
    def one_save(self) -> Iterator[None]:
        """Changes made inside are written once, at the end (one reset of several services)."""
        with self._lock:
            self._deferring += 1
            try:
                yield
            finally:
                self._deferring -= 1
                if not self._deferring and self._unsaved:
                    self.save()

    def save(self) -> None:
        with self._lock:
            if self._deferring:
                self._unsaved = True
                return
            self._unsaved = False
            text = json.dumps(self._data, indent=1, sort_keys=True)
            temporary = self.path.with_suffix(".tmp")
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, self.path)
