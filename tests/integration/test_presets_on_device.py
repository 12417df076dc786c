"""Condition presets set what they name on the device, over a real transport, and are restored.

The ground truth is the emulated device's own state (its battery, network and /data usage).
"""

from __future__ import annotations

from harness.controls.presets import apply_preset, load_preset
from ohos_emulator.services.battery import REAL_CAPACITY


def test_each_preset_sets_its_conditions_and_restore_undoes_them(device, open_device):
    under_test = open_device()
    free_before = device.fs.usage().available

    apply_preset(under_test, load_preset("low-battery"))
    assert (device.battery.capacity, device.battery.charging) == (10, False)
    apply_preset(under_test, load_preset("wifi-only"))
    assert device.network.wifi_available and not device.network.cellular_available
    apply_preset(under_test, load_preset("offline"))
    assert not device.network.wifi_available and not device.network.cellular_available
    apply_preset(under_test, load_preset("storage-full"))
    assert device.fs.usage().available < 1024

    assert under_test.restore() == 4, "battery mocks, mobile data, Wi-Fi and the fill file were journaled"
    assert (device.battery.capacity, device.battery.charging) == (REAL_CAPACITY, True)
    assert device.network.wifi_available and device.network.cellular_available
    assert device.fs.usage().available == free_before
    titles = [record.title for record in under_test.trace.records if record.kind == "condition"]
    assert "preset offline: Wi-Fi and mobile data off" in titles
