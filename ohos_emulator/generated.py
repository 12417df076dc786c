"""Generated deviations: every small break of the emulated cloudSync a buggy build could ship.

Derived systematically from the emulated service's behaviour points (docs/selfcheck.md lists the
families): each error code of a method swapped for each other code of that method, each message
altered, each enum value shifted, each threshold moved by one, each event dropped, duplicated or
delayed past the next, each progress field renamed, scaled or frozen, each callback called twice or
never, each route swapped, each argument check removed or tightened. Each has a stable id, a family,
one line of description and the suite paths that can observe it (so one self-check run is short).
NAPI-side ones set the ``deviation`` knob read by ``shim_node/emulated/deviations.js``; service-side
ones wrap the service as the device builds it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING, Any

from ohos_emulator.fs import FsUsage
from ohos_emulator.mutants import SEEDED_DEVIATIONS, SeededDeviation, napi_change, on_service, service_change
from ohos_emulator.profiles import API10_DOC, ENUMS, ERRNO_TO_JS, SEED_MESSAGES
from ohos_emulator.services.binder import Errno
from ohos_emulator.services.cloudsync.conditions import DownloadState, ErrorType, SyncState
from ohos_emulator.services.cloudsync.service import CloudSyncService
from ohos_protocol.errors import ConfigError

if TYPE_CHECKING:
    from ohos_emulator.device import EmulatedDevice

GALLERY = "suites/gallery_sync"
DOWNLOAD = "suites/download"
MODULE = "suites/module"
PROGRESS_TYPES = "suites/module/test_progress_types.py"
CALLER_ORDER = "suites/module/test_caller_check_order.py"
ARGUMENT_GRID = "suites/module/test_argument_grid.py"
# The files most likely to see a break of one kind, run first (a run stops at its first failure).
FIRST = {
    "callers": (f"{GALLERY}/test_callers.py", f"{DOWNLOAD}/test_errors.py", CALLER_ORDER),
    "start": (f"{GALLERY}/test_start_errors.py", f"{GALLERY}/test_start.py"),
    "download errors": (f"{DOWNLOAD}/test_errors.py",),
    "run": (f"{GALLERY}/test_run.py", f"{GALLERY}/test_on_off.py", f"{GALLERY}/test_stop.py"),
    "error types": (f"{GALLERY}/test_error_types.py",),
    "download": (f"{DOWNLOAD}/test_download.py", f"{DOWNLOAD}/test_stop.py"),
    "gallery calls": (f"{GALLERY}/test_run.py", ARGUMENT_GRID, f"{GALLERY}/test_stop.py"),
    "download calls": (f"{DOWNLOAD}/test_download.py", ARGUMENT_GRID, f"{DOWNLOAD}/test_stop_per_file.py"),
}
MESSAGE_FIRST = {
    201: FIRST["callers"], 202: FIRST["callers"], 401: (ARGUMENT_GRID,),
    13600001: (f"{GALLERY}/test_service_down.py",), 13900002: FIRST["download errors"],
    13900025: FIRST["download errors"], 22400001: FIRST["start"], 22400002: FIRST["start"],
    22400003: FIRST["start"],
}  # fmt: skip

# JS method → (IPC code of its service call, the suites that call it).
POINTS = {
    "GallerySync.on": ("RegisterCallbackInner", GALLERY),
    "GallerySync.off": ("UnRegisterCallbackInner", GALLERY),
    "GallerySync.start": ("StartSyncInner", GALLERY),
    "GallerySync.stop": ("StopSyncInner", GALLERY),
    "Download.on": ("RegisterDownloadFileCallback", DOWNLOAD),
    "Download.off": ("UnregisterDownloadFileCallback", DOWNLOAD),
    "Download.start": ("StartDownloadFile", DOWNLOAD),
    "Download.stop": ("StopDownloadFile", DOWNLOAD),
}
ASYNC_POINTS = ("GallerySync.start", "GallerySync.stop", "Download.start", "Download.stop")
LISTENER_POINTS = ("GallerySync.on", "GallerySync.off", "Download.on", "Download.off")
CALLER_ERRNOS = (Errno.E_PERMISSION_DENIED, Errno.E_PERMISSION_SYSTEM)
# The internal results each service call can end in (what the method's error table allows).
METHOD_ERRNOS = {
    "StartSyncInner": (
        *CALLER_ERRNOS,
        Errno.E_SYNC_FAILED_NETWORK_NOT_AVAILABLE,
        Errno.E_CLOUD_SDK,
        Errno.E_SYNC_FAILED_BATTERY_TOO_LOW,
    ),
    "StartDownloadFile": (*CALLER_ERRNOS, Errno.E_URI_NOT_EXIST, Errno.E_NO_SPACE),
}
# Codes a swapped result may become besides the method's own: 401 and 13600001 are in every table.
EXTRA_ERRNOS = (Errno.E_INVAL_ARG, Errno.E_BROKEN_IPC)


def _slug(point: str) -> str:
    return point.replace("GallerySync.", "gallery-").replace("Download.", "download-").lower()


def _js(errno: Errno) -> int:
    return ERRNO_TO_JS[int(errno)]


def _deviation(
    name: str,
    family: str,
    description: str,
    observers: tuple[str, ...],
    *,
    profile_change: Callable[..., Any] | None = None,
    device_change: Callable[..., Any] | None = None,
) -> SeededDeviation:
    return SeededDeviation(name, family, description, profile_change, device_change, observers)


def _napi_deviation(name: str, family: str, description: str, observers: tuple[str, ...], **spec: Any):
    return _deviation(name, family, description, observers, profile_change=napi_change(deviation=spec))


# -- error codes ------------------------------------------------------------------------------------
def _swap_result(ipc_code: str, old: Errno, new: Errno):
    def patch(service: CloudSyncService, device: EmulatedDevice) -> None:
        handle = service.handle

        def swapped(caller, sink, code, data):
            reply = handle(caller, sink, code, data)
            if code == ipc_code and reply.ret == old:
                return replace(reply, ret=int(new))
            return reply

        service.handle = swapped

    return on_service(patch)


def _error_codes() -> Iterator[SeededDeviation]:
    for point, (ipc_code, suite) in POINTS.items():
        own = METHOD_ERRNOS.get(ipc_code, CALLER_ERRNOS)
        for old in own:
            first = (
                FIRST["callers"]
                if old in CALLER_ERRNOS
                else FIRST["start" if suite == GALLERY else "download errors"]
            )
            observers = (*first, suite, CALLER_ORDER)
            for new in dict.fromkeys((*own, *EXTRA_ERRNOS)):
                if new != old:
                    yield _deviation(
                        f"code.{_slug(point)}.{_js(old)}-as-{_js(new)}",
                        "error codes",
                        f"{point} reports {_js(new)} where the spec says {_js(old)}",
                        observers,
                        device_change=_swap_result(ipc_code, old, new),
                    )


# -- messages and enums -----------------------------------------------------------------------------
def _messages() -> Iterator[SeededDeviation]:
    codes = sorted(SEED_MESSAGES)
    for index, code in enumerate(codes):
        text = SEED_MESSAGES[code]
        other = SEED_MESSAGES[codes[(index + 1) % len(codes)]]
        for variant, altered in (
            ("last-word-dropped", text.rstrip(".").rsplit(" ", 1)[0] + "."),
            ("lower-case", text[0].lower() + text[1:]),
            ("other-code", other),
        ):
            yield _deviation(
                f"message.{code}.{variant}",
                "messages",
                f"{code} says {altered!r}",
                (*MESSAGE_FIRST.get(code, ()), "suites"),
                profile_change=napi_change(**{f"messages__{code}": altered}),
            )


def _enums() -> Iterator[SeededDeviation]:
    for enum, members in ENUMS.items():
        for member, value in members.items():
            for shift in (+1, -1):
                yield _deviation(
                    f"enum.{enum}.{member}.{shift:+d}",
                    "enums",
                    f"{enum}.{member} is {value + shift}",
                    (f"{MODULE}/test_enums.py",),
                    profile_change=napi_change(**{f"enums__{enum}__{member}": value + shift}),
                )


# -- thresholds ------------------------------------------------------------------------------------
class _ShiftedSpace:
    """The device filesystem as one engine sees it: ``shift`` bytes more room than there is."""

    def __init__(self, fs: Any, shift: int) -> None:
        self._fs = fs
        self._shift = shift

    def usage(self) -> FsUsage:
        usage = self._fs.usage()
        return FsUsage(usage.capacity + self._shift, usage.used)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fs, name)


def _shift_space(engine: str, shift: int):
    def patch(service: CloudSyncService, device: EmulatedDevice) -> None:
        target = getattr(service, engine)
        target._fs = _ShiftedSpace(target._fs, shift)

    return on_service(patch)


def _shift_quota(shift: int):
    def change(device: EmulatedDevice) -> None:
        cloud = device.cloud
        cloud.fits = lambda size: cloud.used() + size <= cloud.quota + shift

    return change


def _thresholds() -> Iterator[SeededDeviation]:
    knobs = API10_DOC.service
    for knob, what in (
        ("start_refused_below", "start() is refused unplugged below"),
        ("upload_low_below", "an upload fails with BATTERY_LEVEL_LOW unplugged below"),
        ("upload_warning_below", "an upload fails with BATTERY_LEVEL_WARNING below"),
    ):
        for shift in (+1, -1):
            value = getattr(knobs, knob) + shift
            yield _deviation(
                f"threshold.{knob}.{shift:+d}",
                "thresholds",
                f"{what} {value} % instead of {getattr(knobs, knob)} %",
                (*FIRST["start" if knob.startswith("start") else "error types"], GALLERY),
                profile_change=service_change(**{knob: value}),
            )
    for shift in (+1, -1):
        yield _deviation(
            f"threshold.cloud-quota.{shift:+d}",
            "thresholds",
            f"uploads fit the cloud quota with {shift:+d} byte",
            (*FIRST["error types"], GALLERY),
            device_change=_shift_quota(shift),
        )
        for engine, suite in (("gallery", GALLERY), ("download", DOWNLOAD)):
            yield _deviation(
                f"threshold.local-space.{engine}.{shift:+d}",
                "thresholds",
                f"the {engine} space check counts {shift:+d} byte of local space",
                (*FIRST["error types" if engine == "gallery" else "download errors"], suite),
                device_change=_shift_space(engine, shift),
            )


# -- events -----------------------------------------------------------------------------------------
def _rewrite_stream(engine: str, rewrite: Callable[[Any, Callable[[Any], None], dict], None]):
    """Pass each event of ``engine``'s stream through ``rewrite(event, deliver, memory)``."""

    def patch(service: CloudSyncService, device: EmulatedDevice) -> None:
        target = getattr(service, engine)
        deliver = target._notify
        memory: dict[Any, Any] = {}
        if engine == "gallery":
            target._notify = lambda state, error: rewrite((state, error), lambda e: deliver(*e), memory)
        else:
            target._notify = lambda data: rewrite(data, deliver, memory)

    return on_service(patch)


