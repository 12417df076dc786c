"""A child pytest is judged from its verdict log: caught, missed or error, never from JUnit text."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.child_pytest import CAUGHT, ERROR, MISSED, run_child, run_parallel
from harness.reports.outcomes import Verdict

FILES = {
    "test_deviates.py": "def test_breaks():\n    raise ConnectionError('lab gone')\n\n"
    "def test_deviates():\n    assert 'got' == 'want'\n",
    "test_breaks.py": "def test_breaks():\n    raise ConnectionError('lab gone')\n",
    "test_passes.py": "def test_passes():\n    assert True\n",
    "test_hangs.py": "import threading\n\ndef test_hangs():\n    threading.Event().wait()\n",
}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("child")
    for name, text in FILES.items():
        (work / name).write_text(text)
    return work


def test_a_deviation_is_caught_even_next_to_a_broken_test(workdir: Path):
    run = run_child(["test_deviates.py", "-q"], cwd=workdir, timeout=120)
    assert run.outcome == CAUGHT
    assert run.deciding_test is not None and run.deciding_test.name == "test_deviates"
    assert run.detail.startswith("AssertionError")
    assert [t.verdict for t in run.verdicts.tests] == [Verdict.BROKEN, Verdict.DEVIATION]


def test_only_broken_tests_are_an_error_not_a_catch(workdir: Path):
    run = run_child(["test_breaks.py", "-q"], cwd=workdir, timeout=120)
    assert (run.outcome, run.exitstatus) == (ERROR, 1)
    assert "ConnectionError: lab gone" in run.detail


def test_a_passing_run_missed(workdir: Path):
    run = run_child(["test_passes.py", "-q"], cwd=workdir, timeout=120)
    assert (run.outcome, run.exitstatus, len(run.verdicts.tests)) == (MISSED, 0, 1)


def test_a_run_pytest_refuses_is_an_error(workdir: Path):
    run = run_child(["test_passes.py", "--no-such-option"], cwd=workdir, timeout=120)
    assert (run.outcome, run.exitstatus) == (ERROR, 4)
    assert "without verdicts" in run.detail


def test_a_run_past_its_timeout_is_stopped_and_an_error(workdir: Path):
    run = run_child(["test_hangs.py", "-q"], cwd=workdir, timeout=5)
    assert (run.outcome, run.exitstatus) == (ERROR, None)
    assert run.detail == "the child pytest timed out"


def test_parallel_runs_keep_the_order_of_their_items(workdir: Path):
    def outcome(name: str) -> str:
        return run_child([name, "-q"], cwd=workdir, timeout=120).outcome

    assert run_parallel(outcome, ["test_passes.py", "test_deviates.py", "test_breaks.py"], jobs=2) == [
        MISSED,
        CAUGHT,
        ERROR,
    ]
