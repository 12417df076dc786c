"""Places on the coordinator for one lab host's devices: created, matched and tagged as with
``labgrid-client -p NAME create``, ``add-match 'EXPORTER/ID/*'`` and ``set-tags``."""

from __future__ import annotations

from harness.inventory import Inventory
from harness.labgrid.resources import place_name
from harness.labgrid.session import LabgridSession


def place_tags(exporter: str, extra: dict[str, str]) -> dict[str, str]:
    return {"os": "openharmony", "lab_host": exporter, **extra}


def ensure_places(
    session: LabgridSession, inventory: Inventory, exporter: str, extra: dict[str, str]
) -> list[str]:
    """One place per device (named ``EXPORTER-ID``), existing ones updated; returns a line per place."""
    pb2 = session.pb2
    existing = session.places()
    lines = []
    for device_id in inventory.devices:
        name = place_name(exporter, device_id)
        match = f"{exporter}/{device_id}/*"
        if name not in existing:
            session.stub("AddPlace", pb2.AddPlaceRequest(name=name))
        if name not in existing or match not in [repr(m) for m in existing[name].matches]:
            session.stub("AddPlaceMatch", pb2.AddPlaceMatchRequest(placename=name, pattern=match))
        tags = place_tags(exporter, extra)
        session.stub("SetPlaceTags", pb2.SetPlaceTagsRequest(placename=name, tags=tags))
        lines.append(f"{name}  match {match}  tags " + " ".join(f"{k}={v}" for k, v in sorted(tags.items())))
    return lines