def _state_of(event: Any) -> int:
    return int(event[0]) if isinstance(event, tuple) else int(event["state"])


def _stream_key(event: Any) -> str:
    return "" if isinstance(event, tuple) else event["uri"]


def _drop(state: int):
    def rewrite(event, deliver, memory):
        if _state_of(event) != state:
            deliver(event)

    return rewrite


def _duplicate(state: int):
    def rewrite(event, deliver, memory):
        deliver(event)
        if _state_of(event) == state:
            deliver(event)

    return rewrite


def _delay(state: int):
    """Events in ``state`` are held back and delivered after the next event of their stream."""

    def rewrite(event, deliver, memory):
        key = _stream_key(event)
        held = memory.pop(key, None)
        if _state_of(event) == state:
            if held is not None:
                deliver(held)
            memory[key] = event
            return
        deliver(event)
        if held is not None:
            deliver(held)

    return rewrite


def _drop_first(state: int):
    def rewrite(event, deliver, memory):
        key = _stream_key(event)
        if _state_of(event) == state and key not in memory:
            memory[key] = True
            return
        deliver(event)

    return rewrite


def _map_event(change: Callable[[Any], Any]):
    def rewrite(event, deliver, memory):
        deliver(change(event))

    return rewrite


DROP_OR_DUPLICATE = (("drop", _drop, "never reported"), ("duplicate", _duplicate, "reported twice"))


