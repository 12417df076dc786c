"""Edition api10-doc against the two behaviour profiles of the emulated device.

Against `api10-doc` the suites pass completely. Against `ohos-4.0` they fail exactly on the seven
known deviations of docs/cloudsync-behaviour.md, and nothing else: every failing test names a
requirement of suites/waivers/ohos-4.0.yaml, and every one of its seven deviations is seen failing.
With the waiver file the same failures are known deviations, and on a conformant device its
waivers are reported stale.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.child_pytest import run_child
from harness.reports.outcomes import Verdict
from harness.reports.verdict_log import RunVerdicts
from harness.spec import load_edition
from harness.waivers import load_waivers

WAIVERS = load_waivers("ohos-4.0", load_edition("api10-doc"))


def run_suites(tmp_path: Path, *options: str) -> RunVerdicts:
    return run_child(["suites", "-q", *options], verdicts=tmp_path / "verdicts.jsonl").verdicts


def by_verdict(run: RunVerdicts, verdict: Verdict) -> list[str]:
    return [test.nodeid for test in run.tests if test.verdict is verdict]


def waived(test_requirements: tuple[str, ...]) -> set[str]:
    return {w.id for rid in test_requirements if (w := WAIVERS.waiver_for(rid)) is not None}


def test_the_waiver_file_holds_the_seven_known_deviations():
    assert [w.id for w in WAIVERS.waivers] == [f"D{n}" for n in range(1, 8)]


def test_api10_doc_profile_passes_completely(tmp_path):
    run = run_suites(tmp_path, "--emulator-profile", "api10-doc")
    assert run.tests, "the suites ran"
    not_passed = [
        (t.nodeid, t.verdict.value, t.message[:200]) for t in run.tests if t.verdict is not Verdict.PASS
    ]
    assert not_passed == []


@pytest.fixture(scope="module")
def ohos_4_0_run(tmp_path_factory):
    return run_suites(tmp_path_factory.mktemp("ohos-4.0"), "--emulator-profile", "ohos-4.0")


def test_ohos_4_0_fails_only_on_the_known_deviations(ohos_4_0_run):
    assert by_verdict(ohos_4_0_run, Verdict.BROKEN) == []
    failing = [t for t in ohos_4_0_run.tests if t.verdict is Verdict.DEVIATION]
    unexplained = [t.nodeid for t in failing if not waived(t.requirements)]
    assert unexplained == [], "failures that no known deviation explains"
    seen = set().union(*(waived(t.requirements) for t in failing))
    assert seen == {w.id for w in WAIVERS.waivers}, "every known deviation shows up as a failure"


def test_ohos_4_0_tests_that_pass_name_no_waived_requirement(ohos_4_0_run):
    passing_but_waived = [
        t.nodeid for t in ohos_4_0_run.tests if t.verdict is Verdict.PASS and waived(t.requirements)
    ]
    assert passing_but_waived == [], "a waiver names a requirement that ohos-4.0 meets"


def test_with_the_waivers_ohos_4_0_shows_known_deviations_only(tmp_path, ohos_4_0_run):
    run = run_suites(tmp_path, "--emulator-profile", "ohos-4.0", "--waivers", "ohos-4.0")
    assert by_verdict(run, Verdict.DEVIATION) == [] and by_verdict(run, Verdict.BROKEN) == []
    assert by_verdict(run, Verdict.STALE_WAIVER) == []
    assert sorted(by_verdict(run, Verdict.KNOWN_DEVIATION)) == sorted(
        by_verdict(ohos_4_0_run, Verdict.DEVIATION)
    )


def test_on_a_conformant_device_the_waivers_are_stale(tmp_path):
    run = run_suites(tmp_path, "--emulator-profile", "api10-doc", "--waivers", "ohos-4.0")
    stale = by_verdict(run, Verdict.STALE_WAIVER)
    assert stale, "waived tests that pass are reported as stale waivers"
    assert all(waived(t.requirements) for t in run.tests if t.verdict is Verdict.STALE_WAIVER)
    assert by_verdict(run, Verdict.DEVIATION) == []
