"""`bm`: install, uninstall and dump bundles, worded as OpenHarmony 4.0's bundle manager tool prints.

`bm install -p PATH [-r]` installs the HAP at a device path; `bm uninstall -n BUNDLE` removes a
bundle (stopping its ability first); `bm dump -a` / `bm dump -n BUNDLE` show what is installed.
Refusals print bm's verdict, `code:N` and the message (ohos_emulator/bm_errors.py). The real bm
always exits 0 (its main ends in `quick_exit(0)`); the emulated one exits 1 on failure, as the
emulator's other tools do: judge by the text, as xdevice does, and both work.
"""

from __future__ import annotations

import json

from ohos_emulator.bm_errors import (
    INSTALL_FAILED,
    INSTALL_OK,
    UNINSTALL_FAILED,
    UNINSTALL_OK,
    BundleError,
    BundleStatus,
)
from ohos_emulator.shell.io import CommandContext

PACKAGE_SUFFIXES = (".hap", ".hsp")
INSTALL_USAGE = (
    "usage: bm install <options>\n"
    "  -h, --help                        list available commands\n"
    "  -p, --bundle-path <file-path>     install a hap by a specified path\n"
    "  -r, --replace                     replace an existing bundle\n"
    "  -u, --user-id <user-id>           specify a user id\n"
    "  -w, --waitting-time <seconds>     specify waitting time for installation\n"
)
UNINSTALL_USAGE = (
    "usage: bm uninstall <options>\n"
    "  -h, --help                        list available commands\n"
    "  -n, --bundle-name <bundle-name>   uninstall a bundle by bundle name\n"
    "  -u, --user-id <user-id>           specify a user id\n"
    "  -k, --keep-data                   keep the user data after uninstall\n"
)
USAGE = "usage: bm install -p <path> [-r] | bm uninstall -n <bundle> | bm dump -a | bm dump -n <bundle>\n"
NO_PATH = "error: you must specify a bundle path with '-p' or '--bundle-path'.\n"
NO_NAME = "error: you must specify a bundle name with '-n' or '--bundle-name'.\n"
UNKNOWN_OPTION = "error: unknown option.\n"


def _parse(args: list[str], valued: dict[str, str], flags: dict[str, str]) -> dict[str, str] | None:
    """Options by canonical name (flags map to ""); None on an unknown option or a missing value."""
    options: dict[str, str] = {}
    words = iter(args)
    for word in words:
        if word in flags:
            options[flags[word]] = ""
        elif word in valued:
            value = next(words, None)
            if value is None:
                return None
            options[valued[word]] = value
        else:
            return None
    return options


def _install(ctx: CommandContext, args: list[str]) -> int:
    options = _parse(
        args,
        valued={
            "-p": "path",
            "--bundle-path": "path",
            "-u": "user",
            "--user-id": "user",
            "-w": "wait",
            "--waitting-time": "wait",
        },
        flags={"-r": "replace", "--replace": "replace", "-h": "help", "--help": "help"},
    )
    if options is None:
        ctx.print(UNKNOWN_OPTION + INSTALL_USAGE)
        return 1
    if "help" in options:
        ctx.print(INSTALL_USAGE)
        return 0
    if "path" not in options:
        ctx.print(NO_PATH + INSTALL_USAGE)
        return 1
    path = ctx.path(options["path"])
    try:
        if not ctx.fs.exists(path) or ctx.fs.is_dir(path):
            raise BundleError(BundleStatus.FILE_PATH_INVALID, f"{path}: no such file")
        if not path.endswith(PACKAGE_SUFFIXES):
            raise BundleError(BundleStatus.INVALID_HAP_NAME, f"{path}: not a .hap or .hsp")
        ctx.device.apps.install(ctx.fs.host_path(path), replace="replace" in options, source=path)
    except BundleError as exc:
        ctx.print(f"{INSTALL_FAILED}\n{exc.bm_lines()}")
        return 1
    ctx.print(INSTALL_OK + "\n")
    return 0


def _uninstall(ctx: CommandContext, args: list[str]) -> int:
    options = _parse(
        args,
        valued={"-n": "name", "--bundle-name": "name", "-u": "user", "--user-id": "user"},
        flags={"-k": "keep", "--keep-data": "keep", "-h": "help", "--help": "help"},
    )
    if options is None:
        ctx.print(UNKNOWN_OPTION + UNINSTALL_USAGE)
        return 1
    if "help" in options:
        ctx.print(UNINSTALL_USAGE)
        return 0
    if "name" not in options:
        ctx.print(NO_NAME + UNINSTALL_USAGE)
        return 1
    try:
        ctx.device.apps.uninstall(options["name"])
    except BundleError as exc:
        ctx.print(f"{UNINSTALL_FAILED}\n{exc.bm_lines()}")
        return 1
    ctx.print(UNINSTALL_OK + "\n")
    return 0


def _dump(ctx: CommandContext, args: list[str]) -> int:
    apps = ctx.device.apps
    if args == ["-a"]:
        ctx.print("ID: 100:\n" + "".join(f"\t{b.name}\n" for b in apps.installed()))
        return 0
    if len(args) == 2 and args[0] == "-n":
        bundle = apps.bundle(args[1])
        if bundle is None:
            ctx.print("error: failed to get information and the parameters may be wrong.\n")
            return 1
        info = {
            "name": bundle.name,
            "versionCode": bundle.version_code,
            "versionName": bundle.version_name,
            "applicationInfo": {
                "apiTargetVersion": bundle.target_api,
                "appPrivilegeLevel": bundle.apl,
                "isSystemApp": bundle.system_app,
                "removable": bundle.removable,
            },
            "reqPermissions": sorted(bundle.permissions),
            "hapModuleInfos": [{"moduleName": bundle.module, "mainAbility": bundle.entry_ability}],
        }
        ctx.print(f"{bundle.name}:\n{json.dumps(info, indent=4)}\n")
        return 0
    ctx.print(USAGE)
    return 1


def bm(ctx: CommandContext) -> int:
    verb, args = (ctx.args[1], ctx.args[2:]) if len(ctx.args) > 1 else ("", [])
    if verb == "install":
        return _install(ctx, args)
    if verb == "uninstall":
        return _uninstall(ctx, args)
    if verb == "dump":
        return _dump(ctx, args)
    ctx.print(USAGE)
    return 1


COMMANDS = {"bm": bm}
