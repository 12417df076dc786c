"""The bytes of the photos a lab adds: synthetic ones, or a pushed JPEG grown to an exact size.

Growing keeps the photo a valid JPEG: the padding goes into comment (COM) segments right after the
SOI marker and its APPn segments (so an APP1 Exif segment stays where readers look for it).
"""

from __future__ import annotations

import random

_SOI, _EOI, _COM = b"\xff\xd8", b"\xff\xd9", 0xFE
_MAX_SEGMENT = 65535 + 2  # marker (2) + length field counting itself (up to 65535)
_MIN_SEGMENT = 4  # marker and length with no payload


def synthetic_photo(name: str, size: int) -> bytes:
    """Deterministic JPEG-framed bytes of exactly ``size`` bytes (size >= 4)."""
    body = random.Random(name).randbytes(max(0, size - 4))  # noqa: S311 - test data, not secrets
    return _SOI + body + _EOI


def grown_jpeg(data: bytes, size: int, seed: str) -> bytes:
    """``data`` (a JPEG) grown to exactly ``size`` bytes with comment segments of seeded bytes."""
    if not (data.startswith(_SOI) and data.endswith(_EOI)):
        raise ValueError("not a JPEG file (no SOI ... EOI)")
    missing = size - len(data)
    if missing < 0 or 0 < missing < _MIN_SEGMENT:
        raise ValueError(f"cannot make a {len(data)}-byte JPEG {size} bytes (needs {len(data) + 4} or more)")
    at = _after_app_segments(data)
    filler = random.Random(seed)  # noqa: S311 - test data, not secrets
    segments = []
    while missing:
        total = min(missing, _MAX_SEGMENT)
        if 0 < missing - total < _MIN_SEGMENT:
            total -= _MIN_SEGMENT
        payload = filler.randbytes(total - _MIN_SEGMENT)
        segments.append(bytes([0xFF, _COM]) + (total - 2).to_bytes(2, "big") + payload)
        missing -= total
    return data[:at] + b"".join(segments) + data[at:]


def _after_app_segments(data: bytes) -> int:
    at = len(_SOI)
    while at + 4 <= len(data) and data[at] == 0xFF and 0xE0 <= data[at + 1] <= 0xEF:
        at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
    if at > len(data) - len(_EOI):
        raise ValueError("truncated JPEG segment")
    return at
