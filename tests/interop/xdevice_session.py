"""One xdevice session against an emulated farm, run as a child process by test_xdevice.py.

It uses xdevice as a test script does: EnvironmentManager reads ``config/user_config.xml`` in the
working folder, discovers the devices through the hdc server it names, and hands them out by serial;
then every operation goes through xdevice-ohos's Device (shell, file send/recv, bm install and
uninstall). Each result is one JSON line on stdout. faulthandler dumps every thread and exits if
the session outlives its deadline, so a hang inside xdevice is reported with its stack.

usage: xdevice_session.py DEADLINE_SECONDS WORK_DIR HAP BUNDLE SERIAL...
"""

from __future__ import annotations

import faulthandler
import hashlib
import json
import sys
import time
from pathlib import Path


def emit(operation: str, serial: str, started: float, **result: object) -> None:
    line = {"op": operation, "serial": serial, "seconds": round(time.monotonic() - started, 3), **result}
    print(json.dumps(line), flush=True)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def exercise(device, serial: str, work: Path, hap: Path, bundle: str) -> None:
    started = time.monotonic()
    emit(
        "boot",
        serial,
        started,
        completed=device.get_recover_result(retry=0).strip(),
        available=bool(device.device_state_monitor.wait_for_device_available(30_000)),
    )

    started = time.monotonic()
    emit("shell", serial, started, output=device.execute_shell_command("echo xdevice-ok; whoami"))

    local = work / f"payload-{serial}.bin"
    local.write_bytes(bytes(range(256)) * 4099)  # 1 MiB + 1 KiB, not a multiple of hdc's 64 KiB chunks
    remote = f"/data/local/tmp/xdevice-{serial}.bin"
    started = time.monotonic()
    device.push_file(str(local), remote)
    emit(
        "push",
        serial,
        started,
        local_sha256=sha256(local),
        device_sha256=device.execute_shell_command(f"sha256sum {remote}").split()[0:1],
    )

    back = work / f"pulled-{serial}.bin"
    started = time.monotonic()
    device.pull_file(remote, str(back))
    emit(
        "pull",
        serial,
        started,
        local_sha256=sha256(local),
        pulled_sha256=sha256(back) if back.exists() else None,
    )

    started = time.monotonic()
    output = device.install_package(str(hap))  # as AppInstallKit calls it
    emit(
        "install", serial, started, output=output, listed=bundle in device.execute_shell_command("bm dump -a")
    )

    started = time.monotonic()
    output = device.uninstall_package(bundle)
    emit(
        "uninstall",
        serial,
        started,
        output=output,
        listed=bundle in device.execute_shell_command("bm dump -a"),
    )


def main() -> int:
    deadline, work, hap, bundle, *serials = sys.argv[1:]
    faulthandler.dump_traceback_later(float(deadline), exit=True)
    from xdevice import EnvironmentManager
    from xdevice._core.context.center import Context
    from xdevice._core.environment.manager_env import DeviceSelectionOption

    Context.set_execute_status(True)  # what `xdevice run` sets: shell reads stop when it is False
    started = time.monotonic()
    manager = EnvironmentManager()
    manager.check_environments_status(30)
    devices = {}
    for serial in serials:
        option = DeviceSelectionOption({"device_sn": serial}, label=None)
        option.required_manager = "device"
        devices[serial] = manager.apply_device(option, timeout=10)
    emit(
        "discovery",
        ",".join(serials),
        started,
        found=sorted(serial for serial, device in devices.items() if device is not None),
    )
    try:
        for serial, device in devices.items():
            if device is not None:
                exercise(device, serial, Path(work), Path(hap), bundle)
    finally:
        for device in devices.values():
            if device is not None:
                manager.release_device(device)
        manager.env_stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
