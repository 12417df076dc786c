"""Where the shim's platform-neutral JS core lives (the HAP and the emulator's Node entry both run it)."""

from __future__ import annotations

from pathlib import Path

JS_CORE_DIR = Path(__file__).parent / "shim_js"