def _gallery_events() -> Iterator[SeededDeviation]:
    observers = (*FIRST["run"], GALLERY, PROGRESS_TYPES)
    for state in SyncState:
        for verb, rewrite, what in DROP_OR_DUPLICATE:
            yield _deviation(
                f"event.gallery.{state.name}.{verb}",
                "events",
                f"GallerySync's {state.name} is {what}",
                observers,
                device_change=_rewrite_stream("gallery", rewrite(state)),
            )
    for state in (SyncState.DOWNLOADING, SyncState.UPLOADING):
        yield _deviation(
            f"event.gallery.{state.name}.delay",
            "event order",
            f"GallerySync's {state.name} arrives after the next event",
            observers,
            device_change=_rewrite_stream("gallery", _delay(state)),
        )
    failures = [e for e in ErrorType if e is not ErrorType.NO_ERROR]
    for old in failures:
        for new in ErrorType:
            if new is not old:
                yield _deviation(
                    f"event.gallery.error.{old.name}-as-{new.name}",
                    "error types",
                    f"a run failing with {old.name} reports {new.name}",
                    (*FIRST["error types"], *observers),
                    device_change=_rewrite_stream(
                        "gallery",
                        _map_event(lambda e, old=old, new=new: (e[0], new) if e[1] is old else e),
                    ),
                )
    failed = (SyncState.UPLOAD_FAILED, SyncState.DOWNLOAD_FAILED)
    for a, b in (failed, failed[::-1]):
        yield _deviation(
            f"event.gallery.{a.name}-as-{b.name}",
            "events",
            f"a run failing in {a.name} reports {b.name}",
            observers,
            device_change=_rewrite_stream(
                "gallery", _map_event(lambda e, a=a, b=b: (b, e[1]) if e[0] is a else e)
            ),
        )
    yield from _first_event(observers)


