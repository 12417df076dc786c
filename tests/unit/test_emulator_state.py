"""The emulated device's state file: what survives a restart, written once per batch of changes."""

from __future__ import annotations

import json
from pathlib import Path

from ohos_emulator.state import DeviceState


def test_changes_inside_one_save_are_written_once_at_its_end(tmp_path: Path):
    path = tmp_path / "state.json"
    state = DeviceState(path)
    battery = state.section("battery", {"capacity": 80})
    network = state.section("network", {"wifi": True})
    with state.one_save():
        battery["capacity"] = 12
        state.save()
        with state.one_save():
            network["wifi"] = False
            state.save()
        assert not path.exists()  # nothing written while the batch runs
    assert json.loads(path.read_text()) == {"battery": {"capacity": 12}, "network": {"wifi": False}}
    assert DeviceState(path).section("network", {})["wifi"] is False  # what a restart reads


def test_a_batch_without_changes_writes_nothing(tmp_path: Path):
    path = tmp_path / "state.json"
    with DeviceState(path).one_save():
        pass
    assert not path.exists()
