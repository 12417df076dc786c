"""SA 5204, the cloud sync service: caller checks, start/stop pre-checks, callback registry.

The service acts on the gallery (`com.ohos.photos`) whoever calls it. It keeps one progress callback
per calling bundle (the last registration wins) and notifies every registered bundle of every change.
"""

from __future__ import annotations

import threading
from typing import Any

from ohos_emulator.fs import DeviceFilesystem
from ohos_emulator.hilog import Hilog
from ohos_emulator.services.binder import Caller, Errno, EventSink, IpcReply
from ohos_emulator.services.cloud import CloudAccount
from ohos_emulator.services.cloudsync.conditions import Conditions, ErrorType, SyncState
from ohos_emulator.services.cloudsync.download import DownloadEngine
from ohos_emulator.services.cloudsync.gallery import GallerySyncEngine
from ohos_emulator.services.media import MediaLibrary
from ohos_emulator.services.transfer import CloudLink

CLOUDFILE_SYNC = "ohos.permission.CLOUDFILE_SYNC"
SA_ID = 5204
TAG = "CLOUDSYNC_SA"


class CallbackRegistry:
    """One sink per bundle; pushes an event to all of them, forgetting the ones whose process is gone."""

    def __init__(self, event: str) -> None:
        self._event = event
        self._sinks: dict[str, EventSink] = {}
        self._lock = threading.Lock()

    def register(self, bundle: str, sink: EventSink) -> None:
        with self._lock:
            self._sinks[bundle] = sink

    def unregister(self, bundle: str) -> None:
        with self._lock:
            self._sinks.pop(bundle, None)

    def drop_process(self, pid: int) -> None:
        with self._lock:
            for bundle in [b for b, sink in self._sinks.items() if sink.pid == pid]:
                del self._sinks[bundle]

    def clear(self) -> list[EventSink]:
        with self._lock:
            sinks = list(self._sinks.values())
            self._sinks.clear()
        return sinks

    def broadcast(self, data: dict[str, Any]) -> None:
        with self._lock:
            sinks = list(self._sinks.items())
        for bundle, sink in sinks:
            if not sink.push(SA_ID, self._event, data):
                self.unregister(bundle)


class CloudSyncService:
    """The system ability that GallerySync and Download talk to."""

    sa_id = SA_ID
    name = "CloudSyncService"

    def __init__(
        self,
        conditions: Conditions,
        cloud: CloudAccount,
        media: MediaLibrary,
        fs: DeviceFilesystem,
        link: CloudLink,
        hilog: Hilog,
    ) -> None:
        self._conditions = conditions
        self._cloud = cloud
        self._hilog = hilog
        self._sync_callbacks = CallbackRegistry("OnSyncStateChanged")
        self._download_callbacks = CallbackRegistry("OnDownloadProcess")
        self._last_state = (SyncState.COMPLETED, ErrorType.NO_ERROR)
        self._state_lock = threading.Lock()
        self.gallery = GallerySyncEngine(conditions, cloud, media, fs, link, hilog, self._sync_state)
        self.download = DownloadEngine(conditions, cloud, fs, link, hilog, self._download_callbacks.broadcast)
        self._handlers = {
            "RegisterCallbackInner": self._register_sync,
            "UnRegisterCallbackInner": self._unregister_sync,
            "StartSyncInner": self._start_sync,
            "StopSyncInner": self._stop_sync,
            "RegisterDownloadFileCallback": self._register_download,
            "UnregisterDownloadFileCallback": self._unregister_download,
            "StartDownloadFile": self._start_download,
            "StopDownloadFile": self._stop_download,
        }

    # -- IPC entry -----------------------------------------------------------------------------------
    def handle(self, caller: Caller, sink: EventSink, code: str, data: dict[str, Any]) -> IpcReply:
        handler = self._handlers.get(code)
        if handler is None:
            return IpcReply(ret=Errno.E_INVAL_ARG)
        refused = self._check_caller(caller)
        if refused:
            self._hilog.write(TAG, f"{code} refused for {caller.bundle}: {refused.name}", level="E")
            if self._conditions.knobs.caller_errors_as_ipc_status:
                return IpcReply(ipc=int(refused))
            return IpcReply(ret=int(refused))
        return IpcReply(ret=int(handler(caller, sink, data)))

    def process_died(self, pid: int) -> None:
        self._sync_callbacks.drop_process(pid)
        self._download_callbacks.drop_process(pid)

    def shutdown(self) -> None:
        """The service stops: runs end; registered clients see COMPLETED/NO_ERROR and are dropped."""
        self.gallery.shutdown()
        self.download.shutdown()
        payload = {"state": int(SyncState.COMPLETED), "error": int(ErrorType.NO_ERROR)}
        for sink in self._sync_callbacks.clear():
            sink.push(SA_ID, "OnSyncStateChanged", payload)
        self._download_callbacks.clear()

    @staticmethod
    def _check_caller(caller: Caller) -> Errno:
        if not caller.has_permission(CLOUDFILE_SYNC):
            return Errno.E_PERMISSION_DENIED
        if not caller.system_app:
            return Errno.E_PERMISSION_SYSTEM
        return Errno.E_OK

    # -- GallerySync ------------------------------------------------------------------------------
    def _sync_state(self, state: SyncState, error: ErrorType) -> None:
        with self._state_lock:
            self._last_state = (state, error)
        self._hilog.write(TAG, f"sync state {state.name} error {error.name}")
        self._sync_callbacks.broadcast({"state": int(state), "error": int(error)})

    def _register_sync(self, caller: Caller, sink: EventSink, data: dict[str, Any]) -> Errno:
        self._sync_callbacks.register(caller.bundle, sink)
        with self._state_lock:
            state, error = self._last_state
        self._sync_callbacks.broadcast({"state": int(state), "error": int(error)})
        return Errno.E_OK

    def _unregister_sync(self, caller: Caller, sink: EventSink, data: dict[str, Any]) -> Errno:
        self._sync_callbacks.unregister(caller.bundle)
        return Errno.E_OK

    def _start_sync(self, caller: Caller, sink: EventSink, data: dict[str, Any]) -> Errno:
        if not self._conditions.network.any_available:
            return Errno.E_SYNC_FAILED_NETWORK_NOT_AVAILABLE
        if not self._cloud.ready:
            return Errno.E_CLOUD_SDK
        if self._conditions.start_refused_for_battery():
            return Errno.E_SYNC_FAILED_BATTERY_TOO_LOW
        self.gallery.start()
        return Errno.E_OK

    def _stop_sync(self, caller: Caller, sink: EventSink, data: dict[str, Any]) -> Errno:
        self.gallery.stop()
        return Errno.E_OK

    # -- Download ---------------------------------------------------------------------------------
    def _register_download(self, caller: Caller, sink: EventSink, data: dict[str, Any]) -> Errno:
        self._download_callbacks.register(caller.bundle, sink)
        return Errno.E_OK

    def _unregister_download(self, caller: Caller, sink: EventSink, data: dict[str, Any]) -> Errno:
        self._download_callbacks.unregister(caller.bundle)
        return Errno.E_OK

    def _start_download(self, caller: Caller, sink: EventSink, data: dict[str, Any]) -> Errno:
        uri = data.get("uri")
        if not isinstance(uri, str):
            return Errno.E_INVAL_ARG
        return self.download.start(uri)

    def _stop_download(self, caller: Caller, sink: EventSink, data: dict[str, Any]) -> Errno:
        uri = data.get("uri")
        if not isinstance(uri, str):
            return Errno.E_INVAL_ARG
        return self.download.stop(uri)
