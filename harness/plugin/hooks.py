"""pytest hooks: options, run state, device parametrization, requirement and capability markers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.emulator_program import check_options
from harness.errors import ConfigError
from harness.plugin.farm import run_options
from harness.plugin.options import add_options
from harness.plugin.reporting import title_test
from harness.plugin.state import RUN_STATE, RunState, run_state
from harness.registry import DeviceRegistry
from harness.spec import load_edition

WAIVED_DEVIATIONS = pytest.StashKey[tuple[str, ...]]()  # the ids (D1...) of the waivers a test falls under

MARKERS = (
    "requirement(*ids): requirement ids of the spec edition that this test checks",
    "needs(*capabilities): device capabilities the test needs; a device without them skips it",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)
    try:
        edition = load_edition(config.getoption("spec_edition"))
        waiver_option = config.getoption("waivers")
        seeded = config.getoption("emulator_seeded_deviation")
        if seeded:
            check_options(config.getoption("emulator_profile"), seeded)
        registry = DeviceRegistry(run_options(config))
    except ConfigError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[RUN_STATE] = RunState(edition, registry, waiver_option)
    config.add_cleanup(registry.close)


def _uses_plugin_device(metafunc: pytest.Metafunc) -> bool:
    """True when the test's `device` is this plugin's fixture, not one of a conftest or module."""
    definitions = getattr(metafunc, "_arg2fixturedefs", {}).get("device") or ()
    return bool(definitions) and definitions[-1].func.__module__ == "harness.plugin.fixtures"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "device" in metafunc.fixturenames and _uses_plugin_device(metafunc):
        ids = run_state(metafunc.config).registry.ids
        metafunc.parametrize("device", ids, indirect=True, scope="session")


def requirement_ids(item: pytest.Item) -> list[str]:
    return [rid for marker in item.iter_markers("requirement") for rid in marker.args]


def waived_deviations(item: pytest.Item) -> tuple[str, ...]:
    """The ids of the known deviations (waivers) that cover the test's requirements on its device."""
    return item.stash.get(WAIVED_DEVIATIONS, ())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    state = run_state(config)
    problems = []
    for item in items:
        for rid in requirement_ids(item):
            try:
                state.edition.requirement(rid)
            except ConfigError as exc:
                problems.append(f"{item.nodeid}: {exc}")
        _mark_waived(item, state)
        title_test(item)
    if problems:
        raise pytest.UsageError("unknown requirement ids:\n  " + "\n  ".join(problems))
    dump = config.getoption("requirements_json")
    if dump:
        Path(dump).write_text(
            json.dumps({item.nodeid: requirement_ids(item) for item in items}), encoding="utf-8"
        )


def _mark_waived(item: pytest.Item, state: RunState) -> None:
    """A test naming a waived requirement is expected to fail with a spec deviation (only)."""
    callspec = getattr(item, "callspec", None)
    device_id = callspec.params.get("device") if callspec is not None else None
    waivers = state.waivers_for(device_id) if isinstance(device_id, str) else None
    if waivers is None:
        return
    found = [w for rid in requirement_ids(item) if (w := waivers.waiver_for(rid)) is not None]
    hits = {w.describe() for w in found}
    item.stash[WAIVED_DEVIATIONS] = tuple(sorted({w.id for w in found}))
    if hits:
        item.add_marker(
            pytest.mark.xfail(raises=AssertionError, strict=False, reason="; ".join(sorted(hits)))
        )
