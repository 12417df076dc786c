"""What each transport declares it can do (the protocols of harness/transport/base.py), and the one
set of trace action kinds they all use."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.trace import Trace
from harness.transport.base import (
    ACTION_KINDS,
    AppInstall,
    Armored,
    ConsoleCapture,
    FileTransfer,
    PortStream,
    Shell,
    transport_action,
)
from harness.transport.hdc import HdcTransport
from harness.transport.serial import SerialTransport
from harness.transport.ssh import SshTransport

BASE = {Shell, FileTransfer, PortStream}
OPTIONAL = {AppInstall, ConsoleCapture, Armored}


def transports(tmp_path: Path) -> dict[str, object]:
    """One of each, not connected (constructing a transport opens nothing)."""
    trace = Trace()
    return {
        "hdc": HdcTransport("d1", "127.0.0.1", 1, trace),
        "ssh": SshTransport(
            "127.0.0.1", 1, "root", tmp_path / "id", tmp_path / "known_hosts", device_id="d1"
        ),
        "serial": SerialTransport("socket://127.0.0.1:1", device_id="d1", trace=trace),
    }


@pytest.mark.parametrize(
    ("name", "extra"),
    [("hdc", {AppInstall}), ("ssh", set()), ("serial", {ConsoleCapture, Armored})],
)
def test_each_transport_declares_what_it_offers(tmp_path, name, extra):
    transport = transports(tmp_path)[name]
    offered = {capability for capability in BASE | OPTIONAL if isinstance(transport, capability)}
    assert offered == BASE | extra


def test_transport_actions_name_the_device_and_transport_and_take_only_known_kinds(tmp_path):
    transport = transports(tmp_path)["hdc"]
    assert {"shell", "push", "pull", "forward", "install", "console"} == ACTION_KINDS
    with transport_action(transport, "push", "push a -> b", port=1) as record:
        pass
    assert (record.kind, record.details) == ("push", {"device": "d1", "transport": "hdc", "port": 1})
    with pytest.raises(ValueError, match="unknown transport action kind 'file'"):
        transport_action(transport, "file", "push a -> b")  # type: ignore[arg-type]
