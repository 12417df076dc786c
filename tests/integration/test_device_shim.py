"""The shim through a Device: started with `aa`, reached through the transport, a clear error when absent."""

from __future__ import annotations

import dataclasses
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
