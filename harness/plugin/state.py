"""Per-run state of the plugin (the edition and the device registry), kept in pytest's stash."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from harness.errors import ConfigError
from harness.registry import DeviceRegistry
from harness.spec.model import Edition
from harness.waivers import WaiverFile, load_waivers


@dataclass
class RunState:
    edition: Edition
    registry: DeviceRegistry
    waiver_option: str | None = None
    """``--waivers``: one waiver file for every device (else each inventory device's own)."""
    _waivers: dict[str, WaiverFile] = field(default_factory=dict)

    def waivers_for(self, device_id: str) -> WaiverFile | None:
        name = self.waiver_option or self.registry.waivers(device_id)
        if name is None:
            return None
        if name not in self._waivers:
            try:
                self._waivers[name] = load_waivers(name, self.edition)
            except ConfigError as exc:
                raise pytest.UsageError(str(exc)) from None
        return self._waivers[name]


RUN_STATE = pytest.StashKey[RunState]()


def run_state(config: pytest.Config) -> RunState:
    return config.stash[RUN_STATE]
