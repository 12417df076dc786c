"""Bad input never costs the last run: `ohos-hil run` replaces results only when tests ran."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_runs import CASES, PASSING_TEST, RUN_TIMEOUT, CliRun, cases, ohos_hil, path_options

from harness.errors import ConfigError
from harness.reports.history import history_without


def _snapshot(home: Path) -> dict[str, bytes]:
    return {str(f.relative_to(home)): f.read_bytes() for f in sorted(home.rglob("*")) if f.is_file()}


@pytest.fixture
def last_run(tmp_path: Path, reported_run: CliRun) -> Path:
    """A copy of a finished run's folder (results, report, JUnit, matrix, verdicts, log, history)."""
    home = tmp_path / "home"
    shutil.copytree(reported_run.paths.home, home)
    return home


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["--device", "nosuch"], 64),
        (["-k", "no_such_test_anywhere"], 64),
        (["--emulator-profile", "ohos-9"], 64),
        (["--history-limit", "0"], 64),
    ],
    ids=["unknown-device", "nothing-selected", "unknown-profile", "bad-history-limit"],
)
def test_a_usage_error_leaves_the_last_run_as_it_was(last_run: Path, args, status):
    before = _snapshot(last_run)
    run = ohos_hil("run", "--no-report", *path_options(last_run), *args, home=last_run)
    assert run.exit_status == status, run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert _snapshot(last_run) == before
    report = ohos_hil("report", *path_options(last_run), home=last_run)  # the report can still be made
    assert report.exit_status == 0, report.stdout + report.stderr


def test_a_run_that_ran_tests_replaces_the_last_one(last_run: Path):
    run = ohos_hil("run", "--no-report", *path_options(last_run), *cases(PASSING_TEST), home=last_run)
    assert run.exit_status == 0, run.stdout + run.stderr
    results = [json.loads(f.read_text()) for f in (last_run / "allure-results").glob("*-result.json")]
    assert [r["status"] for r in results] == ["passed"]
    verdicts = (last_run / "verdicts.jsonl").read_text()
    assert PASSING_TEST in verdicts and "start_unplugged" not in verdicts
    assert not list(last_run.glob(".ohos-hil-run-*"))  # no staging folder left behind


def test_an_interrupted_run_keeps_the_tests_that_ended(last_run: Path):
    options = [*path_options(last_run), "--no-report", "-k", f"{PASSING_TEST} or e2e_waits", "--", str(CASES)]
    command = [sys.executable, "-m", "harness.cli.main", "run", *options]
    run = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert run.stdout is not None
        deadline = time.monotonic() + RUN_TIMEOUT
        for line in run.stdout:  # the first test's progress line: it ended, the second one waits
            if line.startswith("[  1] pass") or time.monotonic() > deadline:
                break
        os.killpg(run.pid, signal.SIGINT)  # Ctrl-C, as a terminal sends it: to the whole group
        assert run.wait(timeout=60) == 130
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait(timeout=15)
    verdicts = (last_run / "verdicts.jsonl").read_text()
    assert PASSING_TEST in verdicts and "start_unplugged" not in verdicts
    results = [json.loads(f.read_text()) for f in (last_run / "allure-results").glob("*-result.json")]
    assert "passed" in [r["status"] for r in results]
    assert not list(last_run.glob(".ohos-hil-run-*"))


def test_a_usage_error_in_a_new_folder_creates_nothing(tmp_path: Path):
    home = tmp_path / "new" / "reports"
    run = ohos_hil("run", "--no-report", *path_options(home), "--device", "nosuch", home=home)
    assert run.exit_status == 64, run.stdout + run.stderr
    assert not home.exists()


def _history(path: Path, names: list[str]) -> None:
    path.write_text("".join(json.dumps({"name": name}) + "\n" for name in names), encoding="utf-8")


def test_the_history_keeps_the_last_runs_only(tmp_path: Path):
    _history(tmp_path / "history.jsonl", [f"run {n}" for n in range(1, 8)])
    staged = history_without(tmp_path / "history.jsonl", "run 8", tmp_path / "staged.jsonl", limit=3)
    assert [json.loads(line)["name"] for line in staged.read_text().splitlines()] == ["run 6", "run 7"]
    with pytest.raises(ConfigError, match="at least 1 run"):
        history_without(tmp_path / "history.jsonl", "run 8", tmp_path / "staged.jsonl", limit=0)
