"""The suites catch a fixed, seeded sample of the generated deviations (the whole set: `make selfcheck`).

The sample is drawn from the whole set (so it stays the same when docs/selfcheck.md changes); the
survivors docs/selfcheck.md lists are left out of it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harness.selfcheck import check_one, sample_of
from ohos_emulator.generated import generated_deviations

SAMPLE, SEED = 12, 1
SURVIVOR_ROW = re.compile(r"^\| `([^`]+)` \| (equivalent|gap) \|", re.MULTILINE)
DOCS = Path(__file__).resolve().parents[2] / "docs" / "selfcheck.md"


def documented_survivors() -> set[str]:
    """The ids docs/selfcheck.md lists as survivors (equivalent or gap)."""
    return {name for name, _ in SURVIVOR_ROW.findall(DOCS.read_text(encoding="utf-8"))}


DRAWN = sample_of(list(generated_deviations()), SAMPLE, SEED)
SAMPLED = [name for name in DRAWN if name not in documented_survivors()]


def test_every_documented_survivor_is_a_generated_deviation():
    assert documented_survivors() <= set(generated_deviations())


@pytest.mark.parametrize("name", SAMPLED)
def test_the_suites_catch_the_generated_deviation(name, record_selfcheck):
    result = check_one(generated_deviations()[name])
    record_selfcheck(result)
    assert result.verdict == "caught", (
        f"the suites did not catch {name} ({result.deviation.description}): {result.verdict} {result.detail}"
    )
