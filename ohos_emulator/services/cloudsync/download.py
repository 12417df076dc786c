"""Download of cloud originals (`cloudSync.Download`): one transfer per uri, with progress.

`start(uri)` checks the uri and the local space, then transfers in the background: `RUNNING` after
every chunk with `processed` growing to `size`, then `COMPLETED` with `processed == size`. The bytes
go to a cache file next to the target and are moved into place at the end. `stop(uri)` ends the
transfer, deletes the cache file and (per profile) reports `STOPPED`; a new `start(uri)` begins at 0.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ohos_emulator.fs import DeviceFilesystem, DeviceFsError
from ohos_emulator.hilog import Hilog
from ohos_emulator.services.binder import Errno
from ohos_emulator.services.cloud import CloudAccount, CloudItem
from ohos_emulator.services.cloudsync.conditions import Conditions, DownloadState
from ohos_emulator.services.media import PHOTO_DIR
from ohos_emulator.services.transfer import CloudLink

TAG = "CLOUDSYNC_SA"
Notify = Callable[[dict[str, Any]], None]


def cache_path(item: CloudItem) -> str:
    """Where the partial download of ``item`` is kept until it completes."""
    return f"{PHOTO_DIR}/{item.name}.download"


def target_path(item: CloudItem) -> str:
    return f"{PHOTO_DIR}/{item.name}"


@dataclass
class _Task:
    item: CloudItem
    cancel: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None


class DownloadEngine:
    """Transfers behind StartDownloadFile / StopDownloadFile."""

    def __init__(
        self,
        conditions: Conditions,
        cloud: CloudAccount,
        fs: DeviceFilesystem,
        link: CloudLink,
        hilog: Hilog,
        notify: Notify,
    ) -> None:
        self._conditions = conditions
        self._cloud = cloud
        self._fs = fs
        self._link = link
        self._hilog = hilog
        self._notify = notify
        self._tasks: dict[str, _Task] = {}
        self._lock = threading.Lock()

    def start(self, uri: str) -> Errno:
        item = self._cloud.find_uri(uri)
        if item is None:
            self._hilog.write(TAG, f"download: no cloud file for {uri}", level="E")
            return Errno.E_URI_NOT_EXIST if self._conditions.knobs.download_unknown_uri_fails else Errno.E_OK
        if self._fs.usage().available < item.size:
            return Errno.E_NO_SPACE
        with self._lock:
            if uri in self._tasks:
                return Errno.E_OK
            task = _Task(item)
            task.thread = threading.Thread(target=self._run, args=(uri, task), name="download", daemon=True)
            self._tasks[uri] = task
            task.thread.start()
        return Errno.E_OK

    def stop(self, uri: str) -> Errno:
        with self._lock:
            task = self._tasks.get(uri)
        if task is not None:
            task.cancel.set()
        return Errno.E_OK

    @property
    def active(self) -> bool:
        with self._lock:
            return bool(self._tasks)

    def shutdown(self, timeout: float = 5.0) -> None:
        with self._lock:
            tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel.set()
        for task in tasks:
            if task.thread is not None:
                task.thread.join(timeout)

    def _progress(self, uri: str, item: CloudItem, state: DownloadState, processed: int) -> None:
        self._notify({"state": int(state), "processed": processed, "size": item.size, "uri": uri})

    def _run(self, uri: str, task: _Task) -> None:
        item = task.item
        partial = cache_path(item)
        processed = 0

        def deliver(offset: int, length: int) -> None:
            nonlocal processed
            writer.write(self._cloud.read(item, offset, length))
            processed = offset + length
            self._progress(uri, item, DownloadState.RUNNING, processed)

        def check() -> str | None:
            return None if self._conditions.network.any_available else "network"

        try:
            with self._fs.open_writer(partial) as writer:
                end = self._link.transfer(item.size, deliver, check, task.cancel)
            stopped_by = end.stopped_by
        except DeviceFsError:
            stopped_by = "no-space"
        if stopped_by is None:
            self._fs.rename(partial, target_path(item))
        else:
            self._fs.remove(partial)
        with self._lock:
            # Forget the task before reporting its end, so a start() right after the event is new.
            self._tasks.pop(uri, None)
        self._hilog.write(TAG, f"download of {uri} ended: {stopped_by or 'completed'}")
        if stopped_by is None:
            self._progress(uri, item, DownloadState.COMPLETED, item.size)
        elif stopped_by != "cancelled":
            self._progress(uri, item, DownloadState.FAILED, processed)
        elif self._conditions.knobs.download_stop_delivers_stopped:
            self._progress(uri, item, DownloadState.STOPPED, processed)
