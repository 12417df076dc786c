"""The emulated cloud account of a device: login, the gallery's cloud switch, quota and contents.

Contents are real files under the device's state directory (`cloud/`), so a restart keeps them.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ohos_emulator.state import DeviceState


@dataclass(frozen=True)
class CloudItem:
    media_id: int
    name: str
    size: int

    @property
    def uri(self) -> str:
        return media_uri(self.media_id, self.name)


DEFAULTS: dict[str, Any] = {"logged_in": True, "gallery_switch": True, "quota": 64 * 1024**2, "items": {}}


def media_uri(media_id: int, name: str) -> str:
    """The media library uri of an asset (API 10 form)."""
    return f"file://media/Photo/{media_id}/{name}"


class CloudAccount:
    """Login state, switch, quota and the stored files of one cloud account."""

    def __init__(self, state: DeviceState, storage: Path) -> None:
        self._state = state
        self._storage = storage
        storage.mkdir(parents=True, exist_ok=True)
        self._settings: dict[str, Any] = state.section("cloud", DEFAULTS)
        self._lock = threading.Lock()

    @property
    def ready(self) -> bool:
        """Logged in and the gallery's cloud switch on (else start() gets 22400001)."""
        with self._lock:
            return bool(self._settings["logged_in"]) and bool(self._settings["gallery_switch"])

    def set_flag(self, name: str, value: bool) -> None:
        with self._lock:
            self._settings[name] = value
        self._state.save()

    @property
    def quota(self) -> int:
        with self._lock:
            return int(self._settings["quota"])

    def set_quota(self, quota: int) -> None:
        with self._lock:
            self._settings["quota"] = quota
        self._state.save()

    def items(self) -> list[CloudItem]:
        with self._lock:
            return [
                CloudItem(v["id"], name, v["size"]) for name, v in sorted(self._settings["items"].items())
            ]

    def used(self) -> int:
        return sum(item.size for item in self.items())

    def fits(self, size: int) -> bool:
        return self.used() + size <= self.quota

    def find_uri(self, uri: str) -> CloudItem | None:
        return next((item for item in self.items() if item.uri == uri), None)

    def content_path(self, name: str) -> Path:
        return self._storage / name

    def store(self, media_id: int, name: str, data: bytes) -> CloudItem:
        """Put a file into the cloud (an upload's end, or a lab adding cloud contents)."""
        if "/" in name or name in ("", ".", ".."):
            raise ValueError(f"bad cloud file name {name!r}")
        self.content_path(name).write_bytes(data)
        with self._lock:
            self._settings["items"][name] = {"id": media_id, "size": len(data)}
        self._state.save()
        return CloudItem(media_id, name, len(data))

    def remove(self, name: str) -> bool:
        with self._lock:
            existed = self._settings["items"].pop(name, None) is not None
        self.content_path(name).unlink(missing_ok=True)
        self._state.save()
        return existed

    def reset(self) -> None:
        """Signed in, switch on, default quota, no files."""
        for item in self.items():
            self.content_path(item.name).unlink(missing_ok=True)
        with self._lock:
            self._settings.clear()
            self._settings.update(json.loads(json.dumps(DEFAULTS)))
        self._state.save()

    def read(self, item: CloudItem, offset: int, length: int) -> bytes:
        with self.content_path(item.name).open("rb") as handle:
            handle.seek(offset)
            return handle.read(length)
