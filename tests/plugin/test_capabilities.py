"""A test that needs a capability the device lacks is skipped with the reason, never failed."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from harness.child_pytest import run_child
from harness.reports.outcomes import Verdict
from ohos_protocol.processes import stop_process

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bare_inventory(tmp_path_factory: pytest.TempPathFactory):
    """An emulated device listed with no capabilities (like a phone on a `user` image, no lab)."""
    work = tmp_path_factory.mktemp("caps")
    endpoints = work / "endpoints.json"
    command = [
        sys.executable,
        "-m",
        "harness.cli.main",
        "emulator",
        "serve",
        "--hdc-port",
        "0",
        "--state-dir",
        str(work / "state"),
        "--endpoints-file",
        str(endpoints),
    ]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not endpoints.exists():
        assert process.poll() is None and time.monotonic() < deadline, "emulator serve did not start"
        time.sleep(0.05)
    device = json.loads(endpoints.read_text())["devices"][0]
    inventory = work / "inventory.yaml"
    inventory.write_text(
        yaml.safe_dump(
            {"devices": [{"id": device["id"], "transports": device["transports"], "capabilities": []}]}
        )
    )
    yield inventory
    stop_process(process, 15)


def test_tests_needing_missing_capabilities_are_skipped_with_the_reason(bare_inventory):
    suites = [
        "suites/gallery_sync/test_error_types.py",
        "suites/gallery_sync/test_start_errors.py",
        "suites/download/test_stop.py",
    ]
    run = run_child([*suites, "-q", f"--inventory={bare_inventory}"], timeout=600).verdicts
    assert run.tests, "the tests ran"
    verdicts = {test.verdict for test in run.tests}
    assert verdicts <= {Verdict.SKIPPED, Verdict.PASS}, [(t.nodeid, t.verdict, t.message) for t in run.tests]
    skipped = [test for test in run.tests if test.verdict is Verdict.SKIPPED]
    assert skipped and all("lacks the capability" in test.message for test in skipped)
    reasons = {test.message.split("capability ")[-1] for test in skipped}
    assert "'cloud_control'" in reasons, reasons