def _first_event(observers: tuple[str, ...]) -> Iterator[SeededDeviation]:
    """The event on('progress') delivers at once: twice, or with another state."""

    def registered(patch_state: Callable[[CloudSyncService], None]):
        def patch(service: CloudSyncService, device: EmulatedDevice) -> None:
            register = service._handlers["RegisterCallbackInner"]

            def changed(caller, sink, data):
                result = register(caller, sink, data)
                patch_state(service)
                return result

            service._handlers["RegisterCallbackInner"] = changed

        return on_service(patch)

    def again(service: CloudSyncService) -> None:
        state, error = service._last_state
        service._sync_callbacks.broadcast({"state": int(state), "error": int(error)})

    yield _deviation(
        "event.gallery.first.duplicate",
        "events",
        "on('progress') delivers the current state twice",
        observers,
        device_change=registered(again),
    )

    def wrong_state(service: CloudSyncService) -> None:
        with service._state_lock:
            service._last_state = (SyncState.STOPPED, ErrorType.NO_ERROR)

    yield _deviation(
        "event.gallery.first.stale",
        "events",
        "after the first on('progress') the current state is remembered as STOPPED",
        observers,
        device_change=registered(wrong_state),
    )


def _download_events() -> Iterator[SeededDeviation]:
    observers = (*FIRST["download"], DOWNLOAD, PROGRESS_TYPES)
    running = DownloadState.RUNNING
    for name, rewrite, what in (
        ("drop", _drop(running), "no RUNNING event is reported"),
        ("drop-first", _drop_first(running), "the first RUNNING event of a uri is not reported"),
        ("duplicate", _duplicate(running), "each RUNNING event is reported twice"),
        ("delay", _delay(running), "each RUNNING event arrives after the next one"),
    ):
        yield _deviation(
            f"event.download.RUNNING.{name}", "events", what, observers,
            device_change=_rewrite_stream("download", rewrite),
        )  # fmt: skip
    ends = (DownloadState.COMPLETED, DownloadState.FAILED, DownloadState.STOPPED)
    for state in ends:
        for verb, rewrite, what in DROP_OR_DUPLICATE:
            yield _deviation(
                f"event.download.{state.name}.{verb}",
                "events",
                f"Download's {state.name} is {what}",
                observers,
                device_change=_rewrite_stream("download", rewrite(state)),
            )
        for other in ends:
            if other is not state:
                yield _deviation(
                    f"event.download.{state.name}-as-{other.name}",
                    "events",
                    f"a download ending {state.name} reports {other.name}",
                    observers,
                    device_change=_rewrite_stream(
                        "download",
                        _map_event(
                            lambda d, a=state, b=other: {**d, "state": int(b)} if d["state"] == a else d
                        ),
                    ),
                )


