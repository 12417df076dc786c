"""The files of the top-level `fixtures/` folder that the harness reads at run time (shipped in the
wheel, `harness/packaged.py`): the sample photos (`photos/*.jpg`) and the condition presets
(`conditions/*.yaml`).
"""

from __future__ import annotations

from pathlib import Path

from harness.errors import ConfigError
from harness.packaged import FIXTURES

PHOTOS = FIXTURES / "photos"
CONDITIONS = FIXTURES / "conditions"
DEFAULT_PHOTO = "IMG_0001.jpg"


def _named(folder: Path, suffix: str) -> dict[str, Path]:
    return {path.name.removesuffix(suffix): path for path in sorted(folder.glob(f"*{suffix}"))}


def sample_photos() -> dict[str, Path]:
    """Sample photo name (``IMG_0001.jpg``) → its file: small JPEGs with an EXIF DateTimeOriginal."""
    return {path.name: path for path in _named(PHOTOS, ".jpg").values()}


def sample_photo(name: str = DEFAULT_PHOTO) -> Path:
    """The file of one sample photo; a ConfigError listing the known ones if there is none."""
    photos = sample_photos()
    if name not in photos:
        raise ConfigError(f"no sample photo {name!r} in {PHOTOS}; known: {', '.join(photos)}")
    return photos[name]


def condition_files() -> dict[str, Path]:
    """Condition preset name (``wifi-only``) → its YAML file."""
    return _named(CONDITIONS, ".yaml")
