"""What the Download tests share: cloud files the lab creates, and files read on the device."""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from harness.conformance.cloudsync import CloudSync
from harness.controls.lab import LabControl
from harness.device.device import Device
from harness.errors import DeviceCommandError
from harness.spec.model import Edition
from harness.transport.base import CommandResult

FILE_SIZE = 1_000_000
"""Large enough to need many transfer chunks, so a download can be parked part-way."""


@dataclass(frozen=True)
class CloudFile:
    """A file in the cloud account, and where a download of it lives on the device."""

    name: str
    size: int
    uri: str
    cache_path: str
    """Where the partial download is kept (the lab says), until the download completes."""

    @property
    def local_path(self) -> str:
        """Where the completed download is: beside its cache file, under the file's own name."""
        return posixpath.join(posixpath.dirname(self.cache_path), self.name)


class DeviceFiles:
    """Files on the device as its shell sees them."""

    def __init__(self, device: Device) -> None:
        self._device = device

    def size(self, path: str) -> int | None:
        """The file's size in bytes (`wc -c`), or None when there is no such file."""
        result = self._device.shell(f"wc -c {shlex.quote(path)}")
        if self._missing(result):
            return None
        return int(result.output.split()[0])

    def exists(self, path: str) -> bool:
        """Whether `ls PATH` finds the file."""
        result = self._device.shell(f"ls {shlex.quote(path)}")
        return not self._missing(result)

    @staticmethod
    def _missing(result: CommandResult) -> bool:
        """True for "No such file"; any other failure of the command is the lab's problem."""
        if result.ok:
            return False
        if "No such file" in result.output + result.stderr:
            return True
        raise DeviceCommandError(result.command, result.exit_status, result.output + result.stderr)


@pytest.fixture
def cloud_file(lab: LabControl) -> Callable[..., CloudFile]:
    """`cloud_file("name.jpg", size=FILE_SIZE)`: a new file in the cloud account."""

    def add(name: str, size: int = FILE_SIZE) -> CloudFile:
        uri = lab.add_cloud_file(name, size)
        return CloudFile(name, size, uri, lab.download_cache_path(name))

    return add


@pytest.fixture
def device_files(device: Device) -> DeviceFiles:
    return DeviceFiles(device)


class DownloadChecks:
    """Checks of one download's progress events against the edition."""

    def __init__(self, cloudsync: CloudSync, spec: Edition, files: DeviceFiles) -> None:
        self._cloudsync = cloudsync
        self.files = files
        self._fields = {field.name for field in spec.interface("DownloadProgress").fields}
        self.state = spec.enum("State")

    def describe(self, events: list[Any]) -> list[str]:
        return [self._cloudsync.describe(event) for event in events]

    @staticmethod
    def state_of(event: Any) -> Any:
        """The event's `state` (None for an event that is not an object)."""
        return event.get("state") if isinstance(event, dict) else None

    def _expect_shaped(self, events: list[Any]) -> None:
        shapeless = [e for e in events if not isinstance(e, dict) or not self._fields <= e.keys()]
        assert not shapeless, f"progress events have the DownloadProgress fields: {shapeless}"

    def expect_complete(self, events: list[Any], file: CloudFile) -> None:
        """RUNNING events with `processed` growing, never decreasing and within `size`, then one
        COMPLETED with `processed == size`; every event carries the file's uri; the file is then on the
        device with its size."""
        self._expect_shaped(events)
        *running, last = events
        assert running, f"RUNNING events come before the end: {self.describe(events)}"
        assert all(event["state"] == self.state["RUNNING"] for event in running), self.describe(events)
        processed = [event["processed"] for event in running]
        assert processed == sorted(processed), f"processed never decreases: {processed}"
        assert len(processed) < 2 or processed[-1] > processed[0], f"processed grows: {processed}"
        assert all(0 <= value <= event["size"] for value, event in zip(processed, running, strict=True)), (
            f"processed stays within size: {self.describe(running)}"
        )
        assert last["state"] == self.state["COMPLETED"], (
            f"the download ends COMPLETED: {self.describe(events)}"
        )
        assert last["processed"] == last["size"] == file.size, (
            f"COMPLETED has processed == size == {file.size}: {self.describe([last])}"
        )
        assert [event["uri"] for event in events] == [file.uri] * len(events), (
            f"every event carries the uri passed to start(), {file.uri!r}: {[e['uri'] for e in events]}"
        )
        on_device = self.files.size(file.local_path)
        assert on_device == file.size, (
            f"{file.local_path} is on the device with {file.size} bytes: {on_device}"
        )


@pytest.fixture
def downloads(cloudsync: CloudSync, spec: Edition, device_files: DeviceFiles) -> DownloadChecks:
    return DownloadChecks(cloudsync, spec, device_files)
