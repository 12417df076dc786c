"""Condition presets (fixtures/conditions): every shipped one loads; a bad one names file and line."""

from __future__ import annotations

import pytest

from harness.controls.presets import MAX_PRESET_BYTES, load_preset
from harness.errors import ConfigError
from harness.fixture_files import condition_files


def test_the_shipped_presets():
    assert {"low-battery", "wifi-only", "offline", "storage-full"} <= set(condition_files())
    assert load_preset("low-battery").settings == {"battery": {"capacity": 10, "charging": False}}
    assert load_preset("wifi-only").settings == {"network": {"wifi": True, "cellular": False}}
    assert load_preset("offline").settings == {"network": {"wifi": False, "cellular": False}}
    assert load_preset("storage-full").settings == {"storage": {"leave_free": 0}}
    assert load_preset("low-battery").needs == {"battery_control"}
    assert load_preset("storage-full").needs == frozenset()
    for name in condition_files():
        assert load_preset(name).description


def test_an_unknown_preset_lists_the_known_ones():
    with pytest.raises(ConfigError, match=r"unknown condition preset 'wifi'; known: .*wifi-only"):
        load_preset("wifi")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("description: x\nbattery: {capacity: [10\n", r"bad\.yaml:3: invalid YAML"),
        (
            "description: x\nbattery:\n  capacity: 10\n  charge: false\n",
            r"bad\.yaml:4: battery\.charge: unknown key 'charge' \(did you mean 'charging'\?\)",
        ),
        (
            "description: x\nnetwork:\n  wifi: on\n",
            r"bad\.yaml:3: network\.wifi: expected a boolean .*got 'on'",
        ),
        (
            "description: x\nbattery:\n  capacity: 120\n",
            r"bad\.yaml:3: battery\.capacity: expected 0\.\.100 %, got 120",
        ),
        ("description: x\nstorage: {}\n", r"bad\.yaml:2: storage: sets nothing"),
        ("battery: {capacity: 5}\n", r"bad\.yaml:1: missing key 'description'"),
        ("description: x\nsound: {volume: 3}\n", r"bad\.yaml:2: sound: unknown key 'sound'"),
        ("description: x\ndescription: y\n", r"bad\.yaml:2: duplicate key 'description' \(first at line 1\)"),
    ],
)
def test_a_bad_preset_names_its_file_and_line(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_preset(str(path))


def test_a_preset_larger_than_the_bound_is_refused_unparsed(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_text("description: x\n" + "#" * MAX_PRESET_BYTES + "\n")
    with pytest.raises(ConfigError, match=rf"huge\.yaml: larger than {MAX_PRESET_BYTES} bytes"):
        load_preset(str(path))
