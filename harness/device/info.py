"""What a device says about itself (`param get`, docs/upstream-facts.md §3.4)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from harness.errors import DeviceHealthError
from harness.transport.base import Transport

_PARAM_LINE = re.compile(r"^(\S+) = (.*)$", re.MULTILINE)


@dataclass(frozen=True)
class DeviceInfo:
    api_level: int
    full_name: str
    model: str
    build_type: str
    booted: bool
    params: dict[str, str]

    def as_properties(self) -> dict[str, str]:
        return {
            "api_level": str(self.api_level),
            "os": self.full_name,
            "model": self.model,
            "build_type": self.build_type,
        }


def read_device_info(transport: Transport) -> DeviceInfo:
    """All parameters in one `param get`, then the ones the harness needs."""
    output = transport.run("param get", timeout=15).check().output
    params = dict(_PARAM_LINE.findall(output))
    try:
        api_level = int(params["const.ohos.apiversion"])
    except (KeyError, ValueError):
        raise DeviceHealthError(
            f"{transport.device_id}: no usable const.ohos.apiversion in `param get`"
        ) from None
    return DeviceInfo(
        api_level=api_level,
        full_name=params.get("const.ohos.fullname", "unknown"),
        model=params.get("const.product.model", "unknown"),
        build_type=params.get("const.product.build.type", params.get("const.build.variant", "unknown")),
        booted=params.get("bootevent.boot.completed") == "true",
        params=params,
    )
