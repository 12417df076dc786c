"""Read the JSON5 that OpenHarmony project files use (module.json5, app.json5, build-profile.json5).

Supports the part of JSON5 those files use: `//` and `/* */` comments, trailing commas, unquoted
identifier keys and single-quoted strings. The text is rewritten to JSON and parsed by `json`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from harness.errors import ConfigError

_IDENTIFIER_KEY = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*(?=\s*:)")
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def _to_json(text: str) -> str:
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "\"'":
            j = i + 1
            chunk = []
            while j < n and text[j] != ch:
                if text[j] == "\\" and j + 1 < n:
                    chunk.append(text[j : j + 2])
                    j += 2
                    continue
                chunk.append('\\"' if text[j] == '"' else text[j])
                j += 1
            if j >= n:
                raise ValueError(f"unterminated string at offset {i}")
            body = "".join(chunk).replace("\\'", "'")
            out.append(f'"{body}"')
            i = j + 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise ValueError(f"unterminated comment at offset {i}")
            i = end + 2
        elif match := _IDENTIFIER_KEY.match(text, i):
            word = match.group(0)
            out.append(word if word in ("true", "false", "null") else f'"{word}"')
            i = match.end()
        else:
            out.append(ch)
            i += 1
    return _TRAILING_COMMA.sub(r"\1", "".join(out))


def loads(text: str) -> Any:
    return json.loads(_to_json(text))


def load(path: Path) -> Any:
    """Parse a JSON5 file; ConfigError naming the file on any problem."""
    try:
        return loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc
    except ValueError as exc:
        raise ConfigError(f"{path}: not valid JSON5: {exc}") from exc
