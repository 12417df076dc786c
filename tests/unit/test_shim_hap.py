"""The shim's HAP project for real devices (devices/shim-hap).

No OpenHarmony SDK is available here, so the HAP is never built in this repository. These tests
check what a build and an install depend on: the manifests parse and agree with variants.json5,
every resource they name exists, the shared core reaches the HAP byte for byte with every module
core.js imports, the signing templates become signable profiles, and the emulated device installs
the four variants with the identities the suites rely on.
"""

from __future__ import annotations

import datetime
import importlib.util
import re
import shutil
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from harness.errors import ConfigError
from ohos_emulator.bundles import load_shim_bundles
from ohos_protocol import json5file
from ohos_protocol.hap import HAP_DIR, load_variants
from ohos_protocol.shim import JS_CORE_DIR as JS_DIR

CLOUDFILE_SYNC = "ohos.permission.CLOUDFILE_SYNC"
MODULE_JSON = HAP_DIR / "entry" / "src" / "main" / "module.json5"
APP_JSON = HAP_DIR / "AppScope" / "app.json5"
ETS_DIR = HAP_DIR / "entry" / "src" / "main" / "ets"
MANIFESTS = [
    "AppScope/app.json5",
    "build-profile.json5",
    "oh-package.json5",
    "hvigor/hvigor-config.json5",
    "variants.json5",
    "entry/build-profile.json5",
    "entry/oh-package.json5",
    "entry/src/main/module.json5",
]
# A static import or re-export of an ES module: `import {...} from 'x'`, `export ... from 'x'`, `import 'x'`.
_ES_IMPORT = re.compile(
    r"^(?:import|export)\s(?:[^;]*?\sfrom\s+)?['\"]([^'\"]+)['\"]", re.MULTILINE | re.DOTALL
)
_RESOURCE_REF = re.compile(r"\$(string|media|color|profile):(\w+)")


def _load_script(name: str) -> ModuleType:
    path = HAP_DIR / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name.replace("-", "_"), path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def sync_core() -> ModuleType:
    return _load_script("sync-core")


@pytest.fixture(scope="module")
def fill_profile() -> ModuleType:
    return _load_script("fill-profile")


def _build_profile() -> dict[str, Any]:
    return json5file.load(HAP_DIR / "build-profile.json5")


def _imports(path: Path) -> list[str]:
    return _ES_IMPORT.findall(path.read_text(encoding="utf-8"))


def _import_closure(js_dir: Path, start: str) -> set[str]:
    """File names reached from `start` through relative imports; non-relative ones fail the test."""
    seen: set[str] = set()
    pending = [start]
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        for specifier in _imports(js_dir / name):
            assert specifier.startswith("./"), (
                f"{name} imports {specifier!r}: the core must be self-contained"
            )
            pending.append(specifier[2:])
    return seen


def _strip_js_comments(source: str) -> str:
    return re.sub(r"//[^\n]*|/\*.*?\*/", "", source, flags=re.DOTALL)


def test_every_manifest_parses_as_json5_object() -> None:
    for name in MANIFESTS:
        assert isinstance(json5file.load(HAP_DIR / name), dict), name


def test_each_variant_bundle_name_matches_its_signing_profile() -> None:
    for variant in load_variants().values():
        info = json5file.load(variant.profile)["bundle-info"]
        assert info["bundle-name"] == variant.bundle, variant.product


def test_variant_ports_are_distinct_tcp_ports() -> None:
    ports = [variant.port for variant in load_variants().values()]
    assert len(set(ports)) == len(ports) == 4
    assert all(1024 < port < 65536 for port in ports)


def test_build_products_are_the_variants_with_their_bundles_and_signing_configs() -> None:
    app = _build_profile()["app"]
    variants = load_variants()
    products = {product["name"]: product for product in app["products"]}
    signing = {config["name"]: config for config in app["signingConfigs"]}
    assert set(products) == set(variants)
    for name, variant in variants.items():
        product = products[name]
        assert product["bundleName"] == variant.bundle
        assert product["runtimeOS"] == "OpenHarmony"
        assert product["compileSdkVersion"] == product["compatibleSdkVersion"] == 10
        material = signing[product["signingConfig"]]["material"]
        assert material["profile"] == f"signing/local/{variant.profile.stem}.p7b"


def test_signing_configs_hold_no_password() -> None:
    for config in _build_profile()["app"]["signingConfigs"]:
        assert config["material"]["storePassword"] == config["material"]["keyPassword"] == "", config["name"]


