"""A labgrid client session on a thread of its own, so that a run can wait on its suites meanwhile.

labgrid's ``ClientSession`` is asyncio code; it lives here on a private event loop that runs in a
daemon thread, and every call from the run's thread goes through :meth:`LabgridSession.call`.
labgrid is an optional dependency (``pip install 'ohos-hil[labgrid]'``): importing it happens here
and nowhere else, with a clear error when it is missing.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import os
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from harness.errors import ConfigError, InfrastructureError

CONNECT_SECONDS = 10.0
CALL_SECONDS = 30.0
DEFAULT_PORT = 20408
T = TypeVar("T")


class CoordinatorError(InfrastructureError):
    """The coordinator cannot be reached or refused a request."""


def _labgrid() -> Any:
    try:
        from labgrid.remote import client
    except ImportError:
        raise ConfigError(
            "the labgrid farm needs labgrid: pip install 'ohos-hil[labgrid]' (or pip install labgrid)"
        ) from None
    return client


def coordinator_address(option: str | None) -> str | None:
    """HOST:PORT from the option or LG_COORDINATOR (labgrid's own variable); None when neither is set."""
    address = option or os.environ.get("LG_COORDINATOR")
    if not address:
        return None
    host, sep, port = address.rpartition(":")
    if not sep:
        return f"{address}:{DEFAULT_PORT}"
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"--coordinator {address!r}: expected HOST:PORT")
    return address


class LabgridSession:
    """A connected ``labgrid.remote.client.ClientSession``; ``close()`` ends it and its thread."""

    def __init__(self, address: str) -> None:
        client = _labgrid()
        self.address = address
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="labgrid", daemon=True)
        self._thread.start()
        self.pb2 = importlib.import_module("labgrid.remote.generated.labgrid_coordinator_pb2")
        if not logging.getLogger().handlers:  # labgrid logs to the root logger; the run says it in one line
            logging.getLogger().addHandler(logging.NullHandler())
        try:
            # the gRPC channel belongs to the loop it is made on: make the session there
            self.client = self.call(self._make, client, address, timeout=CONNECT_SECONDS)
            self.call(self.client.start, timeout=CONNECT_SECONDS)
        except CoordinatorError:
            self._stop_loop()
            raise CoordinatorError(f"labgrid coordinator {address} is unreachable") from None
        except BaseException:
            self._stop_loop()
            raise

    async def _make(self, client: Any, address: str) -> Any:
        return client.ClientSession(address, self._loop)

    @property
    def owner(self) -> str:
        """The name the coordinator knows this client by (``host/user``, as labgrid-client shows)."""
        return f"{self.client.gethostname()}/{self.client.getuser()}"

    @property
    def connected(self) -> bool:
        return not self.client.stopping.is_set()

    def call(self, function: Callable[..., Awaitable[T]], *args: Any, timeout: float = CALL_SECONDS) -> T:
        """``await function(*args)`` on the session loop; gRPC and labgrid errors: CoordinatorError."""
        client = _labgrid()
        future = asyncio.run_coroutine_threadsafe(function(*args), self._loop)
        try:
            return future.result(timeout)
        except FutureTimeout:
            future.cancel()
            raise CoordinatorError(
                f"labgrid coordinator {self.address} did not answer in {timeout:.0f} s"
            ) from None
        except (client.Error, _grpc_error()) as exc:
            detail = exc.details() if hasattr(exc, "details") else str(exc)
            raise CoordinatorError(f"labgrid coordinator {self.address}: {detail}") from None

    def stub(self, method: str, request: Any, timeout: float = CALL_SECONDS) -> Any:
        """One coordinator RPC (``AcquirePlace``, ``CreateReservation``, ...), then a sync so that the
        session's view of places and resources includes its effect."""

        async def rpc() -> Any:
            response = await getattr(self.client.stub, method)(request)
            await self.client.sync_with_coordinator()
            return response

        return self.call(rpc, timeout=timeout)

    def places(self) -> dict[str, Any]:
        """A copy of the session's view of the places (name → labgrid ``Place``)."""
        return self.call(self._copy_places)

    async def _copy_places(self) -> dict[str, Any]:
        return dict(self.client.places)

    def resources(self) -> dict[str, Any]:
        """exporter → group → resource name → labgrid ``ResourceEntry``."""
        return self.call(self._copy_resources)

    async def _copy_resources(self) -> dict[str, Any]:
        return {e: {g: dict(r) for g, r in groups.items()} for e, groups in self.client.resources.items()}

    def close(self) -> None:
        if self._loop.is_closed():
            return
        try:
            self.call(self.client.stop, timeout=5)
            self.call(self.client.close, timeout=5)
        except (CoordinatorError, ConfigError):
            pass
        finally:
            self._stop_loop()

    def _stop_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        if not self._thread.is_alive():
            self._loop.close()


def _grpc_error() -> type[BaseException]:
    import grpc

    return grpc.aio.AioRpcError
