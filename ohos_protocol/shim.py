"""Where the shim's platform-neutral JS core lives (the HAP and the emulator's Node entry both run it)."""

from __future__ import annotations

import re
from pathlib import Path

JS_CORE_DIR = Path(__file__).parent / "shim_js"

REDACTED = "<redacted>"
_TOKEN_ARGUMENT = re.compile(r"(--ps\s+token\s+)(?:'[^']*'|\"[^\"]*\"|\S+)")


def redact(text: str) -> str:
    """``text`` with the value of every shim launch token (`--ps token VALUE`) replaced."""
    if "token" not in text:  # the common case, without running the pattern
        return text
    return _TOKEN_ARGUMENT.sub(rf"\g<1>{REDACTED}", text)
