"""What a lab controls out of band (cloud contents and quota, photos, the device-cloud link, faults).

On the emulated device this is the `emuctl` command; a real device has none, so tests that need it
declare the capability `cloud_control` and are skipped elsewhere.
"""

from __future__ import annotations

import json
import shlex
from typing import TYPE_CHECKING, Any

from harness.fixture_files import DEFAULT_PHOTO, sample_photo

if TYPE_CHECKING:
    from harness.device.device import Device


STAGING_PATH = "/data/local/tmp/ohos-hil-sample.jpg"
"""Where a sample photo is pushed before `emuctl ... import` takes it (and it is removed)."""


class LabControl:
    """`emuctl` subcommands as methods; every call checks the exit status."""

    def __init__(self, device: Device) -> None:
        self._device = device

    def _emuctl(self, *args: str | int, timeout: float = 30, then: str = "") -> str:
        command = "emuctl " + " ".join(shlex.quote(str(arg)) for arg in args) + then
        with self._device.trace.action("lab", command):
            return self._device.shell(command, timeout=timeout).check().output.strip()

    def reset(self) -> None:
        self._emuctl("reset")

    def state(self) -> dict[str, Any]:
        return json.loads(self._emuctl("state"))

    def add_photo(self, name: str, size: int, *, sample: str = DEFAULT_PHOTO) -> str:
        """A new local photo (to upload): a sample photo of `fixtures/photos/` pushed and grown to
        ``size`` bytes (JPEG comment segments); returns its media uri."""
        return self._import("photos", name, size, sample)

    def add_cloud_file(self, name: str, size: int, *, sample: str = DEFAULT_PHOTO) -> str:
        """A file in the cloud account, made from a sample photo as :meth:`add_photo`; its media uri."""
        return self._import("cloud", name, size, sample)

    def _import(self, area: str, name: str, size: int, sample: str) -> str:
        self._device.transport.push(sample_photo(sample), STAGING_PATH)
        return self._emuctl(area, "import", STAGING_PATH, name, size, then=f" && rm -f {STAGING_PATH}")

    def cloud_files(self) -> dict[str, int]:
        """Cloud contents: name → size."""
        lines = self._emuctl("cloud", "ls").splitlines()
        return {name: int(size) for name, size, _ in (line.split(" ", 2) for line in lines if line)}

    def download_cache_path(self, name: str) -> str:
        """Where a download of the cloud file ``name`` keeps its partial data on the device."""
        return self._emuctl("cloud", "cache-path", name)

    def set_cloud_quota(self, size: int) -> None:
        self._emuctl("cloud", "quota", size)

    def set_cloud_account(self, signed_in: bool) -> None:
        self._emuctl("cloud", "account", "on" if signed_in else "off")

    def set_gallery_switch(self, on: bool) -> None:
        self._emuctl("cloud", "switch", "on" if on else "off")

    def hold_link(self) -> None:
        self._emuctl("link", "hold")

    def release_link(self) -> None:
        self._emuctl("link", "release")

    def wait_transfer_parked(self, timeout: float = 10.0) -> None:
        """Until a transfer waits at the held link (so a file is in flight)."""
        self._emuctl("link", "wait-parked", timeout, timeout=timeout + 10)

    def set_link_failing(self, failing: bool) -> None:
        self._emuctl("link", "fail", "on" if failing else "off")

    def set_wifi_only_sync(self, on: bool) -> None:
        self._emuctl("network", "wifi-only", "on" if on else "off")

    def set_fault(self, name: str, active: bool) -> None:
        self._emuctl("fault", "set" if active else "clear", name)

    def wait_sync_idle(self, timeout: float = 10.0) -> None:
        self._emuctl("sync", "wait-idle", timeout, timeout=timeout + 10)
