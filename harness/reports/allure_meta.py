"""What ohos-hil adds to an Allure results folder besides the tests: categories, environment,
executor, and the conformance matrix as global attachments (the report's "Global Attachments" tab).

Allure 2 reads ``categories.json`` from the results; Allure 3 takes categories from its config, so
:data:`CATEGORIES` feeds both.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from harness.reports.matrix import ConformanceMatrix, matrix_html, matrix_markdown
from harness.reports.verdict_log import RunVerdicts

EDITION_LABEL = "spec_edition"  # on every test of an ohos-hil run: how results are recognised as ours

REQUIREMENT_LABEL = "requirement"  # a requirement id the test checks (one label per id)
DEVIATION_LABEL = "deviation"  # the id (D1...) of a known deviation whose waiver covers the test
INFRASTRUCTURE_LABEL = "infrastructure"  # on a broken test: the kind (transport lost, timeout, shim, ...)
KNOWN_PREFIX = "known deviation"  # how a known deviation's message starts

# The statuses as harness.plugin.allure_results leaves them: a spec deviation is failed, a known
# deviation failed and marked known (with a deviation label), a stale waiver passed with "XPASS
# <reason>", an infrastructure error broken (with an infrastructure label). Allure 3 takes these
# from its config; the first category that matches a test is its category.
CATEGORIES: list[dict[str, Any]] = [
    {
        "id": "known-deviations",
        "name": "Known deviations",
        "description": "Waived requirements whose deviation is still there, by deviation and requirement.",
        "matchers": {"statuses": ["failed"], "message": rf"^{KNOWN_PREFIX} "},
        "groupBy": [{"label": DEVIATION_LABEL}, {"label": REQUIREMENT_LABEL}],
        "groupByMessage": False,
        "expand": True,
    },
    {
        "id": "spec-deviations",
        "name": "Spec deviations",
        "description": "The device answered differently from the spec edition, by requirement.",
        "matchers": {"statuses": ["failed"]},
        "groupBy": [{"label": REQUIREMENT_LABEL}],
        "groupByMessage": False,
        "expand": True,
    },
    {
        "id": "stale-waivers",
        "name": "Stale waivers",
        "description": "Waived requirements that the device now meets: the waiver should go.",
        "matchers": {"statuses": ["passed"], "message": r"^XPASS"},
        "groupBy": [{"label": DEVIATION_LABEL}],
        "groupByMessage": False,
    },
    {
        "id": "infrastructure-errors",
        "name": "Infrastructure errors",
        "description": "The lab failed (transport, shim, device health): no verdict on the device.",
        "matchers": {"statuses": ["broken"]},
        "groupBy": [{"label": INFRASTRUCTURE_LABEL}],
        "groupByMessage": False,
        "expand": True,
    },
]


def resolutions(deviation_ids: tuple[str, ...], known_issues: Path) -> dict[str, Any]:
    """Allure 3's resolutions: each known deviation's failures are *accepted*, with the deviation
    as the comment (the overview counts them apart, the Resolutions tab lists them by deviation).
    ``known_issues`` is where Allure writes its known-issues file (a scratch path)."""
    rules = [
        {
            "resolution": "accepted",
            "messageRegexp": rf"^{KNOWN_PREFIX} {re.escape(deviation_id)} ",
            "comment": f"{KNOWN_PREFIX} {deviation_id} (waived)",
        }
        for deviation_id in deviation_ids
    ]
    return {"rules": rules, "knownIssuesPath": str(known_issues)}


def allure2_categories() -> list[dict[str, Any]]:
    """:data:`CATEGORIES` as Allure 2 reads them from ``categories.json`` (statuses and messages)."""
    messages = {"known-deviations": rf"^{KNOWN_PREFIX}[\s\S]*", "stale-waivers": r"^XPASS[\s\S]*"}
    return [
        {
            "name": category["name"],
            "description": category["description"],
            "matchedStatuses": category["matchers"]["statuses"],
            **({"messageRegex": messages[category["id"]]} if category["id"] in messages else {}),
        }
        for category in CATEGORIES
    ]


MATRIX_ATTACHMENTS = (
    ("ohos-hil-matrix-attachment.html", "Conformance matrix", "text/html", matrix_html),
    ("ohos-hil-matrix-attachment.md", "Conformance matrix (Markdown)", "text/markdown", matrix_markdown),
)
MATRIX_GLOBALS = "ohos-hil-matrix-globals.json"


def write_categories(results: Path) -> None:
    (results / "categories.json").write_text(json.dumps(allure2_categories(), indent=1), encoding="utf-8")


def _property(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n")


METADATA_WIDTH = 28  # characters of a value that Allure 3's Metadata block shows before it cuts one


def _listing(values: list[str]) -> str:
    """The values joined, or how many there are when they would not fit in the Metadata block."""
    joined = ", ".join(values)
    return joined if len(joined) <= METADATA_WIDTH else f"{len(values)} (one line each below)"


def environment(run: RunVerdicts, versions: dict[str, str]) -> dict[str, str]:
    """The run's environment, one short fact per key (Allure 3's Metadata block cuts long values):
    edition, profile, devices with their OS, model, API level and transport, tool versions. The
    edition's title is in the conformance matrix."""
    facts = [run.facts[device] for device in run.devices if device in run.facts]
    items = {
        "spec_edition": run.edition,
        "emulator_profile": run.profile,
        "devices": _listing(list(run.devices)),
        "api_levels": ", ".join(sorted({str(f.api_level) for f in facts})),
        "transports": ", ".join(sorted({f.transport for f in facts})),
    }
    for fact in facts:
        items[fact.id] = f"API {fact.api_level} over {fact.transport}"
        items[f"{fact.id}.os"] = fact.os
        items[f"{fact.id}.model"] = fact.model
    items.update(versions)
    return {key: value for key, value in items.items() if value}


