"""Make one product's signing profile signable: put your app signing certificate into it.

`hap-sign-tool sign-app` refuses a release profile whose bundle-info.distribution-certificate is not
the certificate the HAP is signed with, so the committed templates (signing/<product>-profile.json)
leave it blank. This writes signing/local/<product>-profile.json (git-ignored) with the app
certificate of `--cert`: the end-entity certificate of that PEM chain, in whatever order the chain is
(`generate-app-cert -outForm certChain` writes it leaf first, the SDK's OpenHarmonyApplication.pem
root first). That file is the -inFile of `hap-sign-tool sign-profile`.

    python3 devices/shim-hap/scripts/fill-profile.py --product default --cert signing/local/app-cert.cer
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import re
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[3]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from ohos_protocol.errors import ConfigError  # noqa: E402
from ohos_protocol.hap import HAP_DIR, ShimVariant, load_variants  # noqa: E402

LOCAL_DIR = HAP_DIR / "signing" / "local"
_PEM_BLOCK = re.compile(r"-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----")
_CONSTRUCTED_CONTEXT_0 = 0xA0  # the optional [0] version field of a TBSCertificate


def app_certificate(pem: str, source: Path) -> str:
    """The end-entity certificate of the PEM chain `pem` (the issuer of no other one), as PEM text.

    OpenHarmony's certificates carry explicit NULL parameters in their ECDSA algorithm identifiers,
    which strict X.509 parsers reject, so the names are read from the DER directly.
    """
    blocks = [(match.group(0), match.group(1)) for match in _PEM_BLOCK.finditer(pem)]
    if not blocks:
        raise ConfigError(f"{source}: no PEM certificate (-----BEGIN CERTIFICATE-----) in it")
    named = []
    for text, body in blocks:
        try:
            issuer, subject = _issuer_and_subject(base64.b64decode("".join(body.split()), validate=True))
        except (binascii.Error, IndexError, ValueError):
            raise ConfigError(f"{source}: a certificate in it is not valid DER") from None
        named.append((text, issuer, subject))
    issuers = {issuer for _, issuer, subject in named if issuer != subject}
    leaves = [text for text, issuer, subject in named if subject not in issuers and issuer != subject]
    if len(leaves) != 1:
        raise ConfigError(f"{source}: expected one app certificate in the chain, found {len(leaves)}")
    return "\n".join(line.strip() for line in leaves[0].splitlines()) + "\n"


def _issuer_and_subject(der: bytes) -> tuple[bytes, bytes]:
    """The DER encodings of a certificate's issuer and subject names."""
    _, tbs_start, _ = _tlv(der, 0)
    _, pos, tbs_end = _tlv(der, tbs_start)
    fields = []
    while pos < tbs_end and len(fields) < 6:
        tag, _, end = _tlv(der, pos)
        if not (fields == [] and tag == _CONSTRUCTED_CONTEXT_0):
            fields.append(der[pos:end])
        pos = end
    _serial, _algorithm, issuer, _validity, subject = fields[:5]
    return issuer, subject


def _tlv(der: bytes, pos: int) -> tuple[int, int, int]:
    """(tag, start of the value, end of the element) of the DER element at `pos`."""
    tag, length = der[pos], der[pos + 1]
    pos += 2
    if length & 0x80:
        size = length & 0x7F
        length = int.from_bytes(der[pos : pos + size], "big")
        pos += size
    if pos + length > len(der):
        raise ValueError("truncated DER element")
    return tag, pos, pos + length


def filled_profile(variant: ShimVariant, certificate: str) -> dict[str, Any]:
    """The variant's profile template with `certificate` as its distribution certificate."""
    profile = json.loads(variant.profile.read_text(encoding="utf-8"))
    info = profile.get("bundle-info", {})
    if info.get("bundle-name") != variant.bundle:
        raise ConfigError(
            f"{variant.profile}: bundle-name {info.get('bundle-name')!r} is not {variant.bundle!r}"
        )
    info["distribution-certificate"] = certificate
    return profile


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--product", required=True, help="a product of variants.json5")
    parser.add_argument("--cert", required=True, type=Path, help="app signing certificate chain (PEM)")
    parser.add_argument("--out", type=Path, help="default: signing/local/<product>-profile.json")
    args = parser.parse_args(argv)
    try:
        variant = load_variants().get(args.product)
        if variant is None:
            raise ConfigError(f"variants.json5 has no product {args.product!r}")
        certificate = app_certificate(args.cert.read_text(encoding="ascii"), args.cert)
        profile = filled_profile(variant, certificate)
    except (ConfigError, OSError, ValueError) as exc:
        print(f"fill-profile: {exc}", file=sys.stderr)
        return 2
    out = args.out or LOCAL_DIR / f"{variant.product}-profile.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(profile, indent=2) + "\n", encoding="utf-8")
    print(f"fill-profile: wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
