"""The conformance matrix: every requirement of the edition × every device of the run.

A cell shows the strongest verdict of the tests that check the requirement on that device
(:data:`harness.reports.outcomes.PRECEDENCE`); a requirement no test checked is ``not run``.
Rendered as JSON (for tools), Markdown (for people and CI pages) and HTML (inside the Allure report).
"""

from __future__ import annotations

import html
import json
from collections import Counter
from dataclasses import dataclass

from harness.reports.outcomes import PRECEDENCE, Verdict, strongest
from harness.reports.verdict_log import RequirementRow, RunVerdicts

HOST = "host"  # the column of tests that run on no device


@dataclass(frozen=True)
class Cell:
    verdict: Verdict
    tests: tuple[str, ...]


@dataclass(frozen=True)
class ConformanceMatrix:
    edition: str
    title: str
    devices: tuple[str, ...]
    requirements: tuple[RequirementRow, ...]
    cells: dict[tuple[str, str], Cell]  # (requirement id, device) → cell

    def cell(self, requirement: str, device: str) -> Cell:
        return self.cells.get((requirement, device), Cell(Verdict.NOT_RUN, ()))

    def coverage(self, device: str) -> Counter[Verdict]:
        """How many requirements got each verdict on ``device``."""
        return Counter(self.cell(row.id, device).verdict for row in self.requirements)


def build_matrix(run: RunVerdicts) -> ConformanceMatrix:
    tested: dict[tuple[str, str], list[tuple[Verdict, str]]] = {}
    devices = list(run.devices)
    for test in run.tests:
        device = test.device or HOST
        if device not in devices:
            devices.append(device)
        for requirement in test.requirements:
            tested.setdefault((requirement, device), []).append((test.verdict, test.nodeid))
    cells = {
        key: Cell(strongest([verdict for verdict, _ in found]), tuple(nodeid for _, nodeid in found))
        for key, found in tested.items()
    }
    return ConformanceMatrix(run.edition, run.edition_title, tuple(devices), tuple(run.requirements), cells)


def matrix_json(matrix: ConformanceMatrix) -> str:
    return json.dumps(
        {
            "edition": matrix.edition,
            "title": matrix.title,
            "devices": list(matrix.devices),
            "verdicts": [verdict.value for verdict in PRECEDENCE],
            "coverage": {
                device: {verdict.value: matrix.coverage(device)[verdict] for verdict in PRECEDENCE}
                for device in matrix.devices
            },
            "requirements": [
                {
                    "id": row.id,
                    "feature": row.feature,
                    "story": row.story,
                    "severity": row.severity,
                    "link": row.link,
                    "cells": {
                        device: {
                            "verdict": matrix.cell(row.id, device).verdict.value,
                            "tests": list(matrix.cell(row.id, device).tests),
                        }
                        for device in matrix.devices
                    },
                }
                for row in matrix.requirements
            ],
        },
        indent=1,
    )


def _markdown_cell(verdict: Verdict) -> str:
    return f"**{verdict.value}**" if verdict in (Verdict.DEVIATION, Verdict.BROKEN) else verdict.value


def matrix_markdown(matrix: ConformanceMatrix) -> str:
    devices = matrix.devices
    lines = [
        f"# Conformance matrix: {matrix.edition}",
        "",
        matrix.title,
        "",
        "## Requirements per verdict",
        "",
        "| verdict | " + " | ".join(devices) + " |",
        "|---|" + "---:|" * len(devices),
    ]
    coverage = {device: matrix.coverage(device) for device in devices}
    for verdict in PRECEDENCE:
        lines.append(f"| {verdict.value} | " + " | ".join(str(coverage[d][verdict]) for d in devices) + " |")
    lines += [
        "",
        f"## Requirements ({len(matrix.requirements)})",
        "",
        "| requirement | feature | " + " | ".join(devices) + " |",
        "|---|---|" + "---|" * len(devices),
    ]
    for row in matrix.requirements:
        cells = " | ".join(_markdown_cell(matrix.cell(row.id, d).verdict) for d in devices)
        lines.append(f"| [{row.id}]({row.link}) | {row.feature} | {cells} |")
    return "\n".join(lines) + "\n"


_COLOURS = {
    Verdict.DEVIATION: "#fecaca",
    Verdict.BROKEN: "#fde68a",
    Verdict.STALE_WAIVER: "#bfdbfe",
    Verdict.KNOWN_DEVIATION: "#e9d5ff",
    Verdict.PASS: "#bbf7d0",
    Verdict.SKIPPED: "#e5e7eb",
    Verdict.NOT_RUN: "#ffffff",
}


def matrix_html(matrix: ConformanceMatrix) -> str:
    """A self-contained page (no scripts, no outside resources) for the report's global attachments."""
    esc = html.escape
    head = "".join(f"<th>{esc(device)}</th>" for device in matrix.devices)

    def cell(found: Cell) -> str:
        colour, title = _COLOURS[found.verdict], esc("\n".join(found.tests))
        return f'<td style="background:{colour}" title="{title}">{esc(found.verdict.value)}</td>'

    coverage = "".join(
        f"<tr><th>{esc(verdict.value)}</th>"
        + "".join(f"<td>{matrix.coverage(d)[verdict]}</td>" for d in matrix.devices)
        + "</tr>"
        for verdict in PRECEDENCE
    )
    rows = "".join(
        f'<tr><th><a href="{esc(row.link)}">{esc(row.id)}</a></th><td>{esc(row.feature)}</td>'
        + "".join(cell(matrix.cell(row.id, d)) for d in matrix.devices)
        + "</tr>"
        for row in matrix.requirements
    )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>Conformance matrix: {esc(matrix.edition)}</title>"
        "<style>body{font-family:sans-serif}table{border-collapse:collapse;margin-bottom:1em}"
        "th,td{border:1px solid #ccc;padding:2px 6px;text-align:left}</style></head><body>"
        f"<h1>Conformance matrix: {esc(matrix.edition)}</h1><p>{esc(matrix.title)}</p>"
        f"<h2>Requirements per verdict</h2><table><tr><th>verdict</th>{head}</tr>{coverage}</table>"
        f"<h2>Requirements ({len(matrix.requirements)})</h2>"
        f"<table><tr><th>requirement</th><th>feature</th>{head}</tr>{rows}</table></body></html>"
    )
