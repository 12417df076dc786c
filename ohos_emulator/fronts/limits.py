"""The resource caps every front (hdc server, SSH server, serial console) enforces (docs/emulator.md)."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_CONNECTIONS = 64
DEFAULT_FRAME_TIMEOUT = 30.0
DEFAULT_MAX_CHANNELS = 16


@dataclass(frozen=True)
class FrontLimits:
    """Caps of one front: connections open at once, seconds a started frame may take, SSH channels.

    ``max_connections`` counts TCP connections per front (the hdc server, each device's SSH server,
    each serial console's socket ports); ``max_channels`` counts open channels per SSH connection.
    """

    max_connections: int = DEFAULT_MAX_CONNECTIONS
    frame_timeout: float = DEFAULT_FRAME_TIMEOUT
    max_channels: int = DEFAULT_MAX_CHANNELS

    def __post_init__(self) -> None:
        if self.max_connections < 1 or self.max_channels < 1 or self.frame_timeout <= 0:
            raise ValueError(f"front limits must be positive: {self}")


DEFAULT_LIMITS = FrontLimits()
"""The caps `emulator serve` uses unless told otherwise."""
