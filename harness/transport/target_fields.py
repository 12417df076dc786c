"""Readers for the fields that transports' inventory entries share (paths, host:port, ports)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from harness.yamlfile import YamlFile, YamlPath

_HOST_PORT = re.compile(r"^(?P<host>[A-Za-z0-9.\-_:\[\]]+):(?P<port>\d{1,5})$")
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def expand_path(doc: YamlFile, path: YamlPath, base: Path) -> Path:
    """The path at ``path`` with ``${NAME}`` / ``${NAME:-default}`` expanded, relative to ``base``."""
    text = doc.expect(path, str)

    def variable(match: re.Match[str]) -> str:
        value = os.environ.get(match.group(1)) or match.group(2)
        if value is None:
            raise doc.error(path, f"environment variable {match.group(1)} is not set")
        return value

    expanded = Path(_ENV_REF.sub(variable, text)).expanduser()
    return expanded if expanded.is_absolute() else base / expanded


def host_port(doc: YamlFile, path: YamlPath) -> tuple[str, int]:
    """``host:port`` at ``path`` (IPv6 hosts in brackets)."""
    text = doc.expect(path, str)
    match = _HOST_PORT.match(text)
    if match is None or not 0 < int(match.group("port")) < 65536:
        raise doc.error(path, f"expected host:port, got {text!r}")
    return match.group("host").strip("[]"), int(match.group("port"))


def port(doc: YamlFile, path: YamlPath) -> int:
    """A TCP port number at ``path``."""
    number = doc.expect(path, int)
    if not 0 < number < 65536:
        raise doc.error(path, f"port {number} is out of range 1..65535")
    return number
