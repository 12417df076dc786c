"""Reading the HAP project's JSON5 files (manifests, build profiles, variants) with the json5 library."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import json5

from ohos_protocol.errors import ConfigError

MAX_BYTES = 1 << 20


def load(path: Path) -> Any:
    """The parsed file; a ConfigError naming the file when it cannot be read or parsed."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    if len(data) > MAX_BYTES:
        raise ConfigError(f"{path}: larger than {MAX_BYTES} bytes")
    try:
        return json5.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(f"{path}: not JSON5: {exc}") from None
