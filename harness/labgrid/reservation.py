"""Places for a run through labgrid's coordinator: reserve, wait, acquire, keep refreshed, release.

One labgrid reservation per place (labgrid's scheduler gives each reservation one place whose tags
contain its filter). The reservations are polled while the run waits and all along the run (a poll
refreshes a reservation's 60 s lease; labgrid keeps acquired ones alive itself). Places left acquired
by a killed run of the same owner are taken back first, and only when that run's process is gone.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from harness.errors import ConfigError, InfrastructureError
from harness.labgrid.holders import HolderBook, HolderRecord, process_alive
from harness.labgrid.place_device import PlaceResource
from harness.labgrid.session import CoordinatorError, LabgridSession
from harness.labgrid.steps import LabSteps

POLL_SECONDS = 0.5
REFRESH_SECONDS = 10.0
RESOURCES_FREE_SECONDS = 10.0


class ReservationError(InfrastructureError):
    """The places cannot be had: none match, too few match, or the wait timed out."""


def parse_filter(text: str) -> dict[str, str]:
    """``'os=openharmony api=10'`` → ``{"os": "openharmony", "api": "10"}`` (labgrid's tag rules)."""
    tags: dict[str, str] = {}
    for pair in text.split():
        key, sep, value = pair.partition("=")
        if not sep or not key or not value:
            raise ConfigError(f"--reserve {text!r}: {pair!r} is not KEY=VALUE")
        if not (key[0].isalpha() and key.islower() and len(key) > 1 and key.replace("_", "").isalnum()):
            raise ConfigError(f"--reserve {text!r}: tag key {key!r} must be lower-case letters, digits and _")
        tags[key] = value
    if not tags:
        raise ConfigError("--reserve needs at least one KEY=VALUE tag (e.g. 'os=openharmony api=10')")
    return tags


def _tags(tags: dict[str, str]) -> str:
    return " ".join(f"{k}={v}" for k, v in sorted(tags.items())) or "(no tags)"


@dataclass
class AcquiredPlace:
    name: str
    resources: list[PlaceResource]

    @property
    def lab_host(self) -> str:
        return self.resources[0].exporter if self.resources else "?"


@dataclass
class FarmReservation:
    """``count`` places whose tags contain ``tags``, from the coordinator at ``session.address``."""

    session: LabgridSession
    tags: dict[str, str]
    count: int
    timeout: float
    steps: LabSteps = field(default_factory=LabSteps)
    acquired: list[AcquiredPlace] = field(default_factory=list)
    lost: str = ""
    _tokens: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _refresher: threading.Thread | None = None

    def __post_init__(self) -> None:
        self.book = HolderBook(self.session.address)
        self.record: HolderRecord = self.book.mine()

    # -- before: what can match, what a killed run left ---------------------------------------------

    def _matching(self, places: dict[str, Any]) -> list[str]:
        wanted = set(self.tags.items())
        return sorted(n for n, p in places.items() if wanted <= set(p.tags.items()) | {("name", n)})

    def check_matchable(self) -> None:
        places = self.session.places()
        matching = self._matching(places)
        known = "; ".join(f"{n}: {_tags(p.tags)}" for n, p in sorted(places.items())) or "no places at all"
        if not matching:
            raise ReservationError(f"no labgrid place matches {_tags(self.tags)} (known places: {known})")
        if len(matching) < self.count:
            raise ReservationError(
                f"--count {self.count}: only {len(matching)} labgrid place(s) match {_tags(self.tags)} "
                f"({', '.join(matching)}; known places: {known})"
            )

    def take_back_orphans(self) -> None:
        """Release places this owner left acquired in a run whose process is gone (``release --kick``
        of labgrid-client, but only for our own dead runs), and cancel that run's reservations."""
        places = self.session.places()
        for record in self.book.records():
            if record.host != self.record.host or process_alive(record.pid):
                continue
            for name in record.places:
                place = places.get(name)
                if place is not None and place.acquired == self.session.owner:
                    self._release(name, f"took back place {name}: its holder ({record.describe()}) is gone")
            for token in record.tokens:
                self._cancel(token)
            self.book.remove(record)

    def _cancel(self, token: str) -> None:
        """Cancel a reservation; one that expired, or a coordinator that is gone, forgets it anyway."""
        with contextlib.suppress(CoordinatorError):
            self.session.stub("CancelReservation", self.session.pb2.CancelReservationRequest(token=token))

    # -- reserve, wait, acquire -----------------------------------------------------------------------

    def reserve(self) -> None:
        pb2 = self.session.pb2
        with self.steps.step(f"labgrid: reserve {self.count} place(s) matching {_tags(self.tags)}") as step:
            for _ in range(self.count):
                request = pb2.CreateReservationRequest(
                    filters={"main": pb2.Reservation.Filter(filter=self.tags)}, prio=0.0
                )
                response = self.session.stub("CreateReservation", request)
                self._tokens.append(response.reservation.token)
            self.record.tokens = list(self._tokens)
            self.book.save(self.record)
            step.detail = "tokens " + ", ".join(self._tokens)
        print(
            f"labgrid: reserved {self.count} place(s) matching {_tags(self.tags)} at {self.session.address} "
            f"(tokens {', '.join(self._tokens)})",
            flush=True,
        )

    def _poll(self) -> dict[str, list[str]]:
        """token → allocated places (empty while waiting); refreshes every reservation."""
        allocated = {}
        for token in self._tokens:
            response = self.session.stub(
                "PollReservation", self.session.pb2.PollReservationRequest(token=token)
            )
            reservation = response.reservation
            allocated[token] = [name for name in reservation.allocations.values() if name]
        return allocated

    def wait(self) -> list[str]:
        deadline = time.monotonic() + self.timeout
        said = False
        with self.steps.step(f"labgrid: wait for {self.count} place(s)") as step:
            while True:
                allocated = self._poll()
                places = sorted(name for names in allocated.values() for name in names)
                if len(places) == self.count:
                    step.detail = "allocated " + ", ".join(places)
                    return places
                if time.monotonic() >= deadline:
                    raise ReservationError(self._timeout_message(places))
                if not said:
                    print(
                        f"labgrid: waiting for {self.count - len(places)} more place(s) (up to "
                        f"{self.timeout:.0f} s; {self._holders_text()})",
                        flush=True,
                    )
                    said = True
                time.sleep(POLL_SECONDS)

    def _holders_text(self) -> str:
        places = self.session.places()
        busy = []
        for name in self._matching(places):
            place = places[name]
            if place.acquired:
                record = self.book.holder_of(name) if place.acquired == self.session.owner else None
                who = f"{place.acquired}, {record.describe()}" if record else place.acquired
                busy.append(f"{name} acquired by {who}")
            elif place.reservation and place.reservation not in self._tokens:
                busy.append(f"{name} reserved for another reservation ({place.reservation})")
        return "; ".join(busy) or "no place busy"

    def _timeout_message(self, allocated: list[str]) -> str:
        return (
            f"timed out after {self.timeout:.0f} s waiting for {self.count} labgrid place(s) matching "
            f"{_tags(self.tags)} (got {len(allocated)}): {self._holders_text()}"
        )

    def _wait_resources_free(self, names: list[str]) -> None:
        """A released place's resources are freed by their exporters a moment later: the coordinator
        refuses to acquire them until then, so wait (bounded) until none of them is still held."""
        deadline = time.monotonic() + RESOURCES_FREE_SECONDS
        while time.monotonic() < deadline:
            places, resources = self.session.places(), self.session.resources()
            held = [
                (exporter, group, entry.cls, name)
                for exporter, groups in resources.items()
                for group, entries in groups.items()
                for name, entry in entries.items()
                if entry.acquired
                and any(places[p].hasmatch((exporter, group, entry.cls, name)) for p in names if p in places)
            ]
            if not held:
                return
            time.sleep(POLL_SECONDS / 5)

    def acquire(self, names: list[str]) -> None:
        self.record.places = list(names)
        self.book.save(self.record)  # before the coordinator marks any place ours
        self._wait_resources_free(names)
        for name in names:
            with self.steps.step(f"labgrid: acquire {name}"):
                self.session.stub("AcquirePlace", self.session.pb2.AcquirePlaceRequest(placename=name))
                self.acquired.append(AcquiredPlace(name, []))
        for place in self.acquired:
            place.resources = self._resources_of(place.name)
        print("labgrid: acquired " + ", ".join(f"{p.name} ({p.lab_host})" for p in self.acquired), flush=True)

    def _resources_of(self, name: str) -> list[PlaceResource]:
        place = self.session.places()[name]
        resources = self.session.resources()
        found = []
        for exporter, group, cls, resource_name in place.acquired_resources:
            try:
                entry = resources[exporter][group][resource_name]
            except KeyError:
                raise InfrastructureError(
                    f"labgrid place {name}: resource {exporter}/{group}/{resource_name} is gone "
                    "(its exporter disconnected?)"
                ) from None
            found.append(PlaceResource(exporter, group, cls, dict(entry.args)))
        return found

    # -- during: keep refreshed; after: release ----------------------------------------------------------

    def start_refreshing(self) -> None:
        self._refresher = threading.Thread(target=self._refresh_loop, name="labgrid-refresh", daemon=True)
        self._refresher.start()

    def _refresh_loop(self) -> None:
        while not self._stop.wait(REFRESH_SECONDS):
            try:
                self._poll()
            except (CoordinatorError, InfrastructureError) as exc:
                if not self.lost:
                    self._lose(str(exc))
                    print(
                        f"labgrid: reservation lost ({exc}); the run goes on with the devices it holds",
                        file=sys.stderr,
                        flush=True,
                    )

    def _lose(self, reason: str) -> None:
        if not self.lost:
            self.lost = reason
            self.steps.note("labgrid: reservation lost", reason, "broken")

    def _release(self, name: str, message: str) -> None:
        with self.steps.step(f"labgrid: release {name}") as step:
            request = self.session.pb2.ReleasePlaceRequest(placename=name, fromuser=self.session.owner)
            self.session.stub("ReleasePlace", request)
            step.detail = message
        print(f"labgrid: {message}", flush=True)

    def release(self) -> None:
        """Release every acquired place and cancel every reservation; errors are reported, not raised."""
        self._stop.set()
        failures = []
        for place in self.acquired:
            try:
                self._release(place.name, f"released {place.name}")
            except CoordinatorError as exc:
                failures.append(f"{place.name}: {exc}")
        self.acquired = []
        for token in self._tokens:
            self._cancel(token)
        self._tokens = []
        if failures:
            self._lose(failures[0])
            print(
                "labgrid: could not release " + "; ".join(failures) + " (the next run of this owner takes "
                "them back, or `labgrid-client -p PLACE release` once the coordinator is back)",
                file=sys.stderr,
                flush=True,
            )
        else:
            self.book.remove(self.record)
