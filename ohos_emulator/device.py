"""One emulated OpenHarmony device: services, shell, apps and state, composed.

Fronts (hdc server, SSH server, serial console) reach the device only through this class: they run
command lines (:meth:`EmulatedDevice.run_command` or a :meth:`shell_session`), move files through
:attr:`fs`, and connect to device ports through :attr:`ports`.
"""

from __future__ import annotations

import platform
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ohos_emulator.apps import AbilityManager
from ohos_emulator.bundle_registry import BundleRegistry
from ohos_emulator.clock import DeviceClock
from ohos_emulator.fs import DeviceFilesystem
from ohos_emulator.generated import find_deviation
from ohos_emulator.hilog import Hilog
from ohos_emulator.kmsg import KernelLog
from ohos_emulator.ports import PortTable
from ohos_emulator.profiles import BehaviourProfile
from ohos_emulator.samgr import SystemAbilityManager
from ohos_emulator.services.battery import BatteryService
from ohos_emulator.services.cloud import CloudAccount
from ohos_emulator.services.cloudsync.conditions import Conditions
from ohos_emulator.services.cloudsync.service import SA_ID as CLOUDSYNC_SA
from ohos_emulator.services.cloudsync.service import CloudSyncService
from ohos_emulator.services.connectivity import cellular_service, wifi_service
from ohos_emulator.services.media import MediaLibrary
from ohos_emulator.services.network import NetworkService
from ohos_emulator.services.transfer import CloudLink
from ohos_emulator.shell.commands import all_commands
from ohos_emulator.shell.interpreter import ShellSession
from ohos_emulator.shell.io import InputStream, ShellExit, ShellIO, Writer
from ohos_emulator.state import DeviceState
from ohos_protocol.hap import HAP_DIR

API_LEVEL = 10
FULL_NAME = "OpenHarmony-4.0.10.13"
BOOT_SECONDS = 2.0  # real seconds from `target boot` until bootevent.boot.completed is true again


@dataclass(frozen=True)
class DeviceConfig:
    """How to build one emulated device."""

    serial: str
    state_dir: Path
    profile: BehaviourProfile
    time_scale: float = 0.05
    data_capacity: int = 256 * 1024**2
    bandwidth: int = 4 * 1024**2
    hap_dir: Path = HAP_DIR
    seeded_deviation: str | None = None


