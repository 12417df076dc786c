"""`ohos-hil labgrid`: set a lab host's devices up for labgrid's coordinator.

- ``exporter-config --inventory FILE`` prints the YAML that ``labgrid-exporter -n HOST FILE`` takes;
- ``places --inventory FILE --exporter HOST`` creates, matches and tags a place per device.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from harness.errors import ConfigError
from harness.inventory import load_inventory
from harness.labgrid.exporter_config import exporter_config
from harness.labgrid.places import ensure_places
from harness.labgrid.reservation import parse_filter
from harness.labgrid.session import LabgridSession, coordinator_address

HEADER = "## labgrid-exporter resources for {source}: a group per device (ohos-hil labgrid exporter-config)\n"
# labgrid renders the file with Jinja2 first: "#" starts a Jinja line statement, "##" a comment


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    lab = subparsers.add_parser("labgrid", help="a device farm across lab hosts through labgrid")
    actions = lab.add_subparsers(dest="labgrid_command", metavar="ACTION", required=True)
    config = actions.add_parser("exporter-config", help="print the labgrid-exporter YAML for an inventory")
    config.add_argument("--inventory", required=True, metavar="FILE",
                        help="this lab host's inventory, or `emulator serve`'s endpoints file")  # fmt: skip
    config.set_defaults(func=exporter_config_command)
    places = actions.add_parser("places", help="create and tag a labgrid place per device of an inventory")
    places.add_argument("--inventory", required=True, metavar="FILE", help="the lab host's inventory")
    places.add_argument("--exporter", required=True, metavar="NAME", help="the exporter's name (its -n)")
    places.add_argument("--coordinator", metavar="HOST:PORT", help="default: $LG_COORDINATOR")
    places.add_argument("--tags", default="", metavar="TAGS",
                        help="more tags, e.g. 'api=10' (always: os=openharmony lab_host=NAME)")  # fmt: skip
    places.set_defaults(func=places_command)


def exporter_config_command(args: argparse.Namespace) -> int:
    inventory = load_inventory(Path(args.inventory))
    print(
        HEADER.format(source=args.inventory) + yaml.safe_dump(exporter_config(inventory), sort_keys=False),
        end="",
    )
    return 0


def places_command(args: argparse.Namespace) -> int:
    address = coordinator_address(args.coordinator)
    if address is None:
        raise ConfigError("no coordinator: --coordinator HOST:PORT or LG_COORDINATOR")
    extra = parse_filter(args.tags) if args.tags.strip() else {}
    inventory = load_inventory(Path(args.inventory))
    session = LabgridSession(address)
    try:
        for line in ensure_places(session, inventory, args.exporter, extra):
            print(line)
    finally:
        session.close()
    return 0
