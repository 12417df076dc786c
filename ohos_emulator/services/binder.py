"""What a system service sees of a call: the caller, where its callbacks go, and the reply.

See docs/emulator-ipc.md. The emulated "binder" is the process IPC in ohos_emulator/ipc.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Protocol

IPC_DEAD_OBJECT = 29189
"""Transaction status when the target system ability is not running."""


class Errno(IntEnum):
    """Internal error codes of dfs_error.h (and two emulator names), see docs/emulator-ipc.md."""

    E_OK = 0
    E_INVAL_ARG = 2
    E_BROKEN_IPC = 3
    E_PERMISSION_DENIED = 6
    E_PERMISSION_SYSTEM = 7
    E_SYNC_FAILED_BATTERY_TOO_LOW = 11
    E_SYNC_FAILED_NETWORK_NOT_AVAILABLE = 12
    E_CLOUD_SDK = 14
    E_URI_NOT_EXIST = 1001
    E_NO_SPACE = 1002


@dataclass(frozen=True)
class Caller:
    """The identity bound to a process when the ability manager started it."""

    pid: int
    bundle: str
    apl: str
    system_app: bool
    permissions: frozenset[str]

    def has_permission(self, permission: str) -> bool:
        return permission in self.permissions

    def as_dict(self) -> dict[str, Any]:
        return {
            "bundle": self.bundle,
            "apl": self.apl,
            "systemApp": self.system_app,
            "permissions": sorted(self.permissions),
        }


class EventSink(Protocol):
    """Delivers a service's callback to one process; False once the process is gone."""

    pid: int

    def push(self, sa: int, event: str, data: dict[str, Any]) -> bool: ...


@dataclass
class IpcReply:
    """``ipc``: transaction status (0 = reached the service); ``ret``: the service's result."""

    ipc: int = 0
    ret: int = 0
    reply: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": True, "ipc": self.ipc, "ret": self.ret, "reply": self.reply}


class SystemAbility(Protocol):
    """A system service reachable over the emulated IPC."""

    sa_id: int
    name: str

    def handle(self, caller: Caller, sink: EventSink, code: str, data: dict[str, Any]) -> IpcReply: ...

    def process_died(self, pid: int) -> None: ...
