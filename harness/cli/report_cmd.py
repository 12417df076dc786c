"""`ohos-hil report`: the HTML report again from existing results (with the history of earlier runs)."""

from __future__ import annotations

import argparse
import os
import sys
import threading
import webbrowser

from harness.reports.allure3 import find_allure
from harness.reports.paths import ReportPaths, add_path_options
from harness.reports.publish import generate_report
from harness.reports.serve import serve_report


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    report = subparsers.add_parser(
        "report",
        help="regenerate the HTML report from existing results",
        description="Generate the Allure HTML report from an ohos-hil results folder, with the history of "
        "earlier runs (kept next to the results folder, in history.jsonl).",
    )
    add_path_options(report)
    report.add_argument(
        "--open", action="store_true", help="then serve it on 127.0.0.1 and open a browser (Ctrl-C stops)"
    )
    report.set_defaults(func=report_command)


def _has_display() -> bool:
    """Whether a graphical browser can open (else a console browser would take over the terminal)."""
    return sys.platform in ("darwin", "win32") or bool(
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )


def report_command(args: argparse.Namespace) -> int:
    paths = ReportPaths(args.results.resolve(), args.report.resolve())
    index = generate_report(paths, find_allure(), args.history_limit)
    print(f"Report   {index}")
    if args.open:
        with serve_report(paths.report) as url:
            print(f"Serving  {url}  (Ctrl-C stops)", flush=True)
            if _has_display():
                webbrowser.open(url)
            threading.Event().wait()
    return 0
