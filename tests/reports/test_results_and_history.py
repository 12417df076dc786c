"""The results folder (what may be cleaned, what counts as ohos-hil results) and the history file."""

import json
from pathlib import Path

import pytest

from harness.errors import ConfigError
from harness.reports.history import history_without
from harness.reports.results_dir import clean_results, scan_results


def _result(folder: Path, name: str, labels: list[dict], start: int) -> None:
    body = {"uuid": name, "name": name, "status": "passed", "start": start, "labels": labels}
    (folder / f"{name}-result.json").write_text(json.dumps(body))


def test_cleaning_empties_a_folder_of_allure_files_only(tmp_path: Path):
    for name in (
        "a-result.json",
        "b-container.json",
        "c-attachment.txt",
        "d-attachment",
        "environment.properties",
    ):
        (tmp_path / name).write_text("x")
    clean_results(tmp_path)
    assert list(tmp_path.iterdir()) == []
    clean_results(tmp_path / "new")  # nothing there yet: nothing to do


def test_cleaning_refuses_a_folder_with_anything_else(tmp_path: Path):
    (tmp_path / "a-result.json").write_text("x")
    (tmp_path / "thesis.odt").write_text("precious")
    with pytest.raises(ConfigError, match=r"refusing to clean .*thesis\.odt"):
        clean_results(tmp_path)
    assert (tmp_path / "thesis.odt").read_text() == "precious"


def test_a_scan_finds_the_edition_and_the_first_start(tmp_path: Path):
    _result(tmp_path, "one", [{"name": "spec_edition", "value": "api10-doc"}], 2000)
    _result(tmp_path, "two", [{"name": "spec_edition", "value": "api10-doc"}], 1000)
    scan = scan_results(tmp_path)
    assert (scan.results, scan.editions, scan.started_ms) == (2, ("api10-doc",), 1000)


@pytest.mark.parametrize(
    ("prepare", "message"),
    [
        (lambda d: None, r"holds no Allure results"),
        (lambda d: _result(d, "x", [{"name": "suite", "value": "other"}], 1), r"none from ohos-hil"),
        (lambda d: (d / "x-result.json").write_text("{not json"), r"x-result\.json: not an Allure result"),
    ],
    ids=["empty", "another-project", "garbled"],
)
def test_a_scan_says_what_is_wrong_with_a_folder(tmp_path: Path, prepare, message):
    prepare(tmp_path)
    with pytest.raises(ConfigError, match=message):
        scan_results(tmp_path)


def test_a_missing_results_folder_is_named(tmp_path: Path):
    with pytest.raises(ConfigError, match=r"no results folder .*nowhere"):
        scan_results(tmp_path / "nowhere")


def test_history_keeps_other_runs_and_drops_the_regenerated_one(tmp_path: Path):
    history = tmp_path / "history.jsonl"
    lines = [json.dumps({"name": name, "uuid": str(i)}) for i, name in enumerate(["run 1", "run 2", "run 1"])]
    history.write_text("\n".join(lines) + "\n")
    staged = history_without(history, "run 1", tmp_path / "staged.jsonl")
    assert [json.loads(line)["uuid"] for line in staged.read_text().splitlines()] == ["1"]
    assert history_without(tmp_path / "none.jsonl", "run 1", tmp_path / "s2.jsonl").read_text() == ""


def test_a_garbled_history_is_named_with_its_line(tmp_path: Path):
    history = tmp_path / "history.jsonl"
    history.write_text(json.dumps({"name": "run 1"}) + "\n[1, 2]\n")
    with pytest.raises(ConfigError, match=r"history\.jsonl, line 2: not an Allure history entry"):
        history_without(history, "run 2", tmp_path / "staged.jsonl")
