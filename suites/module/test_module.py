"""The module itself: what the import gives, and that it is there from API level 10 on."""

import pytest

from harness.conformance.jstypes import js_typeof
from harness.errors import SpecDeviation
from harness.shim.client import ShimRequestError


def _import(cloudsync, spec) -> object:
    """The module object; a device that has no such module deviates."""
    try:
        return cloudsync.module_value("")
    except ShimRequestError as exc:
        if exc.kind != "no_such_module":
            raise
        raise SpecDeviation(f"the device cannot import {spec.module!r}: {exc}") from None


@pytest.mark.requirement("module.import")
def test_import_gives_the_classes_and_enums(cloudsync, spec):
    module = _import(cloudsync, spec)
    assert js_typeof(module) == "object", f"the module is an object, not {module!r}"
    for name in sorted({method.split(".")[0] for method in spec.methods}):
        assert js_typeof(module.get(name)) == "function", f"cloudSync.{name} is a class: {module.get(name)!r}"
    for name in spec.enums:
        assert js_typeof(module.get(name)) == "object", f"cloudSync.{name} is an enum: {module.get(name)!r}"


@pytest.mark.requirement("module.note.api-version")
def test_api_10_methods_are_present_from_api_level_10_on(cloudsync, device, spec):
    level = device.info.api_level
    if level < spec.api_version:
        pytest.skip(f"{device.id} is at API level {level}; the module's APIs start at {spec.api_version}")
    _import(cloudsync, spec)
    missing = [
        name
        for name in spec.methods
        if not name.endswith(".constructor") and js_typeof(cloudsync.module_value(name)) != "function"
    ]
    assert not missing, f"API level {level} device lacks methods of API {spec.api_version}: {missing}"
