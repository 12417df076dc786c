"""System ability manager: starts services on demand, routes calls, and models a service being down."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from ohos_emulator.hilog import Hilog
from ohos_emulator.services.binder import IPC_DEAD_OBJECT, Caller, EventSink, IpcReply, SystemAbility

Factory = Callable[[], SystemAbility]


class SystemAbilityManager:
    """Named system abilities, each created on first use, each can be held down by a fault."""

    def __init__(self, hilog: Hilog) -> None:
        self._hilog = hilog
        self._factories: dict[int, tuple[str, Factory]] = {}
        self._instances: dict[int, SystemAbility] = {}
        self._held_down: set[int] = set()
        self._lock = threading.Lock()

    def register(self, sa_id: int, name: str, factory: Factory) -> None:
        self._factories[sa_id] = (name, factory)

    def factory(self, sa_id: int) -> tuple[str, Factory]:
        """The name and factory a system ability was registered with."""
        return self._factories[sa_id]

    def get(self, sa_id: int) -> SystemAbility | None:
        """The running instance (started on demand), or None while it is held down."""
        with self._lock:
            if sa_id in self._held_down or sa_id not in self._factories:
                return None
            if sa_id not in self._instances:
                name, factory = self._factories[sa_id]
                self._instances[sa_id] = factory()
                self._hilog.write("SAMGR", f"system ability {sa_id} ({name}) loaded", domain=0xD001800)
            return self._instances[sa_id]

    def loaded(self, sa_id: int) -> SystemAbility | None:
        """The instance if it is running now, without starting it."""
        with self._lock:
            return self._instances.get(sa_id)

    def call(self, caller: Caller, sink: EventSink, sa_id: int, code: str, data: dict[str, Any]) -> IpcReply:
        service = self.get(sa_id)
        if service is None:
            return IpcReply(ipc=IPC_DEAD_OBJECT)
        return service.handle(caller, sink, code, data)

    def process_died(self, pid: int) -> None:
        with self._lock:
            services = list(self._instances.values())
        for service in services:
            service.process_died(pid)

    def hold_down(self, sa_id: int) -> None:
        """Stop the service and keep it from loading (the fault "service not running")."""
        with self._lock:
            self._held_down.add(sa_id)
            service = self._instances.pop(sa_id, None)
        if service is not None and hasattr(service, "shutdown"):
            service.shutdown()
        self._hilog.write("SAMGR", f"system ability {sa_id} died", level="E", domain=0xD001800)

    def release(self, sa_id: int) -> None:
        with self._lock:
            self._held_down.discard(sa_id)

    def held_down(self) -> set[int]:
        with self._lock:
            return set(self._held_down)

    def shutdown(self) -> None:
        with self._lock:
            services = list(self._instances.values())
            self._instances.clear()
        for service in services:
            if hasattr(service, "shutdown"):
                service.shutdown()

    def listing(self) -> list[tuple[int, str, str]]:
        with self._lock:
            return [
                (
                    sa_id,
                    name,
                    "down"
                    if sa_id in self._held_down
                    else ("running" if sa_id in self._instances else "on-demand"),
                )
                for sa_id, (name, _) in sorted(self._factories.items())
            ]
