"""Who a bundle on the emulated device is (APL, system app) and what it is granted.

A bundle whose name is one of the shim's variants (devices/shim-hap/variants.json5) gets the
identity of that variant's signing profile: its APL, its app feature (system app or not) and the
ACLs the profile allows. Any other bundle is a third-party app signed without such a profile (an
unsigned or debug-signed HAP): APL `normal`, not a system app, no ACLs. A requested permission is
granted when its level is at most the bundle's APL or an ACL allows it; one that cannot be granted
fails the install (bm's 9568289), as on a device. A permission the device does not define is
skipped, as OpenHarmony's bundle manager does when AccessToken has no definition for it.

The shim variants come pre-installed, each from the manifest hvigor would compile for it
(:func:`ohos_emulator.hap_package.shim_manifest`); a manifest of the repository's own project
asking for a permission the device does not define is a mistake in the repository (ConfigError).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ohos_emulator.bm_errors import BundleError, BundleStatus
from ohos_emulator.hap_package import HapManifest, parse_manifest, shim_manifest
from ohos_protocol import json5file
from ohos_protocol.errors import ConfigError
from ohos_protocol.hap import HAP_DIR, ShimVariant, load_variants

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
class SigningIdentity:
    """What a bundle's signing profile says about it."""

    apl: str
    system_app: bool
    acls: frozenset[str]


THIRD_PARTY = SigningIdentity("normal", False, frozenset())
"""The identity of a bundle that is not a shim variant."""


@dataclass(frozen=True)
class BundleInfo:
    """An installed bundle: identity, what it was granted, and how its entry ability starts.

    ``product`` is the shim variant the bundle is, if it is one; ``default_port`` the device port
    its shim serves when `aa start` passes none (only shim variants have one).
    """

    name: str
    product: str | None
    apl: str
    system_app: bool
    permissions: frozenset[str]
    entry_ability: str
    module: str
    default_port: int | None
    version_code: int
    version_name: str
    target_api: int
    removable: bool


def variant_identity(variant: ShimVariant) -> SigningIdentity:
    """The identity a shim variant's signing profile gives it; ConfigError naming the profile."""
    profile = json5file.load(variant.profile)
    info = profile["bundle-info"]
    if info["bundle-name"] != variant.bundle:
        raise ConfigError(f"{variant.profile}: bundle-name {info['bundle-name']} != {variant.bundle}")
    apl = info["apl"]
    if apl not in APL_RANK:
        raise ConfigError(f"{variant.profile}: unknown apl {apl!r}")
    acls = frozenset(profile.get("acls", {}).get("allowed-acls", []))
    return SigningIdentity(apl, info["app-feature"] == "hos_system_app", acls)


def grant(bundle: str, requested: Iterable[str], identity: SigningIdentity) -> frozenset[str]:
    """The requested permissions the device grants; BundleError (9568289) if one cannot be granted."""
    granted = set()
    for permission in requested:
        level = PERMISSION_LEVEL.get(permission)
        if level is None:
            continue
        if APL_RANK[level] > APL_RANK[identity.apl] and permission not in identity.acls:
            raise BundleError(
                BundleStatus.GRANT_REQUEST_PERMISSIONS_FAILED,
                f"{bundle}: {permission} needs APL {level} or an ACL (bundle APL {identity.apl})",
            )
        granted.add(permission)
    return frozenset(granted)


def bundle_info(manifest: HapManifest, variant: ShimVariant | None, preinstalled: bool) -> BundleInfo:
    """The bundle a manifest installs as (``variant``: the shim variant of that name, if any).

    BundleError when a requested permission cannot be granted. A pre-installed system app cannot
    be uninstalled.
    """
    identity = variant_identity(variant) if variant is not None else THIRD_PARTY
    return BundleInfo(
        name=manifest.bundle,
        product=variant.product if variant is not None else None,
        apl=identity.apl,
        system_app=identity.system_app,
        permissions=grant(manifest.bundle, manifest.permissions, identity),
        entry_ability=manifest.main_element,
        module=manifest.module,
        default_port=variant.port if variant is not None else None,
        version_code=manifest.version_code,
        version_name=manifest.version_name,
        target_api=manifest.target_api,
        removable=not (preinstalled and identity.system_app),
    )


def load_shim_bundles(hap_dir: Path = HAP_DIR) -> list[BundleInfo]:
    """Every shim variant as the emulated device has it pre-installed."""
    module_file = hap_dir / "entry" / "src" / "main" / "module.json5"
    bundles = []
    for variant in load_variants(hap_dir).values():
        try:
            manifest = parse_manifest(
                shim_manifest(variant, hap_dir), f"{hap_dir}: variant {variant.product}"
            )
            undefined = [p for p in manifest.permissions if p not in PERMISSION_LEVEL]
            if undefined:
                raise ConfigError(
                    f"{module_file}: {variant.bundle} requests unknown permission {undefined[0]}"
                )
            bundles.append(bundle_info(manifest, variant, preinstalled=True))
        except BundleError as exc:
            raise ConfigError(f"{variant.profile}: install of {variant.bundle} fails: {exc.detail}") from None
    return bundles