def test_every_product_builds_the_entry_module() -> None:
    profile = _build_profile()
    products = {product["name"] for product in profile["app"]["products"]}
    (entry,) = [module for module in profile["modules"] if module["name"] == "entry"]
    assert (HAP_DIR / entry["srcPath"] / "src" / "main" / "module.json5").is_file()
    applied = {name for target in entry["targets"] for name in target["applyToProducts"]}
    assert applied == products
    module_targets = {
        target["name"] for target in json5file.load(HAP_DIR / "entry" / "build-profile.json5")["targets"]
    }
    assert {target["name"] for target in entry["targets"]} <= module_targets


def test_app_json_bundle_is_the_default_products() -> None:
    assert json5file.load(APP_JSON)["app"]["bundleName"] == load_variants()["default"].bundle


def test_main_element_ability_exists_as_a_uiability_source() -> None:
    module = json5file.load(MODULE_JSON)["module"]
    (ability,) = [a for a in module["abilities"] if a["name"] == module["mainElement"]]
    source = (MODULE_JSON.parent / ability["srcEntry"]).resolve()
    assert source.is_file(), source
    assert f"export default class {ability['name']} extends UIAbility" in source.read_text(encoding="utf-8")
    assert ability["exported"] is True, "aa start needs an exported ability"


@pytest.mark.parametrize(
    ("manifest", "resources"),
    [
        (APP_JSON, HAP_DIR / "AppScope" / "resources" / "base"),
        (MODULE_JSON, HAP_DIR / "entry" / "src" / "main" / "resources" / "base"),
    ],
)
def test_every_resource_a_manifest_names_exists(manifest: Path, resources: Path) -> None:
    references = _RESOURCE_REF.findall(manifest.read_text(encoding="utf-8"))
    assert references
    for kind, name in references:
        if kind == "media":
            assert (resources / "media" / f"{name}.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n"), name
        elif kind == "profile":
            pages = json5file.load(resources / "profile" / f"{name}.json")["src"]
            assert all((ETS_DIR / f"{page}.ets").is_file() for page in pages), pages
        else:
            entries = json5file.load(resources / "element" / f"{kind}.json")[kind]
            assert name in {entry["name"] for entry in entries}, f"{kind}:{name}"


def test_relative_imports_of_the_hap_sources_resolve(sync_core: ModuleType) -> None:
    synced = set(sync_core.planned_files())
    sources = [*ETS_DIR.rglob("*.ets"), *ETS_DIR.glob("entryability/*.ts")]
    for source in sources:
        for specifier in _imports(source):
            if not specifier.startswith("."):
                assert specifier.startswith("@ohos."), f"{source.name} imports {specifier}"
                continue
            target = (source.parent / specifier).resolve()
            if target.parent == (HAP_DIR / sync_core.SHIM_SOURCES).resolve():
                assert {f"{target.name}.js", f"{target.name}.ts"} & synced, f"{source.name}: {specifier}"
            else:
                assert target.with_suffix(".ets").is_file() or target.with_suffix(".ts").is_file(), specifier


def test_synced_core_files_are_exactly_the_import_closure_of_core_js(sync_core: ModuleType) -> None:
    closure = _import_closure(JS_DIR, "core.js")
    assert set(sync_core.CORE_FILES) == closure
    assert not {"node-entry.js", "tcp-server.js", "ipc-client.js"} & closure


def test_core_closure_uses_nothing_arkcompiler_or_the_device_lacks(sync_core: ModuleType) -> None:
    forbidden = re.compile(
        r"\beval\s*\(|\bnew\s+Function\b|\brequire\s*\(|\bprocess\.|\bBuffer\b|node:|\bwith\s*\("
    )
    for name in sync_core.CORE_FILES:
        code = _strip_js_comments((JS_DIR / name).read_text(encoding="utf-8"))
        assert not forbidden.search(code), f"{name}: {forbidden.search(code)}"


def test_sync_copies_the_core_byte_for_byte_and_writes_the_variant_ports(
    sync_core: ModuleType, tmp_path: Path
) -> None:
    planned = sync_core.planned_files()
    written = sync_core.sync(tmp_path, planned)

    assert sorted(written) == sorted([*sync_core.CORE_FILES, sync_core.HAP_INFO])
    for name in sync_core.CORE_FILES:
        assert (tmp_path / name).read_bytes() == (JS_DIR / name).read_bytes(), name
    hap_info = (tmp_path / sync_core.HAP_INFO).read_text(encoding="utf-8")
    ports = {bundle: int(port) for bundle, port in re.findall(r"case '([^']+)':\s*return (\d+);", hap_info)}
    assert ports == {variant.bundle: variant.port for variant in load_variants().values()}
    version = json5file.load(APP_JSON)["app"]["versionName"]
    assert f"export const SHIM_VERSION: string = '{version}';" in hap_info
    assert sync_core.stale_files(tmp_path, planned) == []


