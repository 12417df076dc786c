"""The farm in the run's outputs: the coordinator steps as an Allure result, the places in the matrix."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from harness.labgrid.reservation import AcquiredPlace
from harness.labgrid.steps import LabSteps


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


def add_places_to_matrix(markdown: Path, matrix_json: Path, address: str, rows: list[dict[str, str]]) -> None:
    """A table of the run's devices with their lab host and place, in both matrix files."""
    if not rows:
        return
    lines = [
        "",
        f"## Devices (labgrid coordinator {address})",
        "",
        "| device | lab host | place | resources |",
    ]
    lines.append("|---|---|---|---|")
    lines += [f"| {r['device']} | {r['lab_host']} | {r['place']} | {r['resources']} |" for r in rows]
    if markdown.exists():
        markdown.write_text(
            markdown.read_text(encoding="utf-8").rstrip("\n") + "\n" + "\n".join(lines) + "\n"
        )
    if matrix_json.exists():
        data = json.loads(matrix_json.read_text(encoding="utf-8"))
        data["labgrid"] = {"coordinator": address, "devices": rows}
        matrix_json.write_text(json.dumps(data, indent=2), encoding="utf-8")
