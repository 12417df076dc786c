"""The shim bundles an emulated device has installed, read from the HAP project's own manifests.

Each variant of devices/shim-hap/variants.json5 is one bundle: its signing profile gives its APL and
app feature (system app or not), and the module's `requestPermissions` minus the variant's
`withoutPermissions` are what it asks for. A permission is granted when its level is at most the
bundle's APL or the profile's ACL allows it; a request that cannot be granted fails the install, as
on a device.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness import json5
from harness.errors import ConfigError
from harness.hap import HAP_DIR, load_variants

APL_RANK = {"normal": 0, "system_basic": 1, "system_core": 2}
PERMISSION_LEVEL = {
    "ohos.permission.CLOUDFILE_SYNC": "system_basic",
    "ohos.permission.INTERNET": "normal",
    "ohos.permission.GET_WIFI_INFO": "normal",
    "ohos.permission.SET_WIFI_INFO": "normal",
    "ohos.permission.MANAGE_WIFI_CONNECTION": "system_core",
    "ohos.permission.SET_TELEPHONY_STATE": "system_basic",
    "ohos.permission.GET_NETWORK_INFO": "normal",
}


@dataclass(frozen=True)
class BundleInfo:
    """An installed bundle: identity, what it was granted, and how its entry ability starts."""

    name: str
    product: str
    apl: str
    system_app: bool
    permissions: frozenset[str]
    entry_ability: str
    module: str
    default_port: int


def _grant(bundle: str, apl: str, requested: list[str], acls: set[str], source: Path) -> frozenset[str]:
    for permission in requested:
        level = PERMISSION_LEVEL.get(permission)
        if level is None:
            raise ConfigError(f"{source}: {bundle} requests unknown permission {permission}")
        if APL_RANK[level] > APL_RANK[apl] and permission not in acls:
            raise ConfigError(
                f"{source}: install of {bundle} fails: {permission} needs APL {level} or an ACL "
                f"(bundle APL {apl})"
            )
    return frozenset(requested)


def load_shim_bundles(hap_dir: Path = HAP_DIR) -> list[BundleInfo]:
    """Every shim variant as the emulated device installs it."""
    module = json5.load(hap_dir / "entry" / "src" / "main" / "module.json5")["module"]
    requested = [entry["name"] for entry in module.get("requestPermissions", [])]
    bundles = []
    for variant in load_variants(hap_dir).values():
        profile = json5.load(variant.profile)
        info = profile["bundle-info"]
        if info["bundle-name"] != variant.bundle:
            raise ConfigError(f"{variant.profile}: bundle-name {info['bundle-name']} != {variant.bundle}")
        apl = info["apl"]
        if apl not in APL_RANK:
            raise ConfigError(f"{variant.profile}: unknown apl {apl!r}")
        wanted = [p for p in requested if p not in variant.without_permissions]
        acls = set(profile.get("acls", {}).get("allowed-acls", []))
        bundles.append(
            BundleInfo(
                name=variant.bundle,
                product=variant.product,
                apl=apl,
                system_app=info["app-feature"] == "hos_system_app",
                permissions=_grant(variant.bundle, apl, wanted, acls, variant.profile),
                entry_ability=module["mainElement"],
                module=module["name"],
                default_port=variant.port,
            )
        )
    return bundles