def test_sync_check_reports_a_changed_copy_and_a_stray_file(sync_core: ModuleType, tmp_path: Path) -> None:
    planned = sync_core.planned_files()
    sync_core.sync(tmp_path, planned)
    (tmp_path / "core.js").write_bytes(b"// edited by hand\n")
    (tmp_path / "old.js").write_text("", encoding="utf-8")

    assert sync_core.stale_files(tmp_path, planned) == ["core.js", "old.js"]
    sync_core.sync(tmp_path, planned)
    assert sync_core.stale_files(tmp_path, planned) == []
    assert not (tmp_path / "old.js").exists()


def test_sync_script_check_mode_exit_status(
    sync_core: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hap = tmp_path / "shim-hap"
    shutil.copytree(HAP_DIR, hap, ignore=shutil.ignore_patterns("shim", "build", "local"))
    monkeypatch.setattr(sync_core, "HAP_DIR", hap)

    assert sync_core.main(["--check"]) == 1
    assert sync_core.main([]) == 0
    assert sync_core.main(["--check"]) == 0


def test_emulated_install_models_the_four_variants() -> None:
    bundles = {bundle.product: bundle for bundle in load_shim_bundles()}

    assert set(bundles) == {"default", "noperm", "normal", "bare"}
    assert bundles["default"].system_app and CLOUDFILE_SYNC in bundles["default"].permissions
    assert bundles["noperm"].system_app and CLOUDFILE_SYNC not in bundles["noperm"].permissions
    assert not bundles["normal"].system_app and CLOUDFILE_SYNC in bundles["normal"].permissions
    assert bundles["normal"].apl == "normal"
    assert not bundles["bare"].system_app and CLOUDFILE_SYNC not in bundles["bare"].permissions
    assert {bundle.entry_ability for bundle in bundles.values()} == {"EntryAbility"}


def test_hvigor_permission_plugin_reads_fields_variants_json5_has() -> None:
    script = (HAP_DIR / "entry" / "hvigorfile.ts").read_text(encoding="utf-8")
    fields = set(json5file.load(HAP_DIR / "variants.json5")["variants"][0])
    assert "'variants.json5'" in script
    for field in ("product", "withoutPermissions"):
        assert field in fields and f".{field}" in script
    assert "setModuleJsonOpt" in script


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject: str, issuer: str, key: ec.EllipticCurvePrivateKey, signer: Any) -> x509.Certificate:
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=365))
        .sign(signer, hashes.SHA256())
    )


def _pem(*certificates: x509.Certificate) -> str:
    return "".join(cert.public_bytes(serialization.Encoding.PEM).decode("ascii") for cert in certificates)


@pytest.fixture(scope="module")
def app_chain() -> tuple[x509.Certificate, x509.Certificate, x509.Certificate]:
    root_key, ca_key, app_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    root = _certificate("Test Root CA", "Test Root CA", root_key, root_key)
    ca = _certificate("Test Application CA", "Test Root CA", ca_key, root_key)
    app = _certificate("Test Application Release", "Test Application CA", app_key, ca_key)
    return root, ca, app


@pytest.mark.parametrize("leaf_first", [True, False])
def test_fill_profile_puts_the_app_certificate_into_the_variant_profile(
    fill_profile: ModuleType, app_chain: tuple[x509.Certificate, ...], tmp_path: Path, leaf_first: bool
) -> None:
    root, ca, app = app_chain
    cert_file = tmp_path / "app-cert.cer"
    cert_file.write_text(_pem(app, ca, root) if leaf_first else _pem(root, ca, app), encoding="ascii")
    out = tmp_path / "normal-profile.json"

    assert fill_profile.main(["--product", "normal", "--cert", str(cert_file), "--out", str(out)]) == 0

    filled = json5file.load(out)
    template = json5file.load(load_variants()["normal"].profile)
    assert filled["bundle-info"].pop("distribution-certificate") == _pem(app)
    template["bundle-info"].pop("distribution-certificate")
    assert filled == template


def test_fill_profile_refuses_a_chain_without_an_app_certificate(
    fill_profile: ModuleType, app_chain: tuple[x509.Certificate, ...], tmp_path: Path
) -> None:
    root, _, _ = app_chain
    with pytest.raises(ConfigError, match="expected one app certificate"):
        fill_profile.app_certificate(_pem(root), tmp_path / "root.cer")
    with pytest.raises(ConfigError, match="no PEM certificate"):
        fill_profile.app_certificate("not a certificate\n", tmp_path / "text.cer")


def test_fill_profile_script_fails_cleanly_on_bad_input(
    fill_profile: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "profile.json"
    missing = tmp_path / "missing.cer"

    assert fill_profile.main(["--product", "nope", "--cert", str(missing), "--out", str(out)]) == 2
    assert "no product 'nope'" in capsys.readouterr().err
    assert fill_profile.main(["--product", "normal", "--cert", str(missing), "--out", str(out)]) == 2
    assert "missing.cer" in capsys.readouterr().err
    assert not out.exists()