# -- progress fields -------------------------------------------------------------------------------
def _fields() -> Iterator[SeededDeviation]:
    observers = (PROGRESS_TYPES, *FIRST["download"], DOWNLOAD)
    changes = {
        "processed.kib": ("processed is in KiB", lambda d, m: {**d, "processed": d["processed"] // 1024}),
        "processed.double": ("processed is twice the bytes",
                             lambda d, m: {**d, "processed": 2 * d["processed"]}),
        "processed.plus-one": ("processed is one byte more",
                               lambda d, m: {**d, "processed": d["processed"] + 1}),
        "processed.zero": ("processed stays 0", lambda d, m: {**d, "processed": 0}),
        "processed.size": ("processed is always the size", lambda d, m: {**d, "processed": d["size"]}),
        "size.kib": ("size is in KiB", lambda d, m: {**d, "size": d["size"] // 1024}),
        "size.minus-one": ("size is one byte less", lambda d, m: {**d, "size": d["size"] - 1}),
        "uri.frozen": (
            "uri is the first download's uri",
            lambda d, m: {**d, "uri": m.setdefault("uri", d["uri"])},
        ),
    }  # fmt: skip
    for name, (what, change) in changes.items():

        def rewrite(event, deliver, memory, change=change):
            deliver(change(event, memory))

        yield _deviation(
            f"field.download.{name}", "progress fields", f"Download progress: {what}", observers,
            device_change=_rewrite_stream("download", rewrite),
        )  # fmt: skip
    renames = {
        "download": {"processed": "progress", "size": "totalSize", "uri": "url", "state": "status"},
        "gallery": {"state": "syncState", "error": "errorType"},
    }
    for event, fields in renames.items():
        suite = DOWNLOAD if event == "download" else GALLERY
        for old, new in fields.items():
            yield _napi_deviation(
                f"field.{event}.{old}.renamed",
                "progress fields",
                f"{event} progress calls {old!r} {new!r}",
                (PROGRESS_TYPES, suite),
                kind="rename-field",
                event=event,
                **{"from": old, "to": new},
            )


# -- callbacks, routes, argument checks (NAPI side) -------------------------------------------------
def _observers(point: str) -> tuple[str, ...]:
    if point.startswith("GallerySync."):
        return (*FIRST["gallery calls"], GALLERY)
    return (*FIRST["download calls"], DOWNLOAD)


def _callbacks() -> Iterator[SeededDeviation]:
    for point in ASYNC_POINTS:
        for outcome in ("success", "error"):
            yield _napi_deviation(
                f"callback.{_slug(point)}.twice.{outcome}",
                "callbacks",
                f"{point}'s AsyncCallback is called twice on {outcome}",
                _observers(point),
                kind="settle-twice", point=point, outcome=outcome,
            )  # fmt: skip
            for form in ("callback", "promise"):
                yield _napi_deviation(
                    f"callback.{_slug(point)}.never.{form}.{outcome}",
                    "callbacks",
                    f"{point} ({form} form) never settles on {outcome}",
                    _observers(point),
                    kind="settle-never", point=point, form=form, outcome=outcome,
                )  # fmt: skip
        yield _napi_deviation(
            f"callback.{_slug(point)}.value",
            "callbacks",
            f"{point} succeeds with the value 0 instead of undefined",
            _observers(point),
            kind="resolve-value", point=point, outcome="success",
        )  # fmt: skip
    for event in ("gallery", "download"):
        for verb, what in (("twice", "twice for each event"), ("never", "never")):
            yield _napi_deviation(
                f"callback.{event}-listener.{verb}",
                "callbacks",
                f"the {event} progress listener is called {what}",
                (PROGRESS_TYPES, GALLERY if event == "gallery" else DOWNLOAD),
                kind=f"listener-{verb}", event=event,
            )  # fmt: skip


def _routes() -> Iterator[SeededDeviation]:
    for point in ASYNC_POINTS:
        for form in ("promise", "callback"):
            yield _napi_deviation(
                f"route.{_slug(point)}.thrown.{form}",
                "routes",
                f"{point} ({form} form) throws its service error instead of settling with it",
                _observers(point),
                kind="throw-service-error", point=point, form=form, outcome="error",
            )  # fmt: skip
        yield _napi_deviation(
            f"route.{_slug(point)}.callback-as-promise",
            "routes",
            f"{point} given a callback returns a promise and never calls the callback",
            _observers(point),
            kind="callback-as-promise", point=point, form="callback",
        )  # fmt: skip
        yield _napi_deviation(
            f"route.{_slug(point)}.arg-error-settled",
            "routes",
            f"{point}'s 401 for bad arguments is a rejection or callback error, not a throw",
            _observers(point),
            kind="arg-error-route", point=point, route="settle",
        )  # fmt: skip
    for point in LISTENER_POINTS:
        yield _napi_deviation(
            f"route.{_slug(point)}.rejected",
            "routes",
            f"{point} returns a rejected promise instead of throwing",
            _observers(point),
            kind="sync-error-rejected", point=point,
        )  # fmt: skip


def _argument_checks() -> Iterator[SeededDeviation]:
    checks: list[tuple[str, str, str]] = []
    for point in ("GallerySync.constructor", "Download.constructor", *LISTENER_POINTS, *ASYNC_POINTS):
        checks.append((point, "argc", "accepts a wrong number of arguments"))
    for point in ("Download.start", "Download.stop"):
        checks.append((point, "type", "does not check that the uri is a string"))
    for point in LISTENER_POINTS:
        checks.append((point, "event", "does not check the event name"))
    for point in ("GallerySync.on", "Download.on", *ASYNC_POINTS):
        checks.append((point, "callbackType", "does not check that the callback is a function"))
    for point, check, what in checks:
        yield _napi_deviation(
            f"args.{_slug(point)}.unchecked-{check}", "argument checks", f"{point} {what}",
            _observers(point), kind=f"unchecked-{check}", point=point,
        )  # fmt: skip
    for point in ASYNC_POINTS:
        for form in ("callback", "promise"):
            yield _napi_deviation(
                f"args.{_slug(point)}.refuses-{form}-form", "argument checks",
                f"{point} refuses its valid {form} form with 401", _observers(point),
                kind=f"refuse-{form}-form", point=point,
            )  # fmt: skip
    for point in ("GallerySync.off", "Download.off"):
        yield _napi_deviation(
            f"args.{_slug(point)}.refuses-unregistered", "argument checks",
            f"{point} throws 401 when no listener is registered", _observers(point),
            kind="refuse-unregistered", point=point,
        )  # fmt: skip


FAMILIES = (
    _error_codes, _messages, _enums, _thresholds, _gallery_events, _download_events, _fields,
    _callbacks, _routes, _argument_checks,
)  # fmt: skip


@cache
def generated_deviations() -> dict[str, SeededDeviation]:
    """Every generated deviation, by id (stable across runs: derived from the tables above)."""
    found: dict[str, SeededDeviation] = {}
    for family in FAMILIES:
        for deviation in family():
            if deviation.name in found or deviation.name in SEEDED_DEVIATIONS:
                raise AssertionError(f"two deviations are called {deviation.name}")
            found[deviation.name] = deviation
    return found


def find_deviation(name: str) -> SeededDeviation:
    """A hand-written (``mutants``) or generated deviation by name; ConfigError if neither."""
    deviation = SEEDED_DEVIATIONS.get(name) or generated_deviations().get(name)
    if deviation is None:
        raise ConfigError(
            f"unknown seeded deviation {name!r}; `ohos-hil-emulator deviations [--generated]` lists them"
        )
    return deviation
