"""The shape of one device in an inventory; the emulator's endpoints file is written with it."""

from __future__ import annotations

from typing import Any


def inventory_entry(device_id: str, transports: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """One device in the inventory's shape (the emulator writes its endpoints file with this)."""
    return {"id": device_id, "transports": transports, **fields}
