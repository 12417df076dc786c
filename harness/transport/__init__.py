"""Transports: the ways the harness reaches a device (hdc, SSH, serial)."""

from harness.transport.base import CommandResult, RunningCommand, Stream, Transport

__all__ = ["CommandResult", "RunningCommand", "Stream", "Transport"]
