"""The generated deviations: stable ids, every family, observers that exist, each one a real change."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ohos_emulator.generated import find_deviation, generated_deviations
from ohos_emulator.mutants import SEEDED_DEVIATIONS
from ohos_emulator.profiles import API10_DOC
from ohos_protocol.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]
FAMILIES = {
    "error codes", "messages", "enums", "thresholds", "events", "event order", "error types",
    "progress fields", "callbacks", "routes", "argument checks",
}  # fmt: skip


def test_there_are_several_hundred_in_every_family():
    deviations = generated_deviations()
    assert len(deviations) >= 300
    assert {d.family for d in deviations.values()} == FAMILIES


def test_ids_are_stable_and_distinct_from_the_hand_written_ones():
    names = list(generated_deviations())
    assert names == list(generated_deviations.__wrapped__())
    assert not set(names) & set(SEEDED_DEVIATIONS)
    assert all(name.isascii() and " " not in name for name in names)


def test_every_observer_is_a_suite_path():
    for deviation in generated_deviations().values():
        assert deviation.observers, deviation.name
        for path in deviation.observers:
            assert path.startswith("suites") and (REPO / path).exists(), (deviation.name, path)


@pytest.mark.parametrize("name", [n for n, d in generated_deviations().items() if d.profile_change])
def test_a_profile_deviation_changes_the_profile(name):
    changed = generated_deviations()[name].profile_change(API10_DOC)
    assert (changed.service, changed.napi) != (API10_DOC.service, API10_DOC.napi)


def test_a_name_is_found_among_both_kinds_and_an_unknown_one_is_refused():
    assert find_deviation("wrong-enum-value") is SEEDED_DEVIATIONS["wrong-enum-value"]
    first = next(iter(generated_deviations()))
    assert find_deviation(first) is generated_deviations()[first]
    with pytest.raises(ConfigError, match="unknown seeded deviation"):
        find_deviation("no-such-deviation")


def test_the_emulator_program_lists_them_with_their_observers():
    listed = subprocess.run(
        [sys.executable, "-m", "ohos_emulator", "deviations", "--generated", "--json"],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    rows = json.loads(listed.stdout)
    assert [row["name"] for row in rows] == list(generated_deviations())
    assert all(row["observers"] and row["description"] for row in rows)
