"""`ohos-hil run`: the conformance suites, then the matrix, the HTML report and a one-screen summary.

Exit status: 0 conformant, 1 deviations found, 2 infrastructure errors (they win: the verdict is
incomplete), 64 usage errors.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from harness.child_pytest import follow
from harness.cli.labgrid_run import add_labgrid_options, lab_devices
from harness.cli.workers import add_workers_option, resolve_workers
from harness.device_options import add_device_options
from harness.errors import ConfigError, InfrastructureError
from harness.packaged import SUITES
from harness.reports.allure3 import Allure3, ReportToolError, find_allure
from harness.reports.outcomes import Verdict
from harness.reports.paths import ReportPaths, add_path_options, open_command
from harness.reports.publish import generate_report, versions, write_run_files
from harness.reports.staging import StagedRun
from harness.reports.summary import (
    EXIT_INFRASTRUCTURE,
    exit_status,
    message_lines,
    summary_lines,
    verdict_line,
)
from harness.reports.verdict_log import RunVerdicts, TestRecord, read_verdicts

PYTEST_USAGE_ERROR = 4
PYTEST_NO_TESTS = 5


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    run = subparsers.add_parser(
        "run",
        help="run the conformance suites and make the report",
        description="Run the conformance suites (default: on the embedded emulated device), then write the "
        "conformance matrix, JUnit XML and the Allure HTML report. Exit status: 0 conformant, "
        "1 deviations found, 2 infrastructure errors, 64 usage errors.",
    )
    run.add_argument(
        "--device", action="append", default=[], metavar="ID", help="a device to run on (repeatable)"
    )
    add_device_options(run.add_argument)
    add_workers_option(run)
    add_labgrid_options(run)
    run.add_argument("--spec-edition", metavar="NAME", help="spec edition (name or YAML path)")
    run.add_argument("--waivers", metavar="NAME|FILE", help="known deviations to report as such")
    run.add_argument(
        "--suites", type=Path, default=SUITES, metavar="DIR",
        help="the suites to run (default: the ones installed with the harness)",
    )  # fmt: skip
    run.add_argument("-k", metavar="EXPR", dest="keyword", help="only tests matching EXPR (pytest -k)")
    add_path_options(run)
    run.add_argument("--no-report", action="store_true", help="skip the HTML report (no Node.js needed)")
    run.add_argument("pytest_args", nargs=argparse.REMAINDER, help="after --: more pytest arguments")
    run.set_defaults(func=run_command)


def pytest_command(args: argparse.Namespace, paths: ReportPaths) -> list[str]:
    command = [
        str(args.suites), f"--rootdir={args.suites.resolve().parent}", "-q", "--color=no", "-rfEsxX",
        "--alluredir", str(paths.results), "--clean-alluredir", f"--junitxml={paths.junit}",
    ]  # fmt: skip
    for device in args.device:
        command += ["--device", device]
    for option, value in (
        ("--inventory", args.inventory),
        ("--transport", args.transport),
        ("--spec-edition", args.spec_edition),
        ("--waivers", args.waivers),
        ("--emulator-profile", args.emulator_profile),
        ("-k", args.keyword),
        ("-n", str(args.workers) if args.workers else None),
    ):
        if value:
            command += [option, value]
    command += ["--emulated-devices", str(args.emulated_devices), "--lease-timeout", str(args.lease_timeout)]
    extra = args.pytest_args[1:] if args.pytest_args[:1] == ["--"] else args.pytest_args
    return command + extra


def _print_progress(number: int, test: TestRecord) -> None:
    print(f"[{number:>3}] {test.verdict.value:<15} {test.nodeid}  {test.duration:.2f} s", flush=True)
    if test.verdict in (Verdict.DEVIATION, Verdict.BROKEN):
        for line in message_lines(test):
            print(line, flush=True)


def _pytest_errors(log: Path) -> str:
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines() if log.exists() else []
    starts = [i for i, line in enumerate(lines) if line.startswith(("ERROR:", "ERROR "))]
    chosen = lines[starts[0] : starts[0] + 10] if starts else lines[-10:]
    return "\n".join(chosen) or "(pytest printed nothing)"


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _allure() -> Allure3:
    """Checked before the suites run, so that a long run does not end without its report."""
    try:
        return find_allure()
    except ReportToolError as exc:
        raise ReportToolError(f"{exc}; or run with --no-report") from None


def _run_suites(args: argparse.Namespace, paths: ReportPaths) -> RunVerdicts:
    """The suites in a child pytest, with a line per finished test; usage problems are ConfigErrors.

    pytest writes into a fresh folder; the previous run's results and files are replaced only once
    tests ran, also when an interrupt stops the run after some (harness/reports/staging.py).
    """
    with StagedRun(paths) as staged:
        suites, log_name = _relative(args.suites), _relative(paths.pytest_log)
        print(f"ohos-hil run: {suites} (pytest's log: {log_name})", flush=True)
        command = pytest_command(args, staged.paths)
        log = staged.paths.pytest_log
        try:
            status, run = follow(command, Path.cwd(), staged.paths.verdicts, log, _print_progress)
        except KeyboardInterrupt:
            if staged.paths.verdicts.is_file() and read_verdicts(staged.paths.verdicts).tests:
                staged.promote()  # the tests that ended before the interrupt are the last run now
            raise
        if status == PYTEST_USAGE_ERROR:
            raise ConfigError(f"pytest refused the run:\n{_pytest_errors(log)}")
        if status == PYTEST_NO_TESTS:
            raise ConfigError("no tests ran: nothing in the suites matched the selection (-k, --device, ...)")
        if not run.edition or not run.tests:
            raise InfrastructureError(
                f"the suites ended (pytest exit {status}) before any test ran; the previous run's "
                f"results are kept. pytest said:\n{_pytest_errors(log)}"
            )
        staged.promote()
    if status not in (0, 1):
        print(f"pytest ended early (exit {status}):\n{_pytest_errors(paths.pytest_log)}", file=sys.stderr)
    return run


def _print_outputs(
    paths: ReportPaths, index: Path | None, suite_seconds: float, report_seconds: float
) -> None:
    if index is not None:
        print(f"Report   {_relative(index)}  (view it over http: {open_command(paths)})")
    print(f"Matrix   {_relative(paths.matrix_markdown)}  ({paths.matrix_json.name})")
    print(f"JUnit    {_relative(paths.junit)}")
    print(f"Results  {_relative(paths.results)}  (log: {_relative(paths.pytest_log)})")
    report_time = f" · report {report_seconds:.1f} s" if index is not None else ""
    print(f"Time     suites {suite_seconds:.1f} s{report_time}")


def run_command(args: argparse.Namespace) -> int:
    paths = ReportPaths(args.results.resolve(), args.report.resolve())
    if not args.suites.is_dir():
        raise ConfigError(f"--suites {args.suites}: no such folder")
    allure = None if args.no_report else _allure()
    with lab_devices(args, paths) as lab:  # the devices: labgrid places held for the run, or as given
        args.workers = resolve_workers(args)
        began = time.monotonic()
        run = _run_suites(args, paths)
        suite_seconds = time.monotonic() - began
    matrix = write_run_files(paths, run, versions(allure))
    lab.finish(paths)
    code = exit_status(run)
    index = None
    began = time.monotonic()
    if allure is not None:
        try:
            index = generate_report(paths, allure, args.history_limit)
        except ReportToolError as exc:
            print(f"ohos-hil: no HTML report: {exc}", file=sys.stderr)
            code = EXIT_INFRASTRUCTURE
    report_seconds = time.monotonic() - began
    print()
    print("\n".join(summary_lines(run, matrix)))
    print()
    _print_outputs(paths, index, suite_seconds, report_seconds)
    print(f"Verdict  {verdict_line(code, matrix)}")
    return code
