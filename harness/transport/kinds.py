"""The transports the harness knows, each registered by its own module (the transport seam).

A transport module declares one :class:`TransportKind`: its name (the inventory's key under
``transports:`` and the ``--transport`` choice), how to read its inventory entry into a target, and
how to open a transport from that target. pyproject.toml lists it under the entry-point group
``ohos_hil.transports``; the inventory, the transport factory and the CLI choices all derive from
:func:`transport_kinds`, so a new transport touches no other module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from harness.errors import ConfigError
from harness.trace import Trace
from harness.transport.base import Transport
from harness.yamlfile import YamlFile, YamlPath
from ohos_protocol.plugins import load_group

GROUP = "ohos_hil.transports"


class DeviceRef(Protocol):
    """What an opener knows of the device: its id and where the inventory declared it."""

    id: str
    source: str


@dataclass(frozen=True)
class TransportKind:
    """One transport: its name, its inventory target's reader, and its opener."""

    name: str
    read_target: Callable[[YamlFile, YamlPath, Path], Any]
    """Validate the inventory entry at a path (relative paths against the given folder) into a target."""
    open: Callable[[DeviceRef, Any, Trace], Transport]
    """A transport to the device from its target, tracing into the given trace, not yet connected."""


@cache
def transport_kinds() -> dict[str, TransportKind]:
    """Every registered transport by name, in name order."""
    kinds = load_group(GROUP, TransportKind)
    if not kinds:
        raise ConfigError(f"no transport is registered (entry-point group {GROUP}): reinstall ohos-hil")
    return kinds


def transport_names() -> tuple[str, ...]:
    """The registered transports' names (the ``--transport`` choices)."""
    return tuple(transport_kinds())
