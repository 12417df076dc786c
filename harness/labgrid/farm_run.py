"""A run's devices from labgrid: places reserved and acquired for its whole length, an inventory of them.

``reserved_farm`` is a context manager: inside it the places are held (and kept refreshed) and
``farm.inventory`` is the run's inventory file; leaving it, by any way (an error, Ctrl-C, SIGTERM,
which it turns into SystemExit while it holds places), releases every place.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import yaml

from harness.labgrid.place_device import place_device
from harness.labgrid.reservation import FarmReservation, parse_filter
from harness.labgrid.session import LabgridSession

EXIT_TERMINATED = 143


@dataclass
class Farm:
    address: str
    inventory: Path
    reservation: FarmReservation


def _terminated(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(EXIT_TERMINATED)


@contextmanager
def reserved_farm(address: str, reserve: str, count: int, timeout: float, workdir: Path) -> Iterator[Farm]:
    """Hold ``count`` places matching ``reserve`` (tags) for the block; see the module docstring."""
    tags = parse_filter(reserve)
    session = LabgridSession(address)
    previous = signal.signal(signal.SIGTERM, _terminated)
    reservation = FarmReservation(session, tags, count, timeout)
    try:
        reservation.take_back_orphans()
        reservation.check_matchable()
        reservation.reserve()
        reservation.acquire(reservation.wait())
        devices = [place_device(place.name, place.resources) for place in reservation.acquired]
        workdir.mkdir(parents=True, exist_ok=True)
        inventory = workdir / "labgrid-inventory.yaml"
        inventory.write_text(yaml.safe_dump({"devices": devices}, sort_keys=False), encoding="utf-8")
        reservation.start_refreshing()
        yield Farm(address, inventory, reservation)
    finally:
        try:
            reservation.release()
        finally:
            session.close()
            signal.signal(signal.SIGTERM, previous)
