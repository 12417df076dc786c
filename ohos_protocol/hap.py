"""The shim HAP project's build variants (devices/shim-hap/variants.json5).

The project lives in devices/shim-hap; ``ohos_protocol/shim_hap`` links to it, and the files the
code reads (variants, manifests, signing profiles) ship there in the wheel, so :data:`HAP_DIR` is
found through importlib.resources in a source tree and in an installed package alike.

One file says which shim bundles exist, their device ports and what sets them apart; the harness
reads it to start a variant, and the emulated device reads it (with the manifests) to install them.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from ohos_protocol import json5file
from ohos_protocol.errors import ConfigError

HAP_DIR = Path(str(files("ohos_protocol") / "shim_hap"))
ENTRY_ABILITY = "EntryAbility"


@dataclass(frozen=True)
class ShimVariant:
    """A build variant of the shim: its bundle, the port its entry serves, how it is built."""

    product: str
    bundle: str
    port: int
    profile: Path
    without_permissions: frozenset[str]
    purpose: str
    ability: str = ENTRY_ABILITY


def load_variants(hap_dir: Path = HAP_DIR) -> dict[str, ShimVariant]:
    """Variants by product name (`default`, `noperm`, `normal`)."""
    path = hap_dir / "variants.json5"
    variants: dict[str, ShimVariant] = {}
    for index, entry in enumerate(json5file.load(path).get("variants", [])):
        try:
            variant = ShimVariant(
                product=entry["product"],
                bundle=entry["bundleName"],
                port=int(entry["port"]),
                profile=hap_dir / entry["profile"],
                without_permissions=frozenset(entry.get("withoutPermissions", [])),
                purpose=entry.get("purpose", ""),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"{path}: variants[{index}]: missing or bad field {exc}") from None
        if variant.product in variants:
            raise ConfigError(f"{path}: variants[{index}]: duplicate product {variant.product!r}")
        variants[variant.product] = variant
    if "default" not in variants:
        raise ConfigError(f"{path}: no variant with product 'default'")
    return variants
