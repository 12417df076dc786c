"""`ohos-hil run --coordinator --reserve` against the real labgrid engine (coordinator, two exporters).

The suites are a `-k` subset (KEYWORD below, 9 tests per device) so that four devices stay quick on
a shared machine; the whole suites use the same path.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lab_processes import Lab, LabProcesses, free_port, lab_env

from harness.controls.journal import RestoreJournal
from harness.labgrid.session import LabgridSession

KEYWORD = "start_errors"
FOUR_PLACES = ["hostA-emu-0001", "hostA-emu-0002", "hostB-emu-0001", "hostB-emu-0002"]
RUN_SECONDS = 600


def run_args(lab: Lab, home: Path, *extra: str) -> list[str]:
    command = [sys.executable, "-m", "harness.cli.main", "run", "--coordinator", lab.address, "--no-report"]
    command += ["--results", str(home / "allure-results"), "--report", str(home / "allure-report")]
    return command + list(extra)


def ohos_hil_run(lab: Lab, home: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        run_args(lab, home, *extra),
        capture_output=True,
        text=True,
        env=lab.env,
        timeout=RUN_SECONDS,
        check=False,
    )


def start_run(lab: Lab, home: Path, *extra: str) -> subprocess.Popen[str]:
    home.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        run_args(lab, home, *extra), stdout=(home / "out.log").open("w"), stderr=subprocess.STDOUT,
        text=True, env=lab.env, start_new_session=True,
    )  # fmt: skip


def acquired(lab: Lab) -> dict[str, str]:
    session = LabgridSession(lab.address)
    try:
        return {name: place.acquired for name, place in session.places().items() if place.acquired}
    finally:
        session.close()


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def lab_steps(home: Path) -> dict[str, dict]:
    """The labgrid farm's steps in a run's Allure results, by name."""
    for path in (home / "allure-results").glob("*-result.json"):
        result = json.loads(path.read_text())
        if result["fullName"].startswith("labgrid farm"):
            return {step["name"]: step for step in result["steps"]}
    raise AssertionError(f"no labgrid farm result in {home}")


def matrix(home: Path) -> dict:
    return json.loads((home / "conformance-matrix.json").read_text())


SELECT = ["--reserve", "os=openharmony api=10", "--count", "4", "-n", "auto", "-k", KEYWORD]


def test_a_run_reserves_all_four_places_and_passes_on_each(lab: Lab, tmp_path: Path) -> None:
    done = ohos_hil_run(lab, tmp_path, *SELECT)
    assert done.returncode == 0, done.stdout + done.stderr
    table = matrix(tmp_path)
    assert sorted(table["devices"]) == FOUR_PLACES
    assert {row["lab_host"] for row in table["labgrid"]["devices"]} == {"hostA", "hostB"}
    for device in FOUR_PLACES:
        assert table["coverage"][device]["pass"] > 0, table["coverage"][device]
    steps = lab_steps(tmp_path)
    for place in FOUR_PLACES:
        assert steps[f"labgrid: acquire {place}"]["status"] == "passed"
        assert steps[f"labgrid: release {place}"]["status"] == "passed"
    assert "hostA-emu-0001 | hostA |" in (tmp_path / "conformance-matrix.md").read_text()
    in_report = (tmp_path / "allure-results" / "ohos-hil-matrix-attachment.html").read_text()
    assert "<td>hostB-emu-0002</td><td>hostB</td>" in in_report
    assert acquired(lab) == {}


def test_a_second_run_waits_for_the_places_or_times_out_naming_the_holder(lab: Lab, tmp_path: Path) -> None:
    first = start_run(lab, tmp_path / "first", *SELECT)
    try:
        wait_until(lambda: len(acquired(lab)) == 4, 120, "the first run to acquire four places")
        shown = lab.client("-p", "hostA-emu-0001", "show")  # people inspect the farm with labgrid-client
        assert "acquired: " in shown.stdout and "acquired: None" not in shown.stdout, shown.stdout
        refused = ohos_hil_run(lab, tmp_path / "refused", *SELECT, "--reserve-timeout", "2")
        assert refused.returncode == 2, refused.stdout + refused.stderr
        assert "timed out after 2 s" in refused.stderr
        assert f"ohos-hil pid {first.pid}" in refused.stderr, refused.stderr
        second = ohos_hil_run(lab, tmp_path / "second", *SELECT, "--reserve-timeout", "300")
    finally:
        first.wait(RUN_SECONDS)
    assert first.returncode == 0, (tmp_path / "first" / "out.log").read_text()
    assert second.returncode == 0, second.stdout + second.stderr
    assert "waiting for 4 more place(s)" in second.stdout
    before, after = lab_steps(tmp_path / "first"), lab_steps(tmp_path / "second")
    for place in FOUR_PLACES:  # never shared: the second run had each place only after the first let go
        assert after[f"labgrid: acquire {place}"]["start"] >= before[f"labgrid: release {place}"]["stop"]


def pending_journal_entries(lab: Lab) -> dict[str, int]:
    """Undo steps not yet run, per device journal of these runs."""
    folder = Path(lab.env["XDG_STATE_HOME"]) / "ohos-hil" / "journal"
    return {path.stem: len(RestoreJournal(path).pending()) for path in folder.glob("*.jsonl")}


def test_a_killed_run_has_its_places_taken_back_and_its_conditions_restored(lab: Lab, tmp_path: Path) -> None:
    killed = start_run(lab, tmp_path / "killed", *SELECT)
    wait_until(lambda: len(acquired(lab)) == 4, 120, "the run to acquire four places")
    progress = tmp_path / "killed" / "out.log"
    wait_until(lambda: "[  1]" in progress.read_text(), 120, "a test to end")
    os.killpg(killed.pid, signal.SIGKILL)  # the run, its pytest and workers: nothing restores anything
    assert killed.wait(30) == -signal.SIGKILL
    assert len(acquired(lab)) == 4  # labgrid keeps them acquired by the owner
    again = ohos_hil_run(lab, tmp_path / "again", *SELECT, "--reserve-timeout", "120")
    assert again.returncode == 0, again.stdout + again.stderr
    for place in FOUR_PLACES:
        assert f"took back place {place}: its holder (ohos-hil pid {killed.pid}" in again.stdout
    assert acquired(lab) == {}
    journals = pending_journal_entries(lab)
    assert set(FOUR_PLACES) <= set(journals), journals  # the devices changed conditions, journaled
    assert not any(journals.values()), journals


def test_coordinator_down_at_start_is_one_clear_line_and_exit_2(lab: Lab, tmp_path: Path) -> None:
    down = Lab("127.0.0.1:1", lab.work, lab.env)
    done = ohos_hil_run(down, tmp_path, "--reserve", "os=openharmony")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "ohos-hil: infrastructure error: labgrid coordinator 127.0.0.1:1 is unreachable"
    ]


def test_a_reservation_no_place_matches_prints_filter_and_known_tags(lab: Lab, tmp_path: Path) -> None:
    done = ohos_hil_run(lab, tmp_path, "--reserve", "os=openharmony api=99")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "no labgrid place matches api=99 os=openharmony" in done.stderr
    assert "hostA-emu-0001: api=10 lab_host=hostA os=openharmony" in done.stderr


def test_a_place_without_any_transport_is_refused_and_released(lab: Lab, tmp_path: Path) -> None:
    done = ohos_hil_run(lab, tmp_path, "--reserve", "broken=yes")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "labgrid place hostB-nothing has no transport the harness can use" in done.stderr
    assert "hostB/nothing/OhosDevice" in done.stderr
    assert "released hostB-nothing" in done.stdout
    assert acquired(lab) == {}


def test_a_place_acquired_by_someone_else_is_waited_for_then_named(lab: Lab, tmp_path: Path) -> None:
    taken = lab.client("-p", "hostA-emu-0002", "acquire", user="alice")
    assert taken.returncode == 0, taken.stderr
    try:
        done = ohos_hil_run(lab, tmp_path, "--reserve", "name=hostA-emu-0002", "--reserve-timeout", "2")
        assert done.returncode == 2, done.stdout + done.stderr
        assert "hostA-emu-0002 acquired by" in done.stderr and "/alice" in done.stderr, done.stderr
    finally:
        lab.client("-p", "hostA-emu-0002", "release", user="alice")
    assert acquired(lab) == {}


@pytest.mark.parametrize(
    "option",
    [["--count", "0"], ["--inventory", "devices/emulator.yaml"], ["--count", "1", "-n", "2"]],
    ids=["no-places", "with-inventory", "more-workers-than-places"],
)
def test_bad_reservation_options_are_usage_errors(lab: Lab, tmp_path: Path, option: list[str]) -> None:
    done = ohos_hil_run(lab, tmp_path, "--reserve", "os=openharmony api=10", *option)
    assert done.returncode == 64, done.stdout + done.stderr
    assert acquired(lab) == {}


def test_a_coordinator_lost_mid_run_lets_the_run_finish_and_says_so(tmp_path: Path) -> None:
    processes = LabProcesses(tmp_path / "lab", lab_env(tmp_path / "lab"))
    (tmp_path / "lab").mkdir()
    try:
        port = free_port()
        own = Lab(f"127.0.0.1:{port}", tmp_path / "lab", processes.env)
        coordinator = processes.coordinator(port)
        own.places_command(processes.lab_host("hostC", own.address), "hostC", "api=10")
        run = start_run(own, tmp_path / "run", "--reserve", "lab_host=hostC", "--count", "2", "-k", KEYWORD)
        progress = tmp_path / "run" / "out.log"
        wait_until(lambda: "labgrid: acquired" in progress.read_text(), 120, "the run to acquire its places")
        coordinator.terminate()
        coordinator.wait(15)
        assert run.wait(RUN_SECONDS) == 0, progress.read_text()  # every test ran on the devices it held
        output = progress.read_text()
        assert "labgrid: the reservation was lost during the run" in output, output
        assert "could not release hostC-emu-0001" in output
    finally:
        processes.stop()


def test_sigterm_releases_every_place(lab: Lab, tmp_path: Path) -> None:
    run = start_run(lab, tmp_path, *SELECT)
    wait_until(lambda: len(acquired(lab)) == 4, 120, "the run to acquire four places")
    wait_until(lambda: "[  1]" in (tmp_path / "out.log").read_text(), 120, "a test to end")
    run.send_signal(signal.SIGTERM)
    assert run.wait(120) == 143, (tmp_path / "out.log").read_text()
    output = (tmp_path / "out.log").read_text()
    assert all(f"labgrid: released {place}" in output for place in FOUR_PLACES), output
    assert acquired(lab) == {}
    assert not any(pending_journal_entries(lab).values())


def test_lg_coordinator_stands_for_the_option(lab: Lab, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "harness.cli.main", "run", "--no-report", "--reserve", "os=none"]
    env = dict(lab.env, LG_COORDINATOR=lab.address)
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=RUN_SECONDS, check=False)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "no labgrid place matches os=none" in done.stderr


def test_a_place_whose_exporter_is_gone_is_refused_and_released(tmp_path: Path) -> None:
    processes = LabProcesses(tmp_path / "lab", lab_env(tmp_path / "lab"))
    (tmp_path / "lab").mkdir()
    try:
        port = free_port()
        own = Lab(f"127.0.0.1:{port}", tmp_path / "lab", processes.env)
        processes.coordinator(port)
        own.places_command(processes.lab_host("hostD", own.address), "hostD", "api=10")
        exporter = processes.processes[-1]
        exporter.terminate()
        exporter.wait(15)
        wait_until(lambda: "hostD" not in own.client("resources").stdout, 30, "its resources to go")
        done = ohos_hil_run(own, tmp_path / "run", "--reserve", "name=hostD-emu-0001")
        assert done.returncode == 2, done.stdout + done.stderr
        assert "hostD-emu-0001 has no transport" in done.stderr
        assert "is its exporter running?" in done.stderr
        assert acquired(own) == {}
    finally:
        processes.stop()
