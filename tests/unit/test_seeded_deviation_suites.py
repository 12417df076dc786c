"""The suite files a seeded deviation names exist (the self-check runs only those)."""

from __future__ import annotations

from pathlib import Path

from ohos_emulator.mutants import SEEDED_DEVIATIONS

REPO = Path(__file__).resolve().parents[2]


def test_every_seeded_deviation_names_existing_suite_files():
    missing = {
        name: [path for path in deviation.suites if not (REPO / path).is_file()]
        for name, deviation in SEEDED_DEVIATIONS.items()
    }
    assert {name: paths for name, paths in missing.items() if paths} == {}
