"""Command-line options of the ohos-hil pytest plugin."""

from __future__ import annotations

import pytest

from harness.device_options import add_device_options


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("ohos-hil", "OpenHarmony hardware-in-the-loop")
    add_device_options(group.addoption)
    group.addoption(
        "--device",
        action="append",
        default=[],
        metavar="ID",
        help="run against this device (repeatable); default: every device of the run",
    )
    group.addoption(
        "--spec-edition",
        default="api10-doc",
        metavar="NAME",
        help="spec edition the suites check against (name or YAML path; default api10-doc)",
    )
    group.addoption(
        "--waivers",
        metavar="NAME|FILE",
        help="report these known deviations as such: a waiver file, or a profile name "
        "(suites/waivers/<name>.yaml)",
    )
    group.addoption(
        "--requirements-json",
        metavar="FILE",
        help="write {test node id: [requirement ids]} of the collected tests to FILE (traceability)",
    )
    group.addoption(
        "--emulator-seeded-deviation",
        metavar="NAME",
        help="start the embedded emulated device with one seeded deviation (the suite self-check; "
        "`ohos-hil-emulator deviations` lists them)",
    )
