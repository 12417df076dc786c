"""What fixtures/ gives tests, on the device over a real transport (SSH): condition presets set and
restored, sample photos pushed and grown.

The ground truth is the emulated device's own state (battery, network, /data usage, media files).
"""

from __future__ import annotations

import io

import exifread

from harness.controls.lab import STAGING_PATH
from harness.controls.presets import apply_preset, load_preset
from ohos_emulator.services.battery import REAL_CAPACITY
from ohos_emulator.services.media import PHOTO_DIR


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


def test_lab_photos_are_the_pushed_samples_grown_to_size(device, open_device):
    under_test = open_device()
    uri = under_test.lab.add_photo("here.jpg", 5000, sample="IMG_0003.jpg")
    cloud_uri = under_test.lab.add_cloud_file("there.jpg", 7000)

    stored = device.fs.read_bytes(f"{PHOTO_DIR}/here.jpg")
    tags = exifread.process_file(io.BytesIO(stored), details=False)
    assert len(stored) == 5000 and str(tags["EXIF DateTimeOriginal"]) == "2026:05:03 18:45:10"
    assert uri.endswith("/here.jpg") and cloud_uri.endswith("/there.jpg")
    assert under_test.lab.cloud_files() == {"there.jpg": 7000}
    assert not device.fs.exists(STAGING_PATH), "the pushed sample is removed once imported"
    assert [r.kind for r in under_test.trace.records].count("push") == 2
