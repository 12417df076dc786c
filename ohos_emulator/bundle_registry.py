"""The bundles installed on an emulated device: the pre-installed shim variants plus what `bm` changed.

The device state keeps what `bm install` / `bm uninstall` changed (section ``bundles``: the
`module.json` of every bundle installed since, and the pre-installed bundles uninstalled since), so
a restarted device has the bundles it had. Installing follows OpenHarmony's rules for an existing
bundle: a lower versionCode is a downgrade (refused), the same versionCode needs `-r`, a higher one
updates. A pre-installed system app cannot be uninstalled.
"""

from __future__ import annotations

import threading
from pathlib import Path

from ohos_emulator.bm_errors import BundleError, BundleStatus
from ohos_emulator.bundles import BundleInfo, bundle_info, load_shim_bundles
from ohos_emulator.hap_package import HapManifest, parse_manifest
from ohos_emulator.hilog import Hilog
from ohos_emulator.state import DeviceState
from ohos_protocol.hap import HAP_DIR, load_variants

SECTION = "bundles"
LOG_TAG = "BundleMgrService"
LOG_DOMAIN = 0xD001120


class BundleRegistry:
    """Installed bundles by name; changes are saved in the device state."""

    def __init__(self, state: DeviceState, hilog: Hilog, hap_dir: Path = HAP_DIR) -> None:
        self._state = state
        self._hilog = hilog
        self._variants = {variant.bundle: variant for variant in load_variants(hap_dir).values()}
        preinstalled = load_shim_bundles(hap_dir)
        self._preinstalled = {bundle.name for bundle in preinstalled}
        self._lock = threading.Lock()
        with state.lock:
            self._section = state.section(SECTION, {"installed": {}, "removed": []})
            removed = set(self._section["removed"])
            self._bundles = {bundle.name: bundle for bundle in preinstalled if bundle.name not in removed}
            for name, document in sorted(self._section["installed"].items()):
                try:
                    manifest = parse_manifest(document, f"{state.path}: {SECTION}.installed.{name}")
                    self._bundles[name] = self._resolve(manifest)
                except BundleError as exc:
                    self.log(f"cannot restore installed bundle {name}: {exc}", level="E")

    def log(self, message: str, level: str = "I") -> None:
        self._hilog.write(LOG_TAG, message, level=level, domain=LOG_DOMAIN)

    def all(self) -> list[BundleInfo]:
        with self._lock:
            return sorted(self._bundles.values(), key=lambda bundle: bundle.name)

    def get(self, name: str) -> BundleInfo | None:
        with self._lock:
            return self._bundles.get(name)

    def _resolve(self, manifest: HapManifest) -> BundleInfo:
        variant = self._variants.get(manifest.bundle)
        return bundle_info(manifest, variant, preinstalled=manifest.bundle in self._preinstalled)

    def check_install(self, manifest: HapManifest, replace: bool) -> BundleInfo:
        """The bundle ``manifest`` would install as; BundleError if bm would refuse it."""
        bundle = self._resolve(manifest)
        old = self.get(manifest.bundle)
        if old is not None and manifest.version_code < old.version_code:
            raise BundleError(
                BundleStatus.VERSION_DOWNGRADE,
                f"{manifest.bundle}: versionCode {manifest.version_code} < installed {old.version_code}",
            )
        if old is not None and manifest.version_code == old.version_code and not replace:
            raise BundleError(BundleStatus.ALREADY_EXIST, f"{manifest.bundle} is installed; -r replaces it")
        return bundle

    def add(self, bundle: BundleInfo, manifest: HapManifest) -> None:
        """Record ``bundle`` (checked by :meth:`check_install`) as installed, in the state too."""
        with self._lock, self._state.lock:
            self._bundles[bundle.name] = bundle
            self._section["installed"][bundle.name] = manifest.document
            if bundle.name in self._section["removed"]:
                self._section["removed"].remove(bundle.name)
            self._state.save()

    def check_uninstall(self, name: str) -> BundleInfo:
        """The installed bundle ``name``; BundleError if bm would refuse to uninstall it."""
        bundle = self.get(name)
        if bundle is None:
            raise BundleError(BundleStatus.UNINSTALL_MISSING_INSTALLED_BUNDLE, f"{name} is not installed")
        if not bundle.removable:
            raise BundleError(
                BundleStatus.UNINSTALL_SYSTEM_APP_ERROR, f"{name} is a pre-installed system app"
            )
        return bundle

    def remove(self, name: str) -> None:
        """Forget the bundle ``name`` (checked by :meth:`check_uninstall`), in the state too."""
        with self._lock, self._state.lock:
            self._bundles.pop(name, None)
            self._section["installed"].pop(name, None)
            if name in self._preinstalled and name not in self._section["removed"]:
                self._section["removed"].append(name)
            self._state.save()
