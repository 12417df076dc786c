"""Transports register themselves (entry-point group ohos_hil.transports): the inventory, the
factory and the --transport choices follow the registry, and a transport from another distribution
joins without an edit of the harness."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from harness.device_options import DEVICE_OPTIONS
from harness.inventory import parse_inventory
from harness.trace import Trace
from harness.transport import kinds
from harness.transport.factory import open_transport
from harness.yamlfile import parse_yaml

REPO = Path(__file__).resolve().parents[2]

LOOP_MODULE = """
from harness.transport.hdc import HdcTransport
from harness.transport.kinds import TransportKind


def read_target(doc, path, base):
    doc.mapping(path, required=("key",))
    return doc.expect((*path, "key"), str)


def open_transport(device, target, trace):
    return HdcTransport(device.id, "127.0.0.1", 1, trace, connect_key=target)


KIND = TransportKind("loop", read_target, open_transport)
"""


def _inventory(text: str):
    return parse_inventory(parse_yaml(textwrap.dedent(text), "inv.yaml"), REPO / "inv.yaml")


def test_the_three_transports_are_registered_and_open_from_their_entries(tmp_path):
    assert tuple(kinds.transport_kinds()) == ("hdc", "serial", "ssh")
    assert dict(DEVICE_OPTIONS)["--transport"]["choices"] == ("hdc", "serial", "ssh")
    entry = _inventory(f"""
        devices:
          - id: d1
            transports:
              hdc: {{server: 127.0.0.1:1, connect_key: k1}}
              ssh: {{host: 127.0.0.1, port: 1, user: u, key_file: {tmp_path}/i, known_hosts: {tmp_path}/k}}
              serial: {{url: socket://127.0.0.1:1}}
    """).device("d1")
    for kind in ("hdc", "ssh", "serial"):
        transport = open_transport(entry, kind, Trace())
        assert transport.name == kind and transport.device_id == "d1"


@pytest.fixture
def loop_transport(tmp_path, monkeypatch):
    """A transport named `loop`, installed as its own distribution on sys.path (no harness edit)."""
    (tmp_path / "loop_transport.py").write_text(LOOP_MODULE)
    info = tmp_path / "loop_transport-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: loop-transport\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[ohos_hil.transports]\nloop = loop_transport:KIND\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    kinds.transport_kinds.cache_clear()
    yield
    monkeypatch.undo()
    sys.modules.pop("loop_transport", None)
    kinds.transport_kinds.cache_clear()


def test_a_transport_of_another_distribution_joins_the_inventory_and_the_factory(loop_transport):
    assert "loop" in kinds.transport_names()
    entry = _inventory("""
        devices:
          - id: d2
            transports:
              loop: {key: emu-7}
    """).device("d2")
    assert entry.target(None) == ("loop", "emu-7")
    assert open_transport(entry, None, Trace()).device_id == "d2"