def write_environment(results: Path, items: dict[str, str]) -> None:
    text = "".join(f"{key}={_property(value)}\n" for key, value in items.items())
    (results / "environment.properties").write_text(text, encoding="utf-8")


def ci_build_url() -> str:
    """The CI job's page, for the CI systems that say where it is (GitLab, Jenkins, GitHub Actions)."""
    for variable in ("CI_JOB_URL", "BUILD_URL"):
        if os.environ.get(variable):
            return os.environ[variable]
    if os.environ.get("GITHUB_RUN_ID") and os.environ.get("GITHUB_REPOSITORY"):
        server = os.environ.get("GITHUB_SERVER_URL", "https://github.com")
        return f"{server}/{os.environ['GITHUB_REPOSITORY']}/actions/runs/{os.environ['GITHUB_RUN_ID']}"
    return ""


def write_executor(results: Path, report_name: str) -> None:
    """executor.json: the build is the run's start (the report's name, shown in full in its header,
    also has the editions)."""
    build = report_name.rsplit(" · ", 1)[-1]
    executor = {"name": "ohos-hil", "type": "ohos-hil", "buildName": build}
    if ci_build_url():
        executor["buildUrl"] = ci_build_url()
    (results / "executor.json").write_text(json.dumps(executor, indent=1), encoding="utf-8")


def write_matrix_attachments(results: Path, matrix: ConformanceMatrix, timestamp_ms: int) -> None:
    """The matrix as the report's global attachments (same file names every time: a rewrite replaces)."""
    attachments = []
    for file_name, name, content_type, render in MATRIX_ATTACHMENTS:
        (results / file_name).write_text(render(matrix), encoding="utf-8")
        attachments.append(
            {"name": name, "source": file_name, "type": content_type, "timestamp": timestamp_ms}
        )
    globals_file = {"attachments": attachments, "errors": []}
    (results / MATRIX_GLOBALS).write_text(json.dumps(globals_file, indent=1), encoding="utf-8")
