"""The conformance matrix, the summary and the exit status, from verdict-log records."""

import json
from dataclasses import replace

from harness.reports.matrix import build_matrix, matrix_html, matrix_json, matrix_markdown
from harness.reports.outcomes import Verdict
from harness.reports.summary import exit_status, summary_lines, verdict_line
from harness.reports.verdict_log import RunVerdicts

REQUIREMENTS = ["A.one", "A.two", "B.three", "B.four"]


def _run(tests: list[dict], devices=("emu-0001", "emu-0002"), exitstatus: int | None = 1) -> RunVerdicts:
    run = RunVerdicts()
    run.add(
        {
            "record": "run",
            "edition": "ed-1",
            "edition_title": "Edition one",
            "profile": "api10-doc",
            "devices": list(devices),
            "requirements": [
                {
                    "id": r,
                    "feature": r[0],
                    "story": "s",
                    "section": r.lower(),
                    "severity": "normal",
                    "link": f"L#{r}",
                }
                for r in REQUIREMENTS
            ],
            "started": 1.0,
        }
    )
    for number, (verdict, device, requirements, *message) in enumerate(tests):
        run.add(
            {
                "record": "test",
                "nodeid": f"suites/t.py::test_{number}[{device}]",
                "name": f"test_{number}",
                "device": device,
                "requirements": requirements,
                "verdict": verdict,
                "message": message[0] if message else f"why {number}",
            }
        )
    if exitstatus is not None:
        run.add({"record": "end", "exitstatus": exitstatus})
    return run


def test_a_cell_shows_the_strongest_verdict_and_untested_requirements_are_not_run():
    run = _run(
        [
            ("pass", "emu-0001", ["A.one"]),
            ("DEVIATION", "emu-0001", ["A.one", "A.two"]),
            ("pass", "emu-0002", ["A.one"]),
            ("known deviation", "emu-0002", ["A.two"]),
            ("pass", "emu-0002", ["A.two"]),
            ("skipped", "emu-0002", ["B.three"]),
        ]
    )
    matrix = build_matrix(run)
    assert matrix.cell("A.one", "emu-0001").verdict is Verdict.DEVIATION
    assert matrix.cell("A.one", "emu-0001").tests == (
        "suites/t.py::test_0[emu-0001]",
        "suites/t.py::test_1[emu-0001]",
    )
    assert matrix.cell("A.one", "emu-0002").verdict is Verdict.PASS
    assert matrix.cell("A.two", "emu-0002").verdict is Verdict.KNOWN_DEVIATION
    assert matrix.cell("B.three", "emu-0002").verdict is Verdict.SKIPPED
    assert matrix.cell("B.four", "emu-0001").verdict is Verdict.NOT_RUN
    assert matrix.coverage("emu-0001") == {Verdict.DEVIATION: 2, Verdict.NOT_RUN: 2}


def test_the_matrix_lists_every_requirement_in_every_format():
    run = _run([("broken", "emu-0001", ["B.three"]), ("stale waiver", "emu-0002", ["A.one"])])
    matrix = build_matrix(run)
    data = json.loads(matrix_json(matrix))
    assert [row["id"] for row in data["requirements"]] == REQUIREMENTS
    assert data["requirements"][2]["cells"]["emu-0001"]["verdict"] == "broken"
    assert data["requirements"][0]["cells"]["emu-0002"]["verdict"] == "stale waiver"
    assert data["coverage"]["emu-0002"]["not run"] == 3
    markdown = matrix_markdown(matrix)
    assert "| [B.three](L#B.three) | B | **broken** | not run |" in markdown
    assert "| [A.one](L#A.one) | A | not run | stale waiver |" in markdown
    page = matrix_html(matrix)
    assert page.count("<tr><th><a href=") == len(REQUIREMENTS)
    assert "<script" not in page


def test_tests_without_a_device_get_their_own_column():
    matrix = build_matrix(_run([("pass", None, ["A.one"])], devices=()))
    assert matrix.devices == ("host",)
    assert matrix.cell("A.one", "host").verdict is Verdict.PASS


