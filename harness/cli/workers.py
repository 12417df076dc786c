"""``ohos-hil run -n N|auto``: how many pytest-xdist workers, one per device at most."""

from __future__ import annotations

import argparse

from harness.device_options import registry_from
from harness.errors import ConfigError


def add_workers_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-n",
        dest="workers",
        metavar="N|auto",
        help="run the devices in parallel: N pytest-xdist workers, one device each at a time "
        "(auto: one per device; more than the devices is a usage error)",
    )


def resolve_workers(args: argparse.Namespace) -> int | None:
    """The number of workers (None: no xdist, one process); a ConfigError for a bad ``-n``."""
    if args.workers is None:
        return None
    devices = registry_from(args, tuple(args.device)).ids
    if args.workers == "auto":
        return len(devices)
    try:
        workers = int(args.workers)
    except ValueError:
        raise ConfigError(f"-n takes a number or auto, not {args.workers!r}") from None
    if workers < 1:
        raise ConfigError(f"-n must be 1 or more (or auto), not {workers}")
    if workers > len(devices):
        raise ConfigError(
            f"-n {workers} is more workers than the run's {len(devices)} device(s) "
            f"({', '.join(devices)}): each worker drives one device; use -n {len(devices)} or -n auto"
        )
    return workers
