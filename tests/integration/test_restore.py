"""Conditions are restored whatever happens: a transport that dies mid-test, a run that crashed.

The device is the emulated one over real SSH; what it reports (its services' state) is the ground
truth: battery back on USB at its real capacity, both networks back on.
"""

from __future__ import annotations

from pathlib import Path

from harness.controls.journal import RestoreJournal
from harness.device.device import Device
from ohos_emulator.services.battery import REAL_CAPACITY


def conditions_are_default(emulated) -> bool:
    return (
        emulated.battery.capacity == REAL_CAPACITY
        and emulated.battery.charging
        and emulated.network.wifi_available
        and emulated.network.cellular_available
    )


def set_conditions(device: Device) -> None:
    device.battery.set(12, charging=False)
    device.network.offline()


def test_conditions_are_restored_after_the_transport_dies_mid_test(
    device, open_device, ssh_server, make_ssh_server
):
    under_test = open_device()
    set_conditions(under_test)
    assert not conditions_are_default(device)

    port = ssh_server.address[1]
    ssh_server.close()  # every SSH connection of the test drops
    make_ssh_server(device, port=port)  # the device's sshd comes back (same port, same host key)

    assert under_test.restore() == 3, "battery mocks, Wi-Fi and mobile data were journaled"
    assert conditions_are_default(device)
    assert under_test.journal.pending() == []


def test_a_run_that_crashed_is_restored_by_the_next(device, open_device):
    crashed = open_device()
    set_conditions(crashed)
    crashed.transport.close()  # the run dies here: no teardown, the journal keeps the undo steps
    assert len(crashed.journal.pending()) == 3 and not conditions_are_default(device)

    next_run = open_device()
    assert next_run.restore() == 3
    assert conditions_are_default(device)
    assert next_run.journal.pending() == []


def test_the_journal_is_on_disk_before_the_change(device, open_device, tmp_path):
    under_test = open_device()
    under_test.battery.set(30)
    lines = (tmp_path / "journal.jsonl").read_text().splitlines()
    assert (
        len(lines) == 1 and '"kind": "battery"' in lines[0] and "hidumper -s BatteryService -a -r" in lines[0]
    )
    under_test.restore()
    assert RestoreJournal(Path(tmp_path / "journal.jsonl")).pending() == []
