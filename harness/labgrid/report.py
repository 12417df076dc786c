"""The farm in the run's outputs: the coordinator steps as an Allure result, the places in the matrix."""

from __future__ import annotations

import html
import json
import uuid
from pathlib import Path

from harness.labgrid.reservation import AcquiredPlace
from harness.labgrid.steps import LabSteps
from harness.reports.allure_meta import MATRIX_ATTACHMENTS
from harness.reports.paths import ReportPaths

HTML_ATTACHMENT, MARKDOWN_ATTACHMENT = (attachment[0] for attachment in MATRIX_ATTACHMENTS)


def write_lab_result(results: Path, address: str, steps: LabSteps) -> Path | None:
    """One Allure result ``labgrid farm`` with a step per reserve / wait / acquire / release."""
    if not steps.steps or not results.is_dir():
        return None
    broken = [s for s in steps.steps if s.status != "passed"]
    result = {
        "uuid": str(uuid.uuid4()),
        "historyId": f"labgrid-farm-{address}",
        "name": f"labgrid farm at {address}",
        "fullName": "labgrid farm: reserve, wait, acquire, release",
        "status": "broken" if broken else "passed",
        "statusDetails": {"message": broken[0].detail} if broken else {},
        "start": int(steps.steps[0].start * 1000),
        "stop": int(max(s.stop or s.start for s in steps.steps) * 1000),
        "labels": [{"name": "suite", "value": "labgrid farm"}, {"name": "feature", "value": "device farm"}],
        "steps": [
            {
                "name": s.name,
                "status": s.status,
                "start": int(s.start * 1000),
                "stop": int((s.stop or s.start) * 1000),
                "statusDetails": {"message": s.detail} if s.detail else {},
            }
            for s in steps.steps
        ],
    }
    path = results / f"{result['uuid']}-result.json"
    path.write_text(json.dumps(result), encoding="utf-8")
    return path


def place_rows(places: list[AcquiredPlace]) -> list[dict[str, str]]:
    return [
        {
            "device": place.name,
            "lab_host": place.lab_host,
            "place": place.name,
            "resources": ", ".join(f"{r.exporter}/{r.group}/{r.cls}" for r in place.resources),
        }
        for place in places
    ]


def _markdown_table(address: str, rows: list[dict[str, str]]) -> str:
    lines = ["", f"## Devices (labgrid coordinator {address})", ""]
    lines += ["| device | lab host | place | resources |", "|---|---|---|---|"]
    lines += [f"| {r['device']} | {r['lab_host']} | {r['place']} | {r['resources']} |" for r in rows]
    return "\n".join(lines) + "\n"


def _html_table(address: str, rows: list[dict[str, str]]) -> str:
    keys = ("device", "lab_host", "place", "resources")
    cells = "".join("<tr>" + "".join(f"<td>{html.escape(r[k])}</td>" for k in keys) + "</tr>" for r in rows)
    head = "<tr><th>device</th><th>lab host</th><th>place</th><th>resources</th></tr>"
    return f"<h2>Devices (labgrid coordinator {html.escape(address)})</h2><table>{head}{cells}</table>"


def _append(path: Path, text: str) -> None:
    if path.exists():
        path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + text, encoding="utf-8")


def add_places_to_matrix(paths: ReportPaths, address: str, rows: list[dict[str, str]]) -> None:
    """A table of the run's devices with their lab host and place, in every form of the matrix:
    Markdown and JSON next to the results, and the report's matrix attachments."""
    if not rows:
        return
    _append(paths.matrix_markdown, _markdown_table(address, rows))
    _append(paths.results / MARKDOWN_ATTACHMENT, _markdown_table(address, rows))
    attachment = paths.results / HTML_ATTACHMENT
    if attachment.exists():
        page = attachment.read_text(encoding="utf-8")
        table = _html_table(address, rows)
        page = page.replace("</body>", table + "</body>", 1) if "</body>" in page else page + table
        attachment.write_text(page, encoding="utf-8")
    if paths.matrix_json.exists():
        data = json.loads(paths.matrix_json.read_text(encoding="utf-8"))
        data["labgrid"] = {"coordinator": address, "devices": rows}
        paths.matrix_json.write_text(json.dumps(data, indent=2), encoding="utf-8")
