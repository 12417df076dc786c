"""`ohos-hil run`, `report` and `shell` as a user runs them, against the embedded emulated device."""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from cli_runs import (
    DEVIATING_TEST,
    DEVIATING_TITLE,
    PASSING_TEST,
    PASSING_TITLE,
    CliRun,
    cases,
    ohos_hil,
    path_options,
)

DEVIATING_REQUIREMENTS = {"GallerySync.start.promise.E22400003", "ErrorType.note.start-refused-low-battery"}
CASES_FILE = "tests/reports/run_cases.py"


def _no_node_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a machine without Node.js (an empty PATH: nothing to find)."""
    empty = tmp_path / "empty-bin"
    empty.mkdir(exist_ok=True)
    return {**os.environ, "PATH": str(empty)}


def _clean_failure(run: CliRun, status: int, message: str) -> None:
    assert run.exit_status == status, run.stdout + run.stderr
    assert message in run.stderr
    assert "Traceback" not in run.stdout + run.stderr


def test_a_run_shows_progress_and_a_summary_and_exits_1_on_a_deviation(reported_run: CliRun):
    out = reported_run.stdout
    assert reported_run.exit_status == 1, out + reported_run.stderr
    assert f"DEVIATION       {CASES_FILE}::{DEVIATING_TEST}[emu-0001]" in out
    assert f"pass            {CASES_FILE}::{PASSING_TEST}[emu-0001]" in out
    assert "  conformant             1\n  deviations             1\n" in out
    assert f"Deviations (1)\n  {CASES_FILE}::{DEVIATING_TEST}[emu-0001]\n" in out
    assert "  emu-0001  2 DEVIATION · 1 pass · 137 not run" in out
    assert f"Report   {reported_run.paths.report / 'index.html'}" in out
    assert "Verdict  DEVIATIONS FOUND; PARTIAL: 137 of 140 requirements not run (exit 1)" in out
    requirements = "GallerySync.start.promise.E22400003, ErrorType.note.start-refused-low-battery"
    assert f"{requirements}: GallerySync.start() [promise]: expected rejected error" in " ".join(out.split())
    assert "Traceback" not in out + reported_run.stderr


def test_a_run_writes_junit_and_the_matrix_next_to_the_results(reported_run: CliRun):
    paths = reported_run.paths
    cases = ET.parse(paths.junit).getroot().iter("testcase")  # noqa: S314 (our own file)
    outcomes = {case.get("name"): [child.tag for child in case] for case in cases}
    assert outcomes == {f"{DEVIATING_TEST}[emu-0001]": ["failure"], f"{PASSING_TEST}[emu-0001]": []}
    matrix = json.loads(paths.matrix_json.read_text())
    cells = {row["id"]: row["cells"]["emu-0001"]["verdict"] for row in matrix["requirements"]}
    assert len(cells) == 140
    assert {rid for rid, verdict in cells.items() if verdict == "DEVIATION"} == DEVIATING_REQUIREMENTS
    assert [rid for rid, verdict in cells.items() if verdict == "pass"] == ["GallerySync.on.param.evt"]
    assert matrix["coverage"]["emu-0001"]["not run"] == 137
    markdown = paths.matrix_markdown.read_text()
    assert "| not run | 137 |" in markdown
    assert "[GallerySync.start.promise.E22400003](" in markdown


def test_the_report_carries_environment_executor_matrix_and_both_tests(reported_run: CliRun):
    results, report = reported_run.paths.results, reported_run.paths.report
    environment = dict(
        line.split("=", 1) for line in (results / "environment.properties").read_text().splitlines()
    )
    assert environment["devices"] == "emu-0001"
    assert (environment["api_levels"], environment["transports"], environment["emulator_profile"]) == (
        "10", "hdc", "ohos-4.0"
    )  # fmt: skip
    assert environment["allure"] == "3.18.0"
    assert environment["node"].startswith("v")
    executor = json.loads((results / "executor.json").read_text())
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", executor["buildName"])  # when the run started
    statuses = {}
    for file in (report / "data" / "test-results").glob("*.json"):
        result = json.loads(file.read_text())
        statuses[result["name"]] = result["status"]
    assert statuses == {DEVIATING_TITLE: "failed", PASSING_TITLE: "passed"}
    global_attachments = json.loads((report / "widgets" / "globals.json").read_text())["attachments"]
    assert {a["name"] for a in global_attachments} == {"Conformance matrix", "Conformance matrix (Markdown)"}
    environment_widget = json.loads((report / "widgets" / "allure_environment.json").read_text())
    assert {"name": "api_levels", "values": ["10"]} in environment_widget


def test_an_unreachable_shim_is_an_infrastructure_error_with_exit_2(tmp_path: Path):
    options = ["--no-report", *path_options(tmp_path), *cases(PASSING_TEST)]
    run = ohos_hil("run", *options, home=tmp_path, env=_no_node_env(tmp_path))
    assert run.exit_status == 2, run.stdout + run.stderr
    assert "Infrastructure errors (1)" in run.stdout
    words = " ".join(run.stdout.split())  # the console wraps long messages between words
    assert "aa start -a EntryAbility -b com.ohoshil.shim --ps token <redacted>` exited 1" in words
    assert (
        "Verdict  INCOMPLETE: infrastructure errors; PARTIAL: 139 of 140 requirements not run (exit 2)"
        in run.stdout
    )
    assert not run.paths.report.exists()
    assert run.paths.junit.exists()


def test_regenerating_keeps_one_history_entry_per_run(tmp_path: Path, reported_run: CliRun):
    shutil.copytree(reported_run.paths.results, tmp_path / "allure-results")
    shutil.copy(reported_run.paths.history, tmp_path / "history.jsonl")
    regenerated = ohos_hil("report", *path_options(tmp_path), home=tmp_path)
    assert regenerated.exit_status == 0, regenerated.stdout + regenerated.stderr
    history = regenerated.paths.history
    assert len(history.read_text().splitlines()) == 1
    second = ohos_hil("run", *path_options(tmp_path), *cases(PASSING_TEST), home=tmp_path)
    assert second.exit_status == 0, second.stdout + second.stderr
    entries = [json.loads(line) for line in history.read_text().splitlines()]
    assert len(entries) == 2
    assert entries[0]["name"] != entries[1]["name"]
    (result,) = [
        json.loads(f.read_text()) for f in (second.paths.report / "data" / "test-results").glob("*.json")
    ]
    assert [entry["status"] for entry in result["history"]] == ["passed"]  # in the run before


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["run", "--no-report", "--device", "nope"], 64, "unknown device 'nope'"),
        (["run", "--no-report", "-k", "no_such_test_anywhere"], 64, "no tests ran"),
        (["run", "--no-report", "--emulator-profile", "ohos-9"], 64, "unknown emulator profile 'ohos-9'"),
    ],
    ids=["unknown-device", "nothing-selected", "unknown-profile"],
)
def test_bad_run_options_exit_with_a_clear_message(tmp_path: Path, args, status, message):
    _clean_failure(ohos_hil(*args, *path_options(tmp_path), home=tmp_path), status, message)


def test_a_run_without_node_stops_before_the_suites(tmp_path: Path):
    run = ohos_hil("run", *path_options(tmp_path), home=tmp_path, env=_no_node_env(tmp_path))
    _clean_failure(run, 2, "Node.js (node and npx) is not on PATH")
    assert "or run with --no-report" in run.stderr
    assert not run.paths.verdicts.exists()


def test_a_results_folder_with_other_files_is_not_cleaned(tmp_path: Path):
    results = tmp_path / "allure-results"
    results.mkdir()
    (results / "notes.txt").write_text("mine")
    run = ohos_hil("run", "--no-report", *path_options(tmp_path), home=tmp_path)
    _clean_failure(run, 64, "refusing to clean")
    assert (results / "notes.txt").read_text() == "mine"


def test_report_refuses_empty_foreign_and_missing_results(tmp_path: Path, reported_run: CliRun):
    (tmp_path / "allure-results").mkdir()
    _clean_failure(ohos_hil("report", *path_options(tmp_path), home=tmp_path), 64, "holds no Allure results")
    foreign = tmp_path / "allure-results" / "0-result.json"
    foreign.write_text(
        json.dumps({"name": "t", "status": "passed", "labels": [{"name": "suite", "value": "x"}]})
    )
    _clean_failure(ohos_hil("report", *path_options(tmp_path), home=tmp_path), 64, "none from ohos-hil")
    missing = tmp_path / "missing"
    _clean_failure(ohos_hil("report", *path_options(missing), home=missing), 64, "no results folder")


def test_report_without_node_and_over_a_foreign_folder_fails_cleanly(tmp_path: Path, reported_run: CliRun):
    home = tmp_path / "copy"
    shutil.copytree(reported_run.paths.results, home / "allure-results")
    no_node = ohos_hil("report", *path_options(home), home=home, env=_no_node_env(tmp_path))
    _clean_failure(no_node, 2, "Node.js (node and npx) is not on PATH")
    (home / "allure-report").mkdir()
    (home / "allure-report" / "thesis.odt").write_text("precious")
    _clean_failure(ohos_hil("report", *path_options(home), home=home), 64, "refusing to replace")
    assert (home / "allure-report" / "thesis.odt").read_text() == "precious"


def test_shell_prints_the_output_and_exits_with_the_commands_status(tmp_path: Path):
    ran = ohos_hil("shell", "emu-0001", "param get const.ohos.apiversion; ls /data/no/such", home=tmp_path)
    assert ran.exit_status == 1, ran.stdout + ran.stderr  # the status of the last command, as a shell's
    assert ran.stdout.splitlines()[0] == "10"
    assert "No such file or directory" in ran.stdout + ran.stderr
    _clean_failure(ohos_hil("shell", "nope", "ls", home=tmp_path), 64, "unknown device 'nope'")


def test_report_open_serves_the_report_on_loopback_until_interrupted(tmp_path: Path, reported_run: CliRun):
    shutil.copytree(reported_run.paths.results, tmp_path / "allure-results")
    env = {key: value for key, value in os.environ.items() if key not in ("DISPLAY", "WAYLAND_DISPLAY")}
    command = [sys.executable, "-m", "harness.cli.main", "report", "--open", *path_options(tmp_path)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        url = _serving_url(server, deadline=time.monotonic() + 60)
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url, timeout=10) as page:  # noqa: S310 (checked: http on loopback)
            assert page.status == 200
            assert "<html" in page.read().decode()
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=15) == 130
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=15)
    assert "Traceback" not in server.stderr.read()


def _serving_url(server: subprocess.Popen[str], deadline: float) -> str:
    assert server.stdout is not None
    while time.monotonic() < deadline:
        ready, _, _ = select.select([server.stdout], [], [], 0.2)
        if ready:
            line = server.stdout.readline()
            if line.startswith("Serving"):
                return line.split()[1]
            assert line, f"report --open ended: {server.stderr.read() if server.stderr else ''}"
    raise AssertionError("report --open did not say where it serves within 60 s")
