"""The suite paths (observers) each seeded deviation names exist: the self-check runs only those."""

from __future__ import annotations

from pathlib import Path

from ohos_emulator.mutants import SEEDED_DEVIATIONS

REPO = Path(__file__).resolve().parents[2]


def test_every_seeded_deviation_names_existing_suite_paths():
    missing = {
        name: [path for path in deviation.observers if not (REPO / path).exists()]
        for name, deviation in SEEDED_DEVIATIONS.items()
    }
    assert {name: paths for name, paths in missing.items() if paths} == {}
