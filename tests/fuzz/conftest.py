"""Hypothesis settings of the fuzz targets: a bounded number of examples in `make test`, more with
`make fuzz` (OHOS_HIL_FUZZ_EXAMPLES)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("OHOS_HIL_FUZZ_EXAMPLES", "60"))

settings.register_profile(
    "ohos-hil",
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # nothing written into the work tree; crashes found are kept as @example lines
    derandomize=EXAMPLES <= 100,  # the bounded run is the same every time; `make fuzz` explores
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("ohos-hil")
