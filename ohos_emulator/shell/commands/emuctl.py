"""`emuctl`: what a lab controls out of band, on the emulated device only.

A real device has no such command (so suites that need it skip there: capability `cloud_control`).
Every subcommand prints one line or a JSON document and exits 0, or prints `emuctl: ...` and exits
non-zero. See `emuctl help`.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from ohos_emulator.fs import DeviceFsError
from ohos_emulator.services.cloudsync.download import cache_path
from ohos_emulator.shell.commands.photo_bytes import grown_jpeg, synthetic_photo
from ohos_emulator.shell.io import CommandContext

USAGE = """\
usage: emuctl <area> <action> [args]
  state                              the device's lab-visible state as JSON
  reset                              back to a clean lab: no photos, empty cloud, defaults
  photos add NAME SIZE               a new local photo (not yet uploaded); prints its uri
  photos import PATH [NAME [SIZE]]   a pushed file becomes a local photo (a JPEG grown to SIZE)
  photos ls                          local photos: name size uploaded uri
  cloud add NAME SIZE                a file in the cloud account; prints its uri
  cloud import PATH NAME [SIZE]      a pushed file (a JPEG grown to SIZE) put in the cloud account
  cloud ls | cloud rm NAME           cloud contents: name size uri
  cloud cache-path NAME              where a download of NAME keeps its partial file
  cloud quota BYTES                  the cloud account's quota
  cloud account on|off               signed in to the cloud account
  cloud switch on|off                the gallery's cloud sync switch
  link hold|release                  stop / let go transfers between their chunks
  link wait-parked [SECONDS]         wait until a transfer waits at the held link
  link bandwidth BYTES_PER_SECOND    the device-cloud bandwidth on the device clock
  link fail on|off                   every transfer fails
  network wifi|cellular on|off       the radio switch, out of band
  network wifi-only on|off           sync over Wi-Fi only
  storage capacity BYTES             size of the /data partition
  fault set|clear cloudsync-service-down
  sync wait-idle [SECONDS]           wait until no sync run and no download is active
