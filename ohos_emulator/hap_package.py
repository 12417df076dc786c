"""HAP files as the emulated device installs them, and HAPs of the shim's variants to install.

A HAP is a zip archive. Its `module.json` is the compiled manifest: an object with `app`
(bundleName, versionCode, versionName, API versions, ...) and `module` (name, type, mainElement,
abilities, requestPermissions, ...); its `pack.info` summarises the package for packing tools and
app markets. :func:`read_hap` checks what the emulated bundle manager needs and fails with bm's
status for the first problem (not a zip, no `module.json`, not JSON, a field missing or of the
wrong type).

:func:`build_shim_hap` writes a HAP of a shim variant from the repository's shim project (the
manifest of devices/shim-hap with the variant's bundle name, minus its `withoutPermissions`). It
gives tests and the lab something to install on the emulated device. It is NOT the SDK build: the
archive holds no compiled ArkTS (`ets/modules.abc`), no `resources.index` and no signature, so no
real device installs it; devices/shim-hap/README.md says how to build the real one.
"""

from __future__ import annotations

import json
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ohos_emulator.bm_errors import BundleError, BundleStatus
from ohos_protocol import json5file
from ohos_protocol.errors import ConfigError
from ohos_protocol.hap import HAP_DIR, ShimVariant, load_variants

MODULE_JSON = "module.json"
PACK_INFO = "pack.info"
MAX_MANIFEST_BYTES = 1024 * 1024
_BUNDLE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.]{6,127}")
"""OpenHarmony's rule for bundle names: 7 to 128 characters, a letter first, then letters, digits, _ and ."""


@dataclass(frozen=True)
class HapManifest:
    """What the bundle manager reads from a HAP's `module.json` (``document`` is all of it)."""

    bundle: str
    version_code: int
    version_name: str
    target_api: int
    module: str
    module_type: str
    main_element: str
    abilities: tuple[str, ...]
    permissions: tuple[str, ...]
    document: dict[str, Any] = field(compare=False, repr=False)


# -- reading -----------------------------------------------------------------------------------------


def read_hap(path: Path, source: str | None = None) -> HapManifest:
    """The manifest of the HAP at ``path``; BundleError (bm's status, and what was wrong) otherwise.

    ``source`` names the file in errors (a device path, say); ``path`` by default.
    """
    where = source or str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            try:
                entry = archive.getinfo(MODULE_JSON)
            except KeyError:
                raise BundleError(BundleStatus.PARSE_NO_PROFILE, f"{where}: no {MODULE_JSON}") from None
            if entry.file_size > MAX_MANIFEST_BYTES:
                raise BundleError(
                    BundleStatus.PARSE_BAD_PROFILE, f"{where}: {MODULE_JSON} is {entry.file_size} bytes"
                )
            raw = archive.read(entry)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        OSError,
        EOFError,
        NotImplementedError,
    ) as exc:
        raise BundleError(BundleStatus.PARSE_UNEXPECTED, f"{where}: not a HAP (zip) archive: {exc}") from None
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BundleError(BundleStatus.PARSE_BAD_PROFILE, f"{where}: {MODULE_JSON}: {exc}") from None
    return parse_manifest(document, f"{where}: {MODULE_JSON}")


def parse_manifest(document: Any, source: str) -> HapManifest:
    """Check a `module.json` object (from a HAP, or kept in the device state); ``source`` names it."""
    if not isinstance(document, dict):
        raise BundleError(BundleStatus.PARSE_PROFILE_PROP_TYPE_ERROR, f"{source}: not a JSON object")
    app = _field(document, "app", dict, source)
    module = _field(document, "module", dict, source)
    bundle = _field(app, "bundleName", str, f"{source}: app")
    if not _BUNDLE_NAME.fullmatch(bundle):
        raise BundleError(
            BundleStatus.PARSE_PROFILE_PROP_CHECK_ERROR, f"{source}: app.bundleName {bundle!r} is not valid"
        )
    abilities = _field(module, "abilities", list, f"{source}: module", required=False) or []
    requested = _field(module, "requestPermissions", list, f"{source}: module", required=False) or []
    return HapManifest(
        bundle=bundle,
        version_code=_field(app, "versionCode", int, f"{source}: app"),
        version_name=_field(app, "versionName", str, f"{source}: app", required=False) or "",
        target_api=_field(app, "targetAPIVersion", int, f"{source}: app", required=False) or 0,
        module=_field(module, "name", str, f"{source}: module"),
        module_type=_field(module, "type", str, f"{source}: module"),
        main_element=_field(module, "mainElement", str, f"{source}: module", required=False) or "",
        abilities=_names(abilities, f"{source}: module.abilities"),
        permissions=_names(requested, f"{source}: module.requestPermissions"),
        document=document,
    )


def _field(parent: dict[str, Any], key: str, kind: type, where: str, required: bool = True) -> Any:
    value = parent.get(key)
    if value is None:
        if required:
            raise BundleError(BundleStatus.PARSE_PROFILE_MISSING_PROP, f"{where}: no {key!r}")
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise BundleError(
            BundleStatus.PARSE_PROFILE_PROP_TYPE_ERROR, f"{where}: {key!r} is not a {kind.__name__}"
        )
    return value


