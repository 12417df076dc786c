"""The module's enums as the device exposes them, member by member against the edition."""

import pytest

from harness.conformance.jstypes import js_typeof


def _member(enum: str, name: str) -> object:
    rid = f"{enum}.{name}"
    return pytest.param(enum, name, id=rid, marks=pytest.mark.requirement(rid))


MEMBERS = [
    *(
        _member("SyncState", name)
        for name in ("UPLOADING", "UPLOAD_FAILED", "DOWNLOADING", "DOWNLOAD_FAILED", "COMPLETED", "STOPPED")
    ),
    *(
        _member("ErrorType", name)
        for name in (
            "NO_ERROR",
            "NETWORK_UNAVAILABLE",
            "WIFI_UNAVAILABLE",
            "BATTERY_LEVEL_LOW",
            "BATTERY_LEVEL_WARNING",
            "CLOUD_STORAGE_FULL",
            "LOCAL_STORAGE_FULL",
        )
    ),
    *(_member("State", name) for name in ("RUNNING", "COMPLETED", "FAILED", "STOPPED")),
]


@pytest.mark.parametrize(("enum", "name"), MEMBERS)
def test_enum_member_has_the_documented_value(cloudsync, spec, enum, name):
    members = cloudsync.module_value(enum)
    assert isinstance(members, dict), f"cloudSync.{enum} is an object of members, not {members!r}"
    assert name in members, f"cloudSync.{enum} has no member {name} (it has {sorted(members)})"
    value = members[name]
    assert js_typeof(value) == "number", f"cloudSync.{enum}.{name} is a number, not {value!r}"
    assert value == spec.enum(enum)[name], (
        f"cloudSync.{enum}.{name} is {value!r}, the edition says {spec.enum(enum)[name]}"
    )
