"""For every project test: a state folder of its own (restore journals and device leases of
inventory devices), so that test runs never share, wait for or restore each other's devices."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

STATE = tempfile.mkdtemp(prefix="ohos-hil-tests-state-")


def pytest_configure(config: pytest.Config) -> None:
    os.environ["XDG_STATE_HOME"] = STATE  # child processes (ohos-hil runs, holders) inherit it


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(STATE, ignore_errors=True)
