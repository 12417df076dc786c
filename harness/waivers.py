"""Known deviations (waivers): a file per device profile naming the requirements a device breaks.

A waived requirement's failure is reported as a *known deviation* — distinct from a pass and from a
failure — and a waived test that passes is reported as a *stale waiver*. Nothing is hidden: the
waiver file says which requirements, why, and where that is documented.

    profile: ohos-4.0
    edition: api10-doc
    deviations:
      - id: D1
        title: start() is refused only below 10 %
        reason: BatteryStatus::IsBatteryCapcityOkay uses STOP_CAPACITY_LIMIT = 10
        reference: docs/cloudsync-behaviour.md (known deviation 1); docs/upstream-facts.md §0.4-§0.5
        requirements: [GallerySync.start.promise.E22400003, ...]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness.packaged import WAIVER_DIR
from harness.spec.model import Edition
from harness.yamlfile import load_yaml


@dataclass(frozen=True)
class Waiver:
    """One known deviation: the requirements it breaks, why, and where it is documented."""

    id: str
    title: str
    reason: str
    reference: str
    requirements: tuple[str, ...]

    def describe(self) -> str:
        return f"known deviation {self.id}: {self.title} ({self.reference})"


@dataclass(frozen=True)
class WaiverFile:
    path: Path
    profile: str
    edition: str
    waivers: tuple[Waiver, ...]

    def waiver_for(self, requirement_id: str) -> Waiver | None:
        return next((w for w in self.waivers if requirement_id in w.requirements), None)


def resolve_waiver_path(name_or_path: str) -> Path:
    """A path as given, or a profile name (`ohos-4.0`) → suites/waivers/<name>.yaml."""
    path = Path(name_or_path)
    return path if path.suffix in (".yaml", ".yml") else WAIVER_DIR / f"{name_or_path}.yaml"


def load_waivers(name_or_path: str, edition: Edition) -> WaiverFile:
    """Read and check a waiver file against the edition (ConfigError with file:line on any problem)."""
    path = resolve_waiver_path(name_or_path)
    doc = load_yaml(path)
    top = doc.mapping((), required=("profile", "edition", "deviations"))
    if top["edition"] != edition.id:
        raise doc.error(
            ("edition",), f"waivers are for edition {top['edition']!r}, this run checks {edition.id!r}"
        )
    waivers = []
    seen_ids: set[str] = set()
    waived: dict[str, str] = {}
    for index, _ in enumerate(doc.expect(("deviations",), list)):
        here = ("deviations", index)
        entry = doc.mapping(here, required=("id", "title", "reason", "reference", "requirements"))
        for key in ("id", "title", "reason", "reference"):
            doc.expect((*here, key), str)
        if entry["id"] in seen_ids:
            raise doc.error((*here, "id"), f"duplicate deviation id {entry['id']!r}")
        seen_ids.add(entry["id"])
        requirements = doc.expect((*here, "requirements"), list)
        if not requirements:
            raise doc.error((*here, "requirements"), "a waiver names at least one requirement")
        for position, requirement in enumerate(requirements):
            where = (*here, "requirements", position)
            doc.expect(where, str)
            if requirement not in {r.id for r in edition.requirements}:
                raise doc.error(where, f"unknown requirement id {requirement!r} in edition {edition.id}")
            if requirement in waived:
                raise doc.error(where, f"{requirement} is already waived by {waived[requirement]}")
            waived[requirement] = entry["id"]
        waivers.append(
            Waiver(entry["id"], entry["title"], entry["reason"], entry["reference"], tuple(requirements))
        )
    return WaiverFile(path, top["profile"], top["edition"], tuple(waivers))
