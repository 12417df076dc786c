"""The sample photos of fixtures/photos: real JPEGs with an EXIF date, and grown to a size on import."""

from __future__ import annotations

import io
import runpy
import shutil
import struct

import exifread
import pytest

from harness.fixture_files import PHOTOS, sample_photo, sample_photos
from ohos_emulator.shell.commands.photo_bytes import grown_jpeg

GENERATOR = PHOTOS / "make_photos.py"


def _markers(data: bytes) -> list[int]:
    """The segment markers of a JPEG up to its scan (SOI first)."""
    assert data[:2] == b"\xff\xd8"
    markers, at = [0xD8], 2
    while data[at + 1] != 0xDA:
        assert data[at] == 0xFF
        markers.append(data[at + 1])
        at += 2 + struct.unpack(">H", data[at + 2 : at + 4])[0]
    return [*markers, 0xDA]


def taken(data: bytes) -> str:
    return str(exifread.process_file(io.BytesIO(data), details=False)["EXIF DateTimeOriginal"])


def test_every_sample_is_a_baseline_jpeg_with_its_exif_date():
    samples = runpy.run_path(str(GENERATOR))["SAMPLES"]
    assert set(sample_photos()) == set(samples) and len(samples) >= 3
    for name, (_level, when) in samples.items():
        data = sample_photo(name).read_bytes()
        assert _markers(data) == [0xD8, 0xE1, 0xDB, 0xC0, 0xC4, 0xC4, 0xDA], name
        assert data.endswith(b"\xff\xd9") and len(data) < 1024
        assert taken(data) == when


def test_the_committed_samples_are_what_the_generator_writes(tmp_path):
    shutil.copy(GENERATOR, tmp_path / GENERATOR.name)
    runpy.run_path(str(tmp_path / GENERATOR.name), run_name="__main__")
    for name, path in sample_photos().items():
        assert (tmp_path / name).read_bytes() == path.read_bytes(), f"run {GENERATOR} again: {name} differs"


@pytest.mark.parametrize("size", [231, 300, 200_000, 65_537 + 227, 65_537 + 228, 3 * 65_537 + 229])
def test_growing_keeps_a_jpeg_of_exactly_the_size_with_its_exif(size):
    original = sample_photo().read_bytes()
    grown = grown_jpeg(original, size, "seed")
    assert len(grown) == size
    markers = _markers(grown)
    assert markers[:2] == [0xD8, 0xE1] and set(markers[2:-5]) == {0xFE}  # comments after Exif
    assert grown.endswith(original[original.index(b"\xff\xdb") :])
    assert taken(grown) == taken(original)


@pytest.mark.parametrize("size", [100, 228, 230])
def test_a_size_that_cannot_be_reached_is_refused(size):
    with pytest.raises(ValueError, match="cannot make a 227-byte JPEG"):
        grown_jpeg(sample_photo().read_bytes(), size, "seed")
