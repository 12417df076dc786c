"""Every method form × too few arguments, too many, and each wrong type per parameter: 401 thrown.

The grid is built from the run's edition (suites/module/argument_grid.py); a callback given in a
refused call must not be called afterwards (within the edition's settle time).
"""

import contextlib

import pytest
from gallery_sync.steps import settle_time

from harness.conformance.cloudsync import CloudSync
from harness.errors import EventTimeout, SpecDeviation
from harness.plugin.state import run_state
from harness.shim.values import Callback

from .argument_grid import argument_cases


def pytest_generate_tests(metafunc):
    if "case" in metafunc.fixturenames:
        cases = argument_cases(run_state(metafunc.config).edition)
        metafunc.parametrize(
            "case", [pytest.param(c, id=c.id, marks=pytest.mark.requirement(*c.requirements)) for c in cases]
        )


@pytest.fixture(scope="module")
def grid_cloudsync(device, spec):
    """One shim for the whole grid: every case makes its own object and callback and must throw, so
    the cases share nothing a correct device keeps (a fresh shim per case would double the time)."""
    shim = device.shim(fresh=True)
    try:
        yield CloudSync(shim, spec)
    finally:
        shim.close()


def test_a_call_with_wrong_arguments_throws_401(grid_cloudsync, spec, case):
    cloudsync = grid_cloudsync
    own = Callback(case.id)  # a callback no other case uses
    args = tuple(own if isinstance(arg, Callback) else arg for arg in case.args)
    target = cloudsync.gallery_sync() if case.cls == "GallerySync" else cloudsync.download()
    target.call(case.member, *args, style=case.style).expect_error(401, "thrown")
    for callback in [arg for arg in args if isinstance(arg, Callback)]:
        with contextlib.suppress(EventTimeout):
            called = cloudsync.shim.wait_event(callback, settle_time(spec))
            raise SpecDeviation(f"{case.id}: the call threw, then called its callback: {called.arg!r}")
