"""The suites catch every seeded deviation of the emulated device (one per requirement family)."""

from __future__ import annotations

import pytest

from harness.selfcheck import check_one
from ohos_emulator.mutants import SEEDED_DEVIATIONS


@pytest.mark.parametrize("name", sorted(SEEDED_DEVIATIONS))
def test_the_suites_catch_the_seeded_deviation(name, record_selfcheck):
    result = check_one(SEEDED_DEVIATIONS[name])
    record_selfcheck(result)
    assert result.verdict == "caught", (
        f"the suites did not catch {name} ({result.deviation.description}): {result.verdict} {result.detail}"
    )
