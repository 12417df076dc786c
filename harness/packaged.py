"""Data the harness ships inside its package, found through importlib.resources.

``harness/suites_data`` links to the top-level ``suites/`` folder and ``harness/fixtures_data`` to
``fixtures/`` (one copy in git); a wheel holds the files themselves there, so an installed harness
runs its suites, reads its waivers and pushes its sample photos without a source tree. Paths are
resolved, so in a checkout they are the checkout's own folders.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

SUITES = Path(str(files("harness") / "suites_data")).resolve()
WAIVER_DIR = SUITES / "waivers"
FIXTURES = Path(str(files("harness") / "fixtures_data")).resolve()
