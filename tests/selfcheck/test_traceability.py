"""Every requirement of the edition is checked by at least one suite test."""

from __future__ import annotations

import pytest

from harness.spec import load_edition
from harness.traceability import collect_coverage


@pytest.fixture(scope="module")
def coverage():
    return collect_coverage(load_edition("api10-doc"))


def test_every_requirement_is_checked_by_a_test(coverage):
    assert coverage.untested == [], f"{len(coverage.untested)} requirements have no test: {coverage.untested}"


def test_every_suite_test_names_a_requirement(coverage):
    assert coverage.unlabelled == (), f"tests without a requirement marker: {coverage.unlabelled}"