def test_exit_status_is_2_when_the_lab_failed_even_with_deviations_then_1_then_0():
    deviation, broken, passed = (
        ("DEVIATION", "emu-0001", ["A.one"]),
        ("broken", "emu-0001", []),
        ("pass", "emu-0001", []),
    )
    assert exit_status(_run([deviation, broken])) == 2
    assert exit_status(_run([deviation, passed])) == 1
    assert (
        exit_status(_run([passed, ("known deviation", "emu-0001", []), ("stale waiver", "emu-0001", [])]))
        == 0
    )
    assert exit_status(_run([passed], exitstatus=None)) == 2  # pytest never finished: incomplete
    assert exit_status(_run([passed], exitstatus=2)) == 2  # interrupted


def test_a_teardown_that_broke_after_a_deviation_makes_the_run_incomplete():
    run = _run([("DEVIATION", "emu-0001", ["A.one"])])
    run.tests[0] = replace(run.tests[0], teardown_error="broken: restore failed")
    assert exit_status(run) == 2
    text = "\n".join(summary_lines(run, build_matrix(run)))
    assert "suites/t.py::test_0[emu-0001] (teardown)" in text
    assert "broken: restore failed" in text


def test_the_summary_counts_lists_groups_skips_and_gives_coverage_per_device():
    run = _run(
        [
            ("DEVIATION", "emu-0001", ["A.one"]),
            ("skipped", "emu-0001", ["A.two"], "emu lacks battery_control"),
            ("skipped", "emu-0002", ["A.two"], "emu lacks battery_control"),
            ("pass", "emu-0002", ["A.one"]),
        ]
    )
    lines = summary_lines(run, build_matrix(run))
    text = "\n".join(lines)
    assert "  conformant             1" in lines
    assert "  deviations             1" in lines
    assert "Deviations (1)\n  suites/t.py::test_0[emu-0001]\n      A.one: why 0" in text
    assert "Deviating requirements (1)\n  A.one" in text
    assert "Skipped (2), by reason\n  2 × emu lacks battery_control" in text
    assert "  emu-0001  1 DEVIATION · 1 skipped · 2 not run" in lines
    assert "  emu-0002  1 pass · 1 skipped · 2 not run" in lines
    assert len(lines) < 40


ANSWER = (
    "harness.errors.SpecDeviation: GallerySync.start() [promise]: expected rejected error 22400003 "
    "('Battery level warning.'), got resolved undefined after the device reported capacity=12 charging=False "
    "and the service answered with a returned value"
)


def test_a_long_answer_is_wrapped_between_words_never_cut():
    run = _run([("DEVIATION", "emu-0001", ["A.one", "B.three"], ANSWER)])
    text = "\n".join(summary_lines(run, build_matrix(run)))
    section = text[text.index("Deviations (1)") : text.index("Deviating requirements")]
    body = section.split("\n", 2)[2]
    assert max(len(line) for line in body.splitlines()) <= 110
    expected = "A.one, B.three: " + ANSWER.removeprefix("harness.errors.SpecDeviation: ")
    assert " ".join(body.split()) == expected  # every word, in order, none cut
    assert "…" not in section and "SpecDeviation" not in section


def test_a_selection_that_left_requirements_unchecked_is_partial():
    partial = _run([("pass", "emu-0001", ["A.one"]), ("pass", "emu-0002", ["A.one"])], exitstatus=0)
    assert verdict_line(0, build_matrix(partial)) == (
        "PARTIAL: 3 of 4 requirements not run; conformant in what ran (exit 0)"
    )
    deviating = _run([("DEVIATION", "emu-0001", ["A.one"])])
    assert verdict_line(1, build_matrix(deviating)) == (
        "DEVIATIONS FOUND; PARTIAL: 4 of 4 requirements not run (exit 1)"
    )  # A.one was not run on emu-0002
    full = _run([("pass", device, REQUIREMENTS) for device in ("emu-0001", "emu-0002")], exitstatus=0)
    assert verdict_line(0, build_matrix(full)) == "CONFORMANT (exit 0)"


def test_known_deviations_are_listed_by_waiver_with_their_requirements():
    waiver = "known deviation D1: start() is refused only below 10 %"
    run = _run(
        [
            ("known deviation", "emu-0001", ["A.one"], waiver),
            ("known deviation", "emu-0001", ["A.two"], waiver),
            ("known deviation", "emu-0002", ["B.three"], "known deviation D2: other"),
        ]
    )
    text = "\n".join(summary_lines(run, build_matrix(run)))
    assert "Known deviations (waived): 3 tests, 2 deviations" in text
    assert f"  2 × {waiver}\n      requirements: A.one, A.two" in text
    assert "  1 × known deviation D2: other\n      requirements: B.three" in text
