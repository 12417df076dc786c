"""GallerySync's run: pull cloud records, push new local photos, report progress.

One run at a time: `DOWNLOADING` → (pull each new cloud record's thumbnail) → `UPLOADING` → (push each
new local photo) → `COMPLETED`, all `NO_ERROR`. Files move one at a time and conditions are checked
before each file and during each transfer (docs/cloudsync-behaviour.md). A failure ends the run with
one `*_FAILED` state and no `COMPLETED`; `stop()` ends it after the file in flight with `STOPPED`; a
`start()` during a run queues one more run, and the first run's `COMPLETED` is not reported.
"""

from __future__ import annotations

import errno
import threading
from collections.abc import Callable

from ohos_emulator.fs import DeviceFilesystem, DeviceFsError
from ohos_emulator.hilog import Hilog
from ohos_emulator.services.cloud import CloudAccount, CloudItem
from ohos_emulator.services.cloudsync.conditions import Conditions, ErrorType, SyncState
from ohos_emulator.services.media import LocalPhoto, MediaLibrary, thumbnail_size
from ohos_emulator.services.transfer import CloudLink

TAG = "CLOUDSYNC_SA"
Notify = Callable[[SyncState, ErrorType], None]


class RunEnded(Exception):
    """Ends a run early with the state and error to report."""

    def __init__(self, state: SyncState, error: ErrorType = ErrorType.NO_ERROR) -> None:
        super().__init__(f"{state.name}/{error.name}")
        self.state = state
        self.error = error


class GallerySyncEngine:
    """The state machine behind StartSyncInner / StopSyncInner."""

    def __init__(
        self,
        conditions: Conditions,
        cloud: CloudAccount,
        media: MediaLibrary,
        fs: DeviceFilesystem,
        link: CloudLink,
        hilog: Hilog,
        notify: Notify,
    ) -> None:
        self._conditions = conditions
        self._cloud = cloud
        self._media = media
        self._fs = fs
        self._link = link
        self._hilog = hilog
        self._notify = notify
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop_requested = threading.Event()
        self._restart_pending = False
        self._shutdown = threading.Event()

    @property
    def running(self) -> bool:
        with self._lock:
            return self._thread is not None

    def start(self) -> None:
        """Start a run in the background, or queue one more if a run is going."""
        with self._lock:
            if self._thread is not None:
                self._restart_pending = True
                self._hilog.write(TAG, "sync already running, restart pending")
                return
            self._stop_requested.clear()
            self._thread = threading.Thread(target=self._runs, name="gallery-sync", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop after the file in flight; report STOPPED (at once when nothing runs)."""
        with self._lock:
            self._restart_pending = False
            if self._thread is not None:
                self._stop_requested.set()
                return
            # The caller's reply and this event travel on different channels; the app still sees
            # its promise settle first because events are read on a later turn of its event loop.
            self._notify(SyncState.STOPPED, ErrorType.NO_ERROR)

    def shutdown(self, timeout: float = 5.0) -> None:
        """End any run at once (the service is going away)."""
        self._shutdown.set()
        self._stop_requested.set()
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _runs(self) -> None:
        try:
            while True:
                state, error = self._one_run()
                with self._lock:
                    restart = self._restart_pending and state is not SyncState.STOPPED
                    self._restart_pending = False
                    if not restart or self._shutdown.is_set():
                        # Reported under the lock: a start() now waits until this run's end is out.
                        if not self._shutdown.is_set():
                            self._notify(state, error)
                        self._thread = None
                        return
                if state is not SyncState.COMPLETED:
                    self._notify(state, error)
                self._hilog.write(TAG, "run finished, starting the pending run")
        finally:
            with self._lock:
                self._thread = None

    def _one_run(self) -> tuple[SyncState, ErrorType]:
        try:
            self._notify(SyncState.DOWNLOADING, ErrorType.NO_ERROR)
            for item in self._media.pending_pulls(self._cloud.items()):
                self._pull(item)
            self._notify(SyncState.UPLOADING, ErrorType.NO_ERROR)
            for photo in self._media.pending_uploads():
                self._push(photo)
            if self._stop_requested.is_set():
                return SyncState.STOPPED, ErrorType.NO_ERROR
            return SyncState.COMPLETED, ErrorType.NO_ERROR
        except RunEnded as ended:
            self._hilog.write(TAG, f"sync run ended: {ended}", level="W" if ended.error else "I")
            return ended.state, ended.error

    def _before_file(self, failed: SyncState, *, upload: bool) -> None:
        if self._stop_requested.is_set():
            raise RunEnded(SyncState.STOPPED)
        error = self._conditions.network_error()
        if error is None and upload:
            error = self._conditions.upload_battery_error()
        if error is not None:
            raise RunEnded(failed, error)

    def _check_during_transfer(self) -> str | None:
        error = self._conditions.network_error()
        return error.name if error is not None else None

    def _end_of_transfer(self, failed: SyncState, stopped_by: str | None) -> None:
        if stopped_by is None:
            return
        if stopped_by == "cancelled":
            raise RunEnded(SyncState.STOPPED)
        if stopped_by in ErrorType.__members__:
            raise RunEnded(failed, ErrorType[stopped_by])
        raise RunEnded(failed, ErrorType.NETWORK_UNAVAILABLE)

    def _pull(self, item: CloudItem) -> None:
        self._before_file(SyncState.DOWNLOAD_FAILED, upload=False)
        size = thumbnail_size(item.size)
        if self._fs.usage().available < size:
            if not self._conditions.knobs.local_storage_full_delivered:
                self._hilog.write(TAG, f"no local space for {item.name}, skipped", level="W")
                return
            raise RunEnded(SyncState.DOWNLOAD_FAILED, ErrorType.LOCAL_STORAGE_FULL)
        path = self._media.thumbnail_path(item)
        try:
            with self._fs.open_writer(path) as writer:
                end = self._link.transfer(
                    size,
                    lambda offset, length: writer.write(self._cloud.read(item, offset, length)),
                    self._check_during_transfer,
                    self._shutdown,
                )
        except DeviceFsError as exc:
            self._fs.remove(path)
            if exc.errno == errno.ENOSPC and self._conditions.knobs.local_storage_full_delivered:
                raise RunEnded(SyncState.DOWNLOAD_FAILED, ErrorType.LOCAL_STORAGE_FULL) from exc
            raise RunEnded(SyncState.DOWNLOAD_FAILED, ErrorType.NETWORK_UNAVAILABLE) from exc
        if end.stopped_by is not None:
            self._fs.remove(path)
        self._end_of_transfer(SyncState.DOWNLOAD_FAILED, end.stopped_by)
        self._media.mark_pulled(item)
        self._hilog.write(TAG, f"pulled {item.name} ({size} bytes)")

    def _push(self, photo: LocalPhoto) -> None:
        self._before_file(SyncState.UPLOAD_FAILED, upload=True)
        if not self._cloud.fits(photo.size):
            raise RunEnded(SyncState.UPLOAD_FAILED, ErrorType.CLOUD_STORAGE_FULL)
        chunks: list[bytes] = []
        data = self._fs.read_bytes(photo.path)
        end = self._link.transfer(
            len(data),
            lambda offset, length: chunks.append(data[offset : offset + length]),
            self._check_during_transfer,
            self._shutdown,
        )
        self._end_of_transfer(SyncState.UPLOAD_FAILED, end.stopped_by)
        self._cloud.store(photo.media_id, photo.name, b"".join(chunks))
        self._media.mark_uploaded(photo)
        self._hilog.write(TAG, f"uploaded {photo.name} ({photo.size} bytes)")
