"""`@ohos.file.cloudSync` for the suites: enums, GallerySync / Download objects, progress by name."""

from __future__ import annotations

from typing import Any

from harness.conformance.calls import ApiObject, CallResult, construct
from harness.conformance.progress import Progress
from harness.errors import SpecDeviation
from harness.shim.client import ShimClient
from harness.spec.model import Edition

MODULE = "@ohos.file.cloudSync"
RUN_ENDS = ("COMPLETED", "UPLOAD_FAILED", "DOWNLOAD_FAILED", "STOPPED")
DOWNLOAD_ENDS = ("COMPLETED", "FAILED", "STOPPED")


class CloudSync:
    """The module as one shim session sees it, checked against one edition."""

    def __init__(self, shim: ShimClient, edition: Edition) -> None:
        self.shim = shim
        self.edition = edition

    def module_value(self, path: str) -> Any:
        return self.shim.get(MODULE, path)

    def construct(self, cls: str, *args: Any) -> ApiObject | CallResult:
        return construct(self.shim, self.edition, MODULE, cls, *args)

    def _new(self, cls: str) -> ApiObject:
        made = self.construct(cls)
        if isinstance(made, CallResult):
            raise SpecDeviation(f"{made.title}: expected a {cls} object, got {made.outcome.summary()}")
        return made

    def gallery_sync(self) -> ApiObject:
        return self._new("GallerySync")

    def download(self) -> ApiObject:
        return self._new("Download")

    def progress(self, name: str = "progress") -> Progress:
        """A callback (pass ``.callback`` to `on`) whose payloads are described with the edition's names."""
        return Progress(self.shim, name, self.describe)

    def state_name(self, enum: str, value: Any) -> str:
        names = {v: k for k, v in self.edition.enum(enum).items()}
        return f"{enum}.{names[value]}" if value in names else f"{enum}?{value!r}"

    def describe(self, payload: Any) -> str:
        """A progress payload in the edition's names (SyncProgress or DownloadProgress)."""
        if isinstance(payload, dict) and set(payload) >= {"state", "error"} and "processed" not in payload:
            state = self.state_name("SyncState", payload["state"])
            return f"{state}/{self.state_name('ErrorType', payload['error'])}"
        if isinstance(payload, dict) and "processed" in payload:
            return (
                f"{self.state_name('State', payload.get('state'))} "
                f"{payload.get('processed')}/{payload.get('size')}"
            )
        return repr(payload)

    def sync_state(self, state: str, error: str = "NO_ERROR") -> dict[str, int]:
        """The SyncProgress payload the edition requires for ``state``/``error`` (names)."""
        return {
            "state": self.edition.enum("SyncState")[state],
            "error": self.edition.enum("ErrorType")[error],
        }

    def sync_run(self, progress: Progress, timeout: float | None = None) -> list[Any]:
        """SyncProgress payloads up to the end of a run (COMPLETED, *_FAILED or STOPPED)."""
        ends = {self.edition.enum("SyncState")[name] for name in RUN_ENDS}
        return progress.until(
            lambda p: isinstance(p, dict) and p.get("state") in ends, "the end of a sync run", timeout
        )

    def download_run(self, progress: Progress, timeout: float | None = None) -> list[Any]:
        """DownloadProgress payloads up to the end of a download (COMPLETED, FAILED or STOPPED)."""
        ends = {self.edition.enum("State")[name] for name in DOWNLOAD_ENDS}
        return progress.until(
            lambda p: isinstance(p, dict) and p.get("state") in ends, "the end of a download", timeout
        )

    def expect_sync_states(self, payloads: list[Any], *expected: str, what: str) -> None:
        """Payloads equal ``expected`` (each "STATE" or "STATE/ERROR", ERROR defaulting to NO_ERROR)."""
        wanted = [self.sync_state(*item.split("/")) for item in expected]
        if list(payloads) != wanted:
            got = [self.describe(p) for p in payloads]
            need = [self.describe(w) for w in wanted]
            raise SpecDeviation(f"{what}: expected {need}, got {got}")
