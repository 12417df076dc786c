"""Data the harness ships inside its package, found through importlib.resources.

``harness/suites_data`` links to the top-level ``suites/`` folder (one copy in git); a wheel holds
the files themselves there, so an installed harness runs its suites and reads its waivers without a
source tree. Paths are resolved, so in a checkout they are the checkout's own ``suites/`` folder.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

SUITES = Path(str(files("harness") / "suites_data")).resolve()
WAIVER_DIR = SUITES / "waivers"
