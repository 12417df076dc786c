"""Names the inventory, the endpoints file and the device model share."""

from __future__ import annotations

CAPABILITIES = frozenset({"battery_control", "network_control", "cloud_control", "root"})
"""What a device lets the harness control beyond the API under test."""
