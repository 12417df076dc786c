"""Device state that survives a restart of the emulator (a reboot of the device).

One JSON file per device. Sections belong to services; a service mutates its section and calls
:meth:`DeviceState.save`, which writes atomically (temporary file, then rename).
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

from ohos_protocol.errors import ConfigError


class DeviceState:
    """A JSON document on disk, split into named sections."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._data: dict[str, dict[str, Any]] = {}
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

    def save(self) -> None:
        with self._lock:
            text = json.dumps(self._data, indent=1, sort_keys=True)
            temporary = self.path.with_suffix(".tmp")
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, self.path)
