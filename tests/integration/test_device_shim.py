"""The shim through a Device: started with `aa`, reached through the transport, a clear error when absent."""

from __future__ import annotations

import dataclasses
import os
import time

import pytest

from harness.controls.journal import RestoreJournal
from harness.device.device import Device
from harness.errors import ConnectionLost, ShimError
from harness.shim.client import ShimClient
from harness.trace import Trace
from harness.transport.hdc import HdcTransport
from ohos_protocol.hap import load_variants
from ohos_protocol.names import CAPABILITIES


@pytest.fixture
def hdc_device(hdc_server, device, tmp_path):
    host, port = hdc_server.address
    trace = Trace()
    transport = HdcTransport(device.serial, host, port, trace)
    opened = Device(
        device.serial,
        transport,
        journal=RestoreJournal(tmp_path / "journal.jsonl"),
        capabilities=CAPABILITIES,
        trace=trace,
    )
    yield opened
    opened.close()


def test_the_shim_is_started_and_answers(hdc_device):
    with hdc_device.shim(fresh=True) as shim:
        assert shim.info["bundle"] == "com.ohoshil.shim" and shim.ping() > 0


def test_a_shim_that_is_not_running_is_a_clear_error_not_a_hang(hdc_device):
    began = time.monotonic()
    client = ShimClient(lambda: hdc_device.transport.open_stream(18620), device="d", transport="hdc")
    with pytest.raises((ConnectionLost, ShimError)):
        client.open()
    assert time.monotonic() - began < 5


def test_a_shim_that_never_answers_times_out_naming_bundle_and_port(hdc_device):
    variants = load_variants()
    hdc_device.variants = {**variants, "default": dataclasses.replace(variants["default"], port=18999)}
    began = time.monotonic()
    with pytest.raises(
        ShimError, match=r"shim com\.ohoshil\.shim did not answer on device port 18999 within 1 s"
    ):
        hdc_device.shim(timeout=1)
    assert time.monotonic() - began < 4


def _running_pids(device: Device) -> list[int]:
    output = device.shell("aa dump -l").output
    return [int(word.lstrip("#")) for word in output.split() if word.startswith("#") and word[1:].isdigit()]


def test_every_fresh_start_is_a_new_process_and_the_old_one_is_gone(hdc_device):
    with hdc_device.shim(fresh=True) as first:
        first_pids = _running_pids(hdc_device)
        assert first.ping() > 0
    with hdc_device.shim(fresh=True) as second:
        second_pids = _running_pids(hdc_device)
        assert second.ping() > 0
    assert len(first_pids) == 1 and len(second_pids) == 1 and first_pids != second_pids
    with pytest.raises(ProcessLookupError):
        os.kill(first_pids[0], 0)


def test_one_forward_serves_every_handshake_attempt(hdc_device):
    variants = load_variants()
    hdc_device.variants = {**variants, "default": dataclasses.replace(variants["default"], port=18999)}
    with pytest.raises(ShimError, match=r"\(([3-9]|\d\d+) tries\)"):
        hdc_device.shim(timeout=0.5)
    titles = [record.title for record in hdc_device.trace.records if record.kind == "forward"]
    assert len(titles) == 2 and titles[0].startswith("fport tcp:"), titles  # one forward added...
    assert titles[1] == titles[0].replace("fport ", "fport rm ", 1), titles  # ... and removed once
    assert hdc_device.transport.forwards() == {}
