"""The ohos-hil pytest plugin (entry point `ohos_hil`): options, fixtures, markers, Allure content."""

from harness.plugin.fixtures import (
    _device_test_scope,
    _requirement_labels,
    battery,
    cloudsync,
    cloudsync_as,
    condition_preset,
    device,
    lab,
    network,
    spec,
    storage,
)
from harness.plugin.hooks import (
    pytest_addoption,
    pytest_collection_modifyitems,
    pytest_configure,
    pytest_generate_tests,
)

# Plugins of their own (each has hooks that the names above would clash with): per-test verdicts
# for `ohos-hil run`, per-test evidence (device info, hilog and console slices) for Allure, and the
# wording of Allure's results (titles, messages, statuses, fixtures); the device farm under xdist.
pytest_plugins = (
    "harness.plugin.farm",
    "harness.plugin.verdicts",
    "harness.plugin.evidence",
    "harness.plugin.allure_results",
)

__all__ = [
    "_device_test_scope",
    "_requirement_labels",
    "battery",
    "cloudsync",
    "cloudsync_as",
    "condition_preset",
    "device",
    "lab",
    "network",
    "pytest_addoption",
    "pytest_collection_modifyitems",
    "pytest_configure",
    "pytest_generate_tests",
    "spec",
    "storage",
]