class EmulatedDevice:
    """An emulated device; :meth:`close` stops its apps and services."""

    def __init__(self, config: DeviceConfig) -> None:
        config.state_dir.mkdir(parents=True, exist_ok=True)
        seeded = find_deviation(config.seeded_deviation) if config.seeded_deviation else None
        self.serial = config.serial
        self.profile = (
            seeded.profile_change(config.profile) if seeded and seeded.profile_change else config.profile
        )
        self.clock = DeviceClock(config.time_scale)
        self.state = DeviceState(config.state_dir / "state.json")
        self._default_capacity = config.data_capacity
        self._storage = self.state.section("storage", {"capacity": config.data_capacity})
        self.fs = DeviceFilesystem(config.state_dir / "rootfs", int(self._storage["capacity"]))
        self.hilog = Hilog(now=self.clock.now)
        self.kmsg = KernelLog()
        self.ports = PortTable()
        self.battery = BatteryService()
        self.network = NetworkService(self.state)
        self.cloud = CloudAccount(self.state, config.state_dir / "cloud")
        self.media = MediaLibrary(self.state, self.fs)
        self.link = CloudLink(self.clock, config.bandwidth)
        self.conditions = Conditions(self.profile.service, self.battery, self.network)
        self.samgr = SystemAbilityManager(self.hilog)
        self.samgr.register(
            CLOUDSYNC_SA,
            "CloudSyncService",
            lambda: CloudSyncService(self.conditions, self.cloud, self.media, self.fs, self.link, self.hilog),
        )
        wifi, cellular = wifi_service(self.network), cellular_service(self.network)
        self.samgr.register(wifi.sa_id, wifi.name, lambda: wifi)
        self.samgr.register(cellular.sa_id, cellular.name, lambda: cellular)
        self.params = self._params()
        hello = {
            "device": {"serial": self.serial, "apiLevel": API_LEVEL, "fullName": FULL_NAME},
            "napi": self.profile.napi,
        }
        self.apps = AbilityManager(
            BundleRegistry(self.state, self.hilog, config.hap_dir),
            self.samgr,
            self.ports,
            self.hilog,
            hello,
            code_dir=self.fs.host_path("/data/app/el1/bundle/public"),
        )
        self.commands = all_commands()
        if seeded and seeded.device_change:
            seeded.device_change(self)
        self._booting: threading.Thread | None = None
        self._closing = threading.Event()
        self.hilog.write("init", f"{self.serial} booted, profile {self.profile.name}", domain=0xD002C00)

    def _params(self) -> dict[str, str]:
        return {
            "const.ohos.apiversion": str(API_LEVEL),
            "const.ohos.fullname": FULL_NAME,
            "const.ohos.version.security": "2023-09-01",
            "const.product.model": "ohos-hil-emulator",
            "const.product.name": "ohos-hil-emulator",
            "const.product.manufacturer": "ohos-hil",
            "const.product.software.version": f"{FULL_NAME} ({self.profile.name})",
            "const.product.devicetype": "default",
            "const.product.cpu.abilist": platform.machine(),
            "const.product.build.type": "eng",
            "ohos.boot.hardware": "emulator",
            "ohos.boot.sn": self.serial,
            "bootevent.boot.completed": "true",
            "const.security.developermode.state": "true",
            "persist.ohos_hil.profile": self.profile.name,
        }

    def set_data_capacity(self, capacity: int) -> None:
        """Resize the /data partition (kept across restarts)."""
        self.fs.set_capacity(capacity)
        self._storage["capacity"] = capacity
        self.state.save()

    def reset_lab(self) -> None:
        """A clean lab: the sync service restarted fresh, no photos, an empty cloud, default settings."""
        self.link.reset()
        for sa_id in self.samgr.held_down():
            self.samgr.release(sa_id)
        self.samgr.hold_down(CLOUDSYNC_SA)
        self.samgr.release(CLOUDSYNC_SA)
        with self.state.one_save():
            self.cloud.reset()
            self.media.reset()
            self.network.reset()
            self.set_data_capacity(self._default_capacity)
        self.hilog.write("emuctl", "lab reset")

    # -- shell ---------------------------------------------------------------------------------------
    def shell_session(self) -> ShellSession:
        return ShellSession(self)

    def run_command(
        self,
        line: str,
        stdout: Writer,
        stderr: Writer | None = None,
        stdin: InputStream | None = None,
        cancel: threading.Event | None = None,
    ) -> int:
        """Run one command line in a fresh shell (as `hdc shell CMD` or `ssh host CMD` do)."""
        io = ShellIO(stdout, stderr or stdout)
        if stdin is not None:
            io.stdin = stdin
        if cancel is not None:
            io.cancel = cancel
        try:
            return self.shell_session().run(line, io)
        except ShellExit as exc:
            return exc.status

    # -- sync state (for the lab) --------------------------------------------------------------------
    def sync_busy(self) -> bool:
        service = self.samgr.loaded(CLOUDSYNC_SA)
        return isinstance(service, CloudSyncService) and (service.gallery.running or service.download.active)

    def wait_sync_idle(self, timeout: float, cancel: threading.Event | None = None) -> bool:
        deadline = time.monotonic() + timeout
        stop = cancel or threading.Event()
        while self.sync_busy():
            if time.monotonic() >= deadline or stop.wait(0.01):
                return False
        return True

    # -- power ---------------------------------------------------------------------------------------
    def reboot(self) -> None:
        """`target boot`: apps (the shim) and system abilities stop, the battery mocks and the log
        buffers go, `bootevent.boot.completed` is "false" for BOOT_SECONDS (real time: no time scale) and then
        "true" again; everything on disk (files, bundles, settings) stays."""
        self.params["bootevent.boot.completed"] = "false"
        self.apps.stop_all()
        self.samgr.shutdown()
        self.battery.reset()
        self.hilog.clear()
        self.kmsg.clear()
        if self._booting is None or not self._booting.is_alive():
            name = f"boot-{self.serial}"
            self._booting = threading.Thread(target=self._finish_boot, name=name, daemon=True)
            self._booting.start()

    def _finish_boot(self) -> None:
        if not self._closing.wait(BOOT_SECONDS):
            self.hilog.write("init", f"{self.serial} booted, profile {self.profile.name}", domain=0xD002C00)
            self.params["bootevent.boot.completed"] = "true"

    def close(self) -> None:
        self._closing.set()
        if self._booting is not None:
            self._booting.join(5)
        self.apps.stop_all()
        self.samgr.shutdown()
        self.link.gate.release()
        self.state.save()
