"""Real `ohos-hil run`s with their HTML reports, shared by the report tests.

``reported_run`` is on the embedded emulated device with the ohos-4.0 profile and the two tests of
run_cases.py: one finds a spec deviation of 4.0, the other passes. ``failing_suites_run`` is every
suite against the ohos-4.0 profile with no waivers: the failing run a person triages.
"""

from __future__ import annotations

import pytest
from cli_runs import CliRun, cases, ohos_hil, path_options


@pytest.fixture(scope="session")
def reported_run(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    home = tmp_path_factory.mktemp("run")
    return ohos_hil("run", "--emulator-profile", "ohos-4.0", *path_options(home), *cases(), home=home)


SUITES_RUN_TIMEOUT = 900.0


@pytest.fixture(scope="session")
def failing_suites_run(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    home = tmp_path_factory.mktemp("suites-run")
    return ohos_hil(
        "run", "--emulator-profile", "ohos-4.0", *path_options(home), home=home, timeout=SUITES_RUN_TIMEOUT
    )
