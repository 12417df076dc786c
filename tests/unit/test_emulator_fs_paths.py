"""Device paths stay inside the device root, also through symlinks that exist in the rootfs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ohos_emulator.fs import DeviceFilesystem, DeviceFsError


@pytest.fixture
def fs(tmp_path: Path) -> DeviceFilesystem:
    root = tmp_path / "rootfs"
    root.mkdir()
    (tmp_path / "outside.txt").write_text("host secret\n")
    return DeviceFilesystem(root, data_capacity=1 << 20)


@pytest.mark.parametrize("path", ["/../../outside.txt", "../../../outside.txt", "/data/../../../outside.txt"])
def test_dot_dot_never_climbs_above_the_root(fs: DeviceFilesystem, path: str) -> None:
    assert fs.host_path(path).is_relative_to(fs.root)
    assert not fs.exists(path)


def test_symlinks_in_the_rootfs_resolve_as_in_a_chroot(fs: DeviceFilesystem, tmp_path: Path) -> None:
    fs.write_bytes("/etc/hosts", b"device hosts\n")
    data = fs.host_path("/data")
    os.symlink(str(tmp_path), data / "absolute")  # the host's folder, taken as the device's /<that path>
    os.symlink("../../../../../../../../..", data / "relative")
    os.symlink("/etc", data / "etc")
    for path in ("/data/absolute/outside.txt", "/data/relative/outside.txt"):
        assert fs.host_path(path).is_relative_to(fs.root)
        with pytest.raises(DeviceFsError):
            fs.read_bytes(path)
    assert fs.read_bytes("/data/relative/etc/hosts") == b"device hosts\n"
    assert fs.read_bytes("/data/etc/hosts") == b"device hosts\n"


def test_a_symlink_loop_is_eloop_not_a_hang(fs: DeviceFilesystem) -> None:
    data = fs.host_path("/data")
    os.symlink("b", data / "a")
    os.symlink("a", data / "b")
    with pytest.raises(DeviceFsError, match="Too many levels"):
        fs.host_path("/data/a/x")
