"""`ohos-hil run -n N --emulated-devices N`: every device at once, one worker per device, one report."""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_runs import CliRun, ohos_hil, path_options

from harness.embedded import EmbeddedEmulator

FARM_CASES = Path(__file__).with_name("farm_cases.py")


def farm_run(home: Path, devices: int, *args: str) -> CliRun:
    meeting = home / "meeting"
    meeting.mkdir()
    env = {**os.environ, "OHOS_HIL_FARM_MEETING": str(meeting), "OHOS_HIL_FARM_DEVICES": str(devices)}
    return ohos_hil(
        "run", "--emulated-devices", str(devices), *args, *path_options(home),
        "-k", "farm_meet", "--", str(FARM_CASES), home=home, env=env,
    )  # fmt: skip


@pytest.fixture(scope="module")
def two_device_run(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    return farm_run(tmp_path_factory.mktemp("farm"), 2, "-n", "2")


def _tests(run: CliRun) -> list[dict]:
    lines = run.paths.verdicts.read_text(encoding="utf-8").splitlines()
    return [record for line in lines if (record := json.loads(line))["record"] == "test"]


def test_two_devices_run_at_once_each_on_one_worker(two_device_run: CliRun):
    run = two_device_run
    assert run.exit_status == 0, run.stdout + run.stderr
    workers = defaultdict(set)
    for test in _tests(run):
        assert test["verdict"] == "pass", test
        workers[test["device"]].add(test["worker"])
    assert set(workers) == {"emu-0001", "emu-0002"}
    assert all(len(ids) == 1 for ids in workers.values()), workers  # one worker per device
    assert workers["emu-0001"] != workers["emu-0002"]  # and two workers
    assert "  emu-0001  " in run.stdout and "  emu-0002  " in run.stdout  # a summary line each


def test_two_devices_make_one_report_and_two_matrix_columns(two_device_run: CliRun):
    run = two_device_run
    matrix = json.loads(run.paths.matrix_json.read_text(encoding="utf-8"))
    assert matrix["devices"] == ["emu-0001", "emu-0002"]
    row = next(r for r in matrix["requirements"] if r["id"] == "GallerySync.on.param.evt")
    assert {device: cell["verdict"] for device, cell in row["cells"].items()} == {
        "emu-0001": "pass",
        "emu-0002": "pass",
    }
    assert (run.paths.report / "index.html").is_file()
    results = [json.loads(p.read_text()) for p in run.paths.results.glob("*-result.json")]
    devices = [
        p["value"].strip("'") for r in results for p in r.get("parameters", []) if p["name"] == "device"
    ]
    assert sorted(devices) == ["emu-0001", "emu-0001", "emu-0002", "emu-0002"]


def test_more_workers_than_devices_is_a_usage_error(tmp_path: Path):
    run = farm_run(tmp_path, 2, "-n", "3")
    assert run.exit_status == 64, run.stdout + run.stderr
    assert "-n 3 is more workers than the run's 2 device(s) (emu-0001, emu-0002)" in run.stderr
    assert "Traceback" not in run.stdout + run.stderr


@pytest.fixture
def two_hosts(tmp_path: Path) -> Iterator[tuple[Path, EmbeddedEmulator]]:
    """Two emulators standing for two hosts, one device each, in one inventory (host-a, host-b)."""
    emulators = [EmbeddedEmulator(tmp_path / name, "api10-doc") for name in ("a", "b")]
    try:
        inventory: dict = {"devices": []}
        for name, emulator in zip(("a", "b"), emulators, strict=True):
            endpoints = emulator.start()
            for device in endpoints["devices"]:
                inventory["devices"].append({**device, "id": f"host-{name}-{device['id']}"})
        path = tmp_path / "inventory.json"
        path.write_text(json.dumps(inventory), encoding="utf-8")
        yield path, emulators[1]
    finally:
        for emulator in emulators:
            emulator.stop()


def test_a_device_lost_mid_run_breaks_only_its_own_tests(tmp_path: Path, two_hosts):
    inventory, doomed = two_hosts
    assert doomed._process is not None
    env = {
        **os.environ,
        "OHOS_HIL_FARM_LOSE": "host-b-emu-0001",
        "OHOS_HIL_FARM_LOSE_PID": str(doomed._process.pid),
    }
    run = ohos_hil(
        "run", "--inventory", str(inventory), "-n", "2", "--no-report", *path_options(tmp_path),
        "-k", "farm_loss", "--", str(FARM_CASES), home=tmp_path, env=env,
    )  # fmt: skip
    assert run.exit_status == 2, run.stdout + run.stderr
    verdicts = defaultdict(list)
    for test in _tests(run):
        verdicts[test["device"]].append(test["verdict"])
    assert verdicts["host-a-emu-0001"] == ["pass"] * 4
    assert verdicts["host-b-emu-0001"] == ["pass", "broken", "broken", "broken"]
