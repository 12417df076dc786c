"""The plugin's verdicts, evidence and categories, in a pytest run against the embedded emulated device.

The tests below run a test module with one test of each outcome class in a child pytest (the plugin
loaded as installed), then read the verdict log, the Allure results and an Allure 3 report made of them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.child_pytest import run_child
from harness.reports.allure3 import find_allure
from harness.reports.paths import ReportPaths
from harness.reports.publish import generate_report
from harness.reports.verdict_log import read_verdicts

KINDS = """
import pytest
from harness.errors import DeviceHealthError

@pytest.mark.requirement("module.import")
def test_starts_a_shim(device, cloudsync):
    cloudsync.gallery_sync()

@pytest.mark.requirement("SyncState.UPLOADING")
def test_deviates(device):
    assert device.shell("echo hi").output.strip() == "ho", "the device said hi"

@pytest.mark.requirement("SyncState.COMPLETED")
def test_breaks(device):
    raise DeviceHealthError(f"{device.id}: lab broke")

@pytest.mark.requirement("SyncState.DOWNLOADING")
@pytest.mark.xfail(raises=AssertionError, strict=False, reason="known deviation W1: still there")
def test_waived_and_still_deviating(device):
    assert device.shell("echo 1").output.strip() == "2"

@pytest.mark.requirement("SyncState.DOWNLOAD_FAILED")
@pytest.mark.xfail(raises=AssertionError, strict=False, reason="known deviation W2: fixed since")
def test_waived_but_conforming(device):
    assert device.shell("echo 1").output.strip() == "1"

@pytest.mark.requirement("SyncState.UPLOAD_FAILED")
@pytest.mark.xfail(raises=AssertionError, strict=False, reason="known deviation W3: but the lab broke")
def test_waived_but_broken(device):
    raise DeviceHealthError("the lab broke under a waiver")

@pytest.mark.requirement("module.note.api-version")
def test_skipped(device):
    pytest.skip("needs a real modem")

def test_without_a_device():
    pass
"""


@pytest.fixture(scope="module")
def kinds_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The module's results folder; the verdict log is next to it."""
    workdir = tmp_path_factory.mktemp("kinds")
    (workdir / "test_kinds.py").write_text(KINDS)
    home = workdir / "out"
    arguments = ["test_kinds.py", "-q", "--alluredir", str(home / "allure-results")]
    done = run_child(arguments, cwd=workdir, timeout=120, verdicts=home / "verdicts.jsonl")
    assert done.exitstatus == 1, done.output
    return home


def test_each_outcome_class_gets_its_verdict_requirements_and_device(kinds_run: Path):
    run = read_verdicts(kinds_run / "verdicts.jsonl")
    verdicts = {test.name: (test.verdict.value, test.device, test.requirements) for test in run.tests}
    assert verdicts == {
        "test_starts_a_shim[emu-0001]": ("pass", "emu-0001", ("module.import",)),
        "test_deviates[emu-0001]": ("DEVIATION", "emu-0001", ("SyncState.UPLOADING",)),
        "test_breaks[emu-0001]": ("broken", "emu-0001", ("SyncState.COMPLETED",)),
        "test_waived_and_still_deviating[emu-0001]": (
            "known deviation",
            "emu-0001",
            ("SyncState.DOWNLOADING",),
        ),
        "test_waived_but_conforming[emu-0001]": ("stale waiver", "emu-0001", ("SyncState.DOWNLOAD_FAILED",)),
        "test_waived_but_broken[emu-0001]": ("broken", "emu-0001", ("SyncState.UPLOAD_FAILED",)),
        "test_skipped[emu-0001]": ("skipped", "emu-0001", ("module.note.api-version",)),
        "test_without_a_device": ("pass", None, ()),
    }
    messages = {test.name: test.message for test in run.tests}
    assert messages["test_deviates[emu-0001]"].startswith("AssertionError: the device said hi")
    assert messages["test_breaks[emu-0001]"] == "harness.errors.DeviceHealthError: emu-0001: lab broke"
    assert messages["test_waived_and_still_deviating[emu-0001]"] == "known deviation W1: still there"
    assert messages["test_skipped[emu-0001]"] == "needs a real modem"
    assert run.exitstatus == 1
    assert (run.edition, run.devices, len(run.requirements)) == ("api10-doc", ["emu-0001"], 140)
    facts = run.facts["emu-0001"]
    assert (facts.transport, facts.api_level) == ("hdc", 10)


def _results(kinds_run: Path) -> dict[str, dict]:
    results = {}
    for file in (kinds_run / "allure-results").glob("*-result.json"):
        result = json.loads(file.read_text())
        results[result["name"]] = result
    return results


def _attachment(kinds_run: Path, result: dict, name: str) -> str:
    (source,) = [a["source"] for a in result.get("attachments", []) if a["name"] == name]
    return (kinds_run / "allure-results" / source).read_text()


def test_every_device_test_has_device_info_and_its_own_hilog_slice(kinds_run: Path):
    results = _results(kinds_run)
    shim_test, next_test = results["Starts a shim"], results["Deviates"]
    info = json.loads(_attachment(kinds_run, shim_test, "device info"))
    assert (info["id"], info["transport"], info["api_level"]) == ("emu-0001", "hdc", "10")
    assert info["params"]["const.ohos.apiversion"] == "10"
    assert "SHIM SERVING" in _attachment(kinds_run, shim_test, "hilog")
    assert "SHIM SERVING" not in _attachment(kinds_run, next_test, "hilog")
    labels = {(label["name"], label["value"]) for label in shim_test["labels"]}
    assert {
        ("spec_edition", "api10-doc"),
        ("requirement", "module.import"),
        ("epic", "@ohos.file.cloudSync"),
    } <= labels
    no_device = results["Without a device"]
    assert not any(a["name"] in ("hilog", "device info") for a in no_device.get("attachments", []))


def test_the_allure_3_report_puts_each_test_in_its_category(kinds_run: Path, tmp_path: Path):
    paths = ReportPaths(kinds_run / "allure-results", tmp_path / "report")
    generate_report(paths, find_allure())
    widget = json.loads((tmp_path / "report" / "widgets" / "categories.json").read_text())
    nodes = widget["nodes"]

    def leaves(node_id: str) -> set[str]:
        node = nodes[node_id]
        if node["type"] == "tr":
            return {node["name"]}
        return set().union(*(leaves(child) for child in node.get("childrenIds", [])))

    categories = {nodes[root]["name"]: leaves(root) for root in widget["roots"]}
    assert categories == {
        "Spec deviations": {"Deviates"},
        "Known deviations": {"Waived and still deviating"},
        "Stale waivers": {"Waived but conforming"},
        "Infrastructure errors": {"Breaks", "Waived but broken"},
    }
    groups = {
        nodes[root]["name"]: sorted(nodes[child]["name"] for child in nodes[root]["childrenIds"])
        for root in widget["roots"]
    }
    assert groups["Spec deviations"] == ["requirement: SyncState.UPLOADING"]
    assert groups["Known deviations"] == ["deviation: W1"]
    assert groups["Infrastructure errors"] == ["infrastructure: device health"]
    messages = {name: result["statusDetails"]["message"] for name, result in _results(kinds_run).items()
                if result["status"] != "passed"}  # fmt: skip
    assert messages["Deviates"].startswith("SyncState.UPLOADING: the device said hi")
    assert messages["Breaks"] == "device health: emu-0001: lab broke"
    assert messages["Waived and still deviating"].startswith("known deviation W1 · SyncState.DOWNLOADING: ")