"""

FAULTS = {"cloudsync-service-down": 5204}


class UsageError(Exception):
    pass


def _size(text: str) -> int:
    if not text.isdigit() or int(text) < 4:
        raise UsageError(f"bad size {text!r} (bytes, at least 4)")
    return int(text)


def _pushed(ctx: CommandContext, source: str, name: str, size: list[str]) -> bytes:
    """The bytes of a pushed file, grown to ``size`` (a JPEG padded with comment segments) if given."""
    data = ctx.fs.read_bytes(source)
    return grown_jpeg(data, _size(size[0]), name) if size else data


def _switch(text: str) -> bool:
    if text not in ("on", "off"):
        raise UsageError(f"expected on|off, got {text!r}")
    return text == "on"


def _seconds(args: list[str], default: float = 10.0) -> float:
    try:
        return float(args[0]) if args else default
    except ValueError:
        raise UsageError(f"bad seconds {args[0]!r}") from None


def _state(ctx: CommandContext, args: list[str]) -> str:
    device = ctx.device
    usage = device.fs.usage()
    state = {
        "serial": device.serial,
        "profile": device.profile.name,
        "battery": {"capacity": device.battery.capacity, "charging": device.battery.charging},
        "network": {
            "wifi": device.network.wifi_available,
            "cellular": device.network.cellular_available,
            "wifiOnlySync": device.network.wifi_only_sync,
        },
        "storage": {"capacity": usage.capacity, "used": usage.used, "available": usage.available},
        "cloud": {
            "ready": device.cloud.ready,
            "quota": device.cloud.quota,
            "used": device.cloud.used(),
            "items": len(device.cloud.items()),
        },
        "photos": {
            "local": len(device.media.local_photos()),
            "pendingUpload": len(device.media.pending_uploads()),
        },
        "link": {
            "held": device.link.gate.held,
            "parked": device.link.gate.parked,
            "bandwidth": device.link.bandwidth,
            "failing": device.link.fail_transfers,
        },
        "sync": {"running": device.sync_busy()},
        "faults": sorted(name for name, sa in FAULTS.items() if sa in device.samgr.held_down()),
    }
    return json.dumps(state, indent=1)


def _reset(ctx: CommandContext, args: list[str]) -> str:
    if args:
        raise UsageError("reset takes no arguments")
    ctx.device.reset_lab()
    return "reset"


def _photos(ctx: CommandContext, args: list[str]) -> str:
    media = ctx.device.media
    match args:
        case ["add", name, size]:
            return media.add_local(name, synthetic_photo(name, _size(size))).uri
        case ["import", path, *rest] if len(rest) <= 2:
            source = ctx.path(path)
            name = rest[0] if rest else source.rsplit("/", 1)[-1]
            return media.add_local(name, _pushed(ctx, source, name, rest[1:])).uri
        case ["ls"]:
            return "\n".join(
                f"{p.name} {p.size} {'uploaded' if p.uploaded else 'pending'} {p.uri}"
                for p in media.local_photos()
            )
    raise UsageError("photos add NAME SIZE | photos import PATH [NAME [SIZE]] | photos ls")


def _cloud(ctx: CommandContext, args: list[str]) -> str:
    cloud = ctx.device.cloud
    match args:
        case ["add", name, size]:
            return cloud.store(ctx.device.media.allocate_id(), name, synthetic_photo(name, _size(size))).uri
        case ["import", path, name, *size] if len(size) <= 1:
            data = _pushed(ctx, ctx.path(path), name, size)
            return cloud.store(ctx.device.media.allocate_id(), name, data).uri
        case ["ls"]:
            return "\n".join(f"{item.name} {item.size} {item.uri}" for item in cloud.items())
        case ["rm", name]:
            if not cloud.remove(name):
                raise UsageError(f"no cloud file {name!r}")
            return f"removed {name}"
        case ["cache-path", name]:
            item = next((i for i in cloud.items() if i.name == name), None)
            if item is None:
                raise UsageError(f"no cloud file {name!r}")
            return cache_path(item)
        case ["quota", size] if size.isdigit():
            cloud.set_quota(int(size))
            return f"quota {size}"
        case ["account", value]:
            cloud.set_flag("logged_in", _switch(value))
            return f"account {value}"
        case ["switch", value]:
            cloud.set_flag("gallery_switch", _switch(value))
            return f"switch {value}"
    raise UsageError("cloud add|import|ls|rm|cache-path|quota|account|switch ...")


def _link(ctx: CommandContext, args: list[str]) -> str:
    link = ctx.device.link
    match args:
        case ["hold"]:
            link.gate.hold()
            return "held"
        case ["release"]:
            link.gate.release()
            return "released"
        case ["wait-parked", *rest]:
            if not link.gate.wait_parked(_seconds(rest)):
                raise UsageError("no transfer reached the held link in time")
            return "parked"
        case ["bandwidth", value] if value.isdigit() and int(value) > 0:
            link.bandwidth = int(value)
            return f"bandwidth {value}"
        case ["fail", value]:
            link.fail_transfers = _switch(value)
            return f"fail {value}"
    raise UsageError("link hold|release|wait-parked [S]|bandwidth N|fail on|off")


def _network(ctx: CommandContext, args: list[str]) -> str:
    network = ctx.device.network
    match args:
        case [("wifi" | "cellular") as which, value]:
            network.set_switch(which, _switch(value))
            return f"{which} {value}"
        case ["wifi-only", value]:
            network.set_wifi_only_sync(_switch(value))
            return f"wifi-only {value}"
    raise UsageError("network wifi|cellular|wifi-only on|off")


def _storage(ctx: CommandContext, args: list[str]) -> str:
    match args:
        case ["capacity", size] if size.isdigit():
            ctx.device.set_data_capacity(int(size))
            return f"capacity {size}"
    raise UsageError("storage capacity BYTES")


def _fault(ctx: CommandContext, args: list[str]) -> str:
    match args:
        case [("set" | "clear") as action, name] if name in FAULTS:
            if action == "set":
                ctx.device.samgr.hold_down(FAULTS[name])
            else:
                ctx.device.samgr.release(FAULTS[name])
            return f"{name} {action}"
    raise UsageError(f"fault set|clear {'|'.join(FAULTS)}")


def _sync(ctx: CommandContext, args: list[str]) -> str:
    match args:
        case ["wait-idle", *rest]:
            if not ctx.device.wait_sync_idle(_seconds(rest), ctx.cancel):
                raise UsageError("sync still busy")
            return "idle"
    raise UsageError("sync wait-idle [SECONDS]")


AREAS: dict[str, Callable[[CommandContext, list[str]], str]] = {
    "state": _state,
    "reset": _reset,
    "photos": _photos,
    "cloud": _cloud,
    "link": _link,
    "network": _network,
    "storage": _storage,
    "fault": _fault,
    "sync": _sync,
}


def emuctl(ctx: CommandContext) -> int:
    args = ctx.args[1:]
    if not args or args[0] in ("help", "-h", "--help") or args[0] not in AREAS:
        ctx.print(USAGE)
        return 0 if args and args[0] in ("help", "-h", "--help") else 2
    try:
        result = AREAS[args[0]](ctx, args[1:])
    except UsageError as exc:
        ctx.error(str(exc))
        return 2
    except (DeviceFsError, ValueError) as exc:
        ctx.error(str(exc))
        return 1
    if result:
        ctx.print(result + "\n")
    return 0


COMMANDS = {"emuctl": emuctl}
