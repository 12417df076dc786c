"""The device's media library: local photos (to upload) and pulled cloud records (thumbnails)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from ohos_emulator.fs import DeviceFilesystem
from ohos_emulator.services.cloud import CloudItem, media_uri
from ohos_emulator.state import DeviceState

PHOTO_DIR = "/storage/media/100/local/files/Photo"
THUMB_DIR = "/storage/media/100/local/files/.thumbs"
THUMB_MAX = 256 * 1024


def thumbnail_size(size: int) -> int:
    """Bytes a pulled cloud record takes locally (its thumbnail)."""
    return min(size, THUMB_MAX)


@dataclass(frozen=True)
class LocalPhoto:
    media_id: int
    name: str
    size: int
    uploaded: bool

    @property
    def uri(self) -> str:
        return media_uri(self.media_id, self.name)

    @property
    def path(self) -> str:
        return f"{PHOTO_DIR}/{self.name}"


class MediaLibrary:
    """Media ids, local photos and which cloud records have been pulled."""

    def __init__(self, state: DeviceState, fs: DeviceFilesystem) -> None:
        self._state = state
        self._fs = fs
        self._data: dict[str, Any] = state.section("media", {"next_id": 1, "local": {}, "pulled": []})
        self._lock = threading.Lock()
        fs.mkdir(THUMB_DIR, parents=True)

    def allocate_id(self) -> int:
        with self._lock:
            media_id = int(self._data["next_id"])
            self._data["next_id"] = media_id + 1
        self._state.save()
        return media_id

    def add_local(self, name: str, data: bytes) -> LocalPhoto:
        """A photo taken on the device: stored under the photo directory, not yet uploaded."""
        if "/" in name or not name:
            raise ValueError(f"bad photo name {name!r}")
        media_id = self.allocate_id()
        self._fs.write_bytes(f"{PHOTO_DIR}/{name}", data)
        with self._lock:
            self._data["local"][name] = {"id": media_id, "size": len(data), "uploaded": False}
        self._state.save()
        return LocalPhoto(media_id, name, len(data), False)

    def local_photos(self) -> list[LocalPhoto]:
        with self._lock:
            return [
                LocalPhoto(v["id"], name, v["size"], v["uploaded"])
                for name, v in sorted(self._data["local"].items(), key=lambda kv: kv[1]["id"])
            ]

    def pending_uploads(self) -> list[LocalPhoto]:
        return [photo for photo in self.local_photos() if not photo.uploaded]

    def mark_uploaded(self, photo: LocalPhoto) -> None:
        with self._lock:
            self._data["local"][photo.name]["uploaded"] = True
        self._state.save()

    def pending_pulls(self, cloud_items: list[CloudItem]) -> list[CloudItem]:
        """Cloud records this device has neither pulled nor uploaded itself."""
        with self._lock:
            known = set(self._data["pulled"]) | {v["id"] for v in self._data["local"].values()}
        return [item for item in cloud_items if item.media_id not in known]

    def mark_pulled(self, item: CloudItem) -> None:
        with self._lock:
            self._data["pulled"].append(item.media_id)
        self._state.save()

    def reset(self) -> None:
        """No local photos, nothing pulled, no downloaded originals (media ids keep counting)."""
        for directory in (PHOTO_DIR, THUMB_DIR):
            for name in self._fs.listdir(directory):
                self._fs.remove(f"{directory}/{name}", recursive=True)
        with self._lock:
            self._data["local"].clear()
            self._data["pulled"].clear()
        self._state.save()

    @staticmethod
    def thumbnail_path(item: CloudItem) -> str:
        return f"{THUMB_DIR}/{item.name}"
