"""The one error type both sides raise for bad input files and options."""

from __future__ import annotations


class ConfigError(Exception):
    """A file or option the user gave is wrong; the message says where and how."""