def _names(entries: list[Any], where: str) -> tuple[str, ...]:
    """The `name` of every object in ``entries`` (abilities, requested permissions)."""
    names = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise BundleError(
                BundleStatus.PARSE_PROFILE_PROP_TYPE_ERROR, f"{where}[{index}] is not an object"
            )
        names.append(_field(entry, "name", str, f"{where}[{index}]"))
    return tuple(names)


# -- writing -----------------------------------------------------------------------------------------


def write_hap(document: dict[str, Any], out_path: Path, code: dict[str, bytes] | None = None) -> Path:
    """A HAP at ``out_path`` holding ``document`` as its `module.json`, a `pack.info` made from it,
    and ``code`` (archive name -> bytes: the module's `ets/` files)."""
    manifest = parse_manifest(document, "the manifest to write")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MODULE_JSON, json.dumps(document, indent=2, ensure_ascii=False))
        archive.writestr(PACK_INFO, json.dumps(_pack_info(manifest), indent=2, ensure_ascii=False))
        for name, data in sorted((code or {}).items()):
            archive.writestr(name, data)
    return out_path


def build_hap_from_dir(source: Path, out_path: Path) -> Path:
    """The HAP of a module folder: its `module.json` and every file under its `ets/` (JS sources, which
    the emulated device runs where the SDK's HAPs hold compiled `.abc`). fixtures/test-bundles has one."""
    document = json.loads((source / MODULE_JSON).read_text(encoding="utf-8"))
    files = sorted(path for path in (source / "ets").rglob("*") if path.is_file())
    return write_hap(
        document, out_path, {path.relative_to(source).as_posix(): path.read_bytes() for path in files}
    )


def _pack_info(manifest: HapManifest) -> dict[str, Any]:
    app, module = manifest.document["app"], manifest.document["module"]
    device_types = module.get("deviceTypes", ["default"])
    distro = {
        "moduleName": manifest.module,
        "moduleType": manifest.module_type,
        "deliveryWithInstall": module.get("deliveryWithInstall", True),
        "installationFree": module.get("installationFree", False),
    }
    return {
        "summary": {
            "app": {
                "bundleName": manifest.bundle,
                "version": {"code": manifest.version_code, "name": manifest.version_name},
            },
            "modules": [
                {
                    "mainAbility": manifest.main_element,
                    "deviceType": device_types,
                    "abilities": [{"name": name} for name in manifest.abilities],
                    "distro": distro,
                    "apiVersion": {
                        "compatible": app.get("minAPIVersion", manifest.target_api),
                        "target": manifest.target_api,
                        "releaseType": app.get("apiReleaseType", "Release"),
                    },
                }
            ],
        },
        "packages": [
            {
                "name": f"{manifest.module}-default",
                "moduleType": manifest.module_type,
                "deviceType": device_types,
                "deliveryWithInstall": distro["deliveryWithInstall"],
            }
        ],
    }


# -- the shim project --------------------------------------------------------------------------------


def shim_manifest(variant: ShimVariant, hap_dir: Path = HAP_DIR) -> dict[str, Any]:
    """The compiled `module.json` of a shim variant, as hvigor would make it from the project.

    `app` is AppScope/app.json5 with the variant's bundle name and the API versions of its build
    product; `module` is entry/src/main/module.json5 without the variant's `withoutPermissions`.
    """
    app = dict(json5file.load(hap_dir / "AppScope" / "app.json5")["app"])
    module = dict(json5file.load(hap_dir / "entry" / "src" / "main" / "module.json5")["module"])
    profile_path = hap_dir / "build-profile.json5"
    products = json5file.load(profile_path)["app"]["products"]
    product = next((p for p in products if p.get("name") == variant.product), None)
    if product is None:
        raise ConfigError(f"{profile_path}: no build product {variant.product!r}")
    app["bundleName"] = variant.bundle
    app["minAPIVersion"] = product["compatibleSdkVersion"]
    app["targetAPIVersion"] = product["compileSdkVersion"]
    app["apiReleaseType"] = "Release"
    module["requestPermissions"] = [
        entry
        for entry in module.get("requestPermissions", [])
        if entry["name"] not in variant.without_permissions
    ]
    return {"app": app, "module": module}


def build_shim_hap(variant: str | ShimVariant, out_path: Path, hap_dir: Path = HAP_DIR) -> Path:
    """Write an (emulator-only, unsigned, uncompiled) HAP of a shim variant to ``out_path``.

    ``variant`` is a product name of devices/shim-hap/variants.json5 (`default`, `noperm`, ...).
    Not a substitute for the SDK build: see the module docstring.
    """
    if isinstance(variant, str):
        variants = load_variants(hap_dir)
        if variant not in variants:
            raise ConfigError(
                f"{hap_dir / 'variants.json5'}: no variant {variant!r}; known: {sorted(variants)}"
            )
        variant = variants[variant]
    return write_hap(shim_manifest(variant, hap_dir), out_path)
