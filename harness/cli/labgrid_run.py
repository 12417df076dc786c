"""`ohos-hil run --coordinator HOST:PORT --reserve TAGS`: the run's devices are labgrid places.

Without ``--coordinator`` (and no LG_COORDINATOR) a run is what it always was; with it the places
are reserved, acquired and held for the suites, the run's inventory is made from them, and the
coordinator's steps and the places' lab hosts go into the report and the matrix.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

from harness.errors import ConfigError
from harness.labgrid.farm_run import Farm, reserved_farm
from harness.labgrid.report import add_places_to_matrix, place_rows, write_lab_result
from harness.labgrid.session import coordinator_address
from harness.reports.paths import ReportPaths

DEFAULT_RESERVE_TIMEOUT = 300.0


def add_labgrid_options(run: argparse.ArgumentParser) -> None:
    group = run.add_argument_group("a farm through labgrid's coordinator")
    group.add_argument(
        "--coordinator",
        metavar="HOST:PORT",
        help="labgrid coordinator to take the devices from (default: $LG_COORDINATOR)",
    )
    group.add_argument(
        "--reserve",
        metavar="TAGS",
        help="place tags to reserve, e.g. 'os=openharmony api=10' (needs a coordinator)",
    )
    group.add_argument("--count", type=int, default=1, metavar="N", help="how many places (default 1)")
    group.add_argument("--reserve-timeout", type=float, default=DEFAULT_RESERVE_TIMEOUT, metavar="S",
                       help=f"wait at most S seconds for the places (default {DEFAULT_RESERVE_TIMEOUT:.0f}); "
                       "then exit 2 naming their holders")  # fmt: skip


class LabRun:
    """What the farm adds to a run's outputs once the places are released (nothing without a farm)."""

    def __init__(self) -> None:
        self.farm: Farm | None = None
        self.rows: list[dict[str, str]] = []

    def finish(self, paths: ReportPaths) -> None:
        if self.farm is None:
            return
        reservation = self.farm.reservation
        write_lab_result(paths.results, self.farm.address, reservation.steps)
        add_places_to_matrix(paths, self.farm.address, self.rows)
        if reservation.lost:
            print(f"labgrid: the reservation was lost during the run: {reservation.lost}")


@contextmanager
def lab_devices(args: argparse.Namespace, paths: ReportPaths) -> Iterator[LabRun]:
    """Inside: the places are held and ``args.inventory`` names their inventory (when asked for)."""
    lab = LabRun()
    address = coordinator_address(args.coordinator)
    if args.reserve is None:
        if args.coordinator:
            raise ConfigError("--coordinator needs --reserve TAGS (which places to take)")
        yield lab
        return
    if address is None:
        raise ConfigError("--reserve needs a labgrid coordinator: --coordinator HOST:PORT or LG_COORDINATOR")
    if args.inventory or args.device or getattr(args, "emulated_devices", 1) != 1:
        raise ConfigError(
            "--reserve takes the devices from the coordinator: no --inventory, --device or --emulated-devices"
        )
    if args.count < 1:
        raise ConfigError(f"--count {args.count}: at least one place")
    with reserved_farm(address, args.reserve, args.count, args.reserve_timeout, paths.home) as farm:
        lab.farm = farm
        lab.rows = place_rows(farm.reservation.acquired)
        args.inventory = str(farm.inventory)
        yield lab
