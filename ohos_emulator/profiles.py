"""Behaviour profiles of the emulated cloudSync implementation.

A profile says how an emulated device behaves: ``api10-doc`` exactly as the seed document says,
``ohos-4.0`` as the OpenHarmony-v4.0-Release code does (docs/cloudsync-behaviour.md lists the seven
known deviations). The service side (Python) reads :class:`ServiceKnobs`; the NAPI side (the emulated
JS module inside the shim process) receives :attr:`BehaviourProfile.napi` in the IPC hello.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ohos_protocol.errors import ConfigError

SEED_MESSAGES = {
    201: "Permission verification failed.",
    202: "The caller is not a system application.",
    401: "The input parameter is invalid.",
    13600001: "IPC error.",
    13900002: "No such file or directory.",
    13900020: "Invalid argument.",
    13900025: "No space left on device.",
    22400001: "Cloud status not ready.",
    22400002: "Network unavailable.",
    22400003: "Battery level warning.",
}

# Internal dfs_error.h codes → JS codes (Convert2JsErrNum), see docs/emulator-ipc.md.
ERRNO_TO_JS = {
    2: 401,
    3: 13600001,
    6: 201,
    7: 202,
    11: 22400003,
    12: 22400002,
    14: 22400001,
    1001: 13900002,
    1002: 13900025,
}

ENUMS = {
    "SyncState": {
        "UPLOADING": 0,
        "UPLOAD_FAILED": 1,
        "DOWNLOADING": 2,
        "DOWNLOAD_FAILED": 3,
        "COMPLETED": 4,
        "STOPPED": 5,
    },
    "ErrorType": {
        "NO_ERROR": 0,
        "NETWORK_UNAVAILABLE": 1,
        "WIFI_UNAVAILABLE": 2,
        "BATTERY_LEVEL_LOW": 3,
        "BATTERY_LEVEL_WARNING": 4,
        "CLOUD_STORAGE_FULL": 5,
        "LOCAL_STORAGE_FULL": 6,
    },
    "State": {"RUNNING": 0, "COMPLETED": 1, "FAILED": 2, "STOPPED": 3},
}


@dataclass(frozen=True)
class ServiceKnobs:
    """What the emulated cloud sync service (SA 5204) does differently per profile."""

    start_refused_below: int
    """start() fails with 22400003 when not charging and capacity is below this (percent)."""
    upload_low_below: int
    """During upload, not charging and below this → UPLOAD_FAILED/BATTERY_LEVEL_LOW."""
    upload_warning_below: int | None
    """During upload, below this → UPLOAD_FAILED/BATTERY_LEVEL_WARNING; None: never delivered."""
    wifi_unavailable_delivered: bool
    """Wi-Fi-only sync with Wi-Fi lost → *_FAILED/WIFI_UNAVAILABLE; else the run goes on by mobile."""
    local_storage_full_delivered: bool
    """A pull that does not fit → DOWNLOAD_FAILED/LOCAL_STORAGE_FULL; else the file is skipped."""
    caller_errors_as_ipc_status: bool
    """Permission / system-app failures come back as the IPC transaction status (→ 13600001)."""
    download_unknown_uri_fails: bool
    """Download.start of a uri not in the cloud → 13900002; else it resolves and delivers nothing."""
    download_stop_delivers_stopped: bool
    """Download.stop of a running transfer delivers State.STOPPED."""


@dataclass(frozen=True)
class BehaviourProfile:
    """A named behaviour: service knobs plus the NAPI knobs sent to the shim process."""

    name: str
    description: str
    service: ServiceKnobs
    napi: dict[str, Any] = field(default_factory=dict)

    def with_changes(
        self,
        name: str,
        description: str,
        *,
        service: dict[str, Any] | None = None,
        napi: dict[str, Any] | None = None,
    ) -> BehaviourProfile:
        """A derived profile (used for seeded deviations)."""
        return BehaviourProfile(
            name=name,
            description=description,
            service=replace(self.service, **(service or {})),
            napi={**self.napi, **(napi or {})},
        )


def _napi(
    messages: dict[int, str], arg_count_error: str, callback_checked: bool, non_function_callback: int
) -> dict[str, Any]:
    return {
        "messages": {str(code): text for code, text in messages.items()},
        "errnoToJs": {str(k): v for k, v in ERRNO_TO_JS.items()},
        "enums": ENUMS,
        "galleryArgcError": arg_count_error,
        "callbackTypeChecked": callback_checked,
        "nonFunctionAsyncCallback": non_function_callback,
        "argErrorsThrown": True,
    }


API10_DOC = BehaviourProfile(
    name="api10-doc",
    description="Exactly as the API 10 document (the seed) says.",
    service=ServiceKnobs(
        start_refused_below=15,
        upload_low_below=15,
        upload_warning_below=10,
        wifi_unavailable_delivered=True,
        local_storage_full_delivered=True,
        caller_errors_as_ipc_status=False,
        download_unknown_uri_fails=True,
        download_stop_delivers_stopped=True,
    ),
    napi=_napi(SEED_MESSAGES, "business401", callback_checked=True, non_function_callback=401),
)

OHOS_4_0 = BehaviourProfile(
    name="ohos-4.0",
    description="As OpenHarmony-v4.0-Release behaves (docs/cloudsync-behaviour.md, known deviations 1-7).",
    service=ServiceKnobs(
        start_refused_below=10,
        upload_low_below=15,
        upload_warning_below=None,
        wifi_unavailable_delivered=False,
        local_storage_full_delivered=False,
        caller_errors_as_ipc_status=True,
        download_unknown_uri_fails=False,
        download_stop_delivers_stopped=False,
    ),
    # libn's runtime messages carry no trailing full stop.
    napi=_napi(
        {code: text.rstrip(".") for code, text in SEED_MESSAGES.items()},
        "plainError",
        callback_checked=False,
        non_function_callback=13900020,
    ),
)

PROFILES = {profile.name: profile for profile in (API10_DOC, OHOS_4_0)}


def get_profile(name: str) -> BehaviourProfile:
    """The profile called ``name``; ConfigError naming the known ones otherwise."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ConfigError(
            f"unknown behaviour profile {name!r}; known: {', '.join(sorted(PROFILES))}"
        ) from None
