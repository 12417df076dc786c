"""OpenHarmony system tools: param, hidumper, aa, ifconfig (docs/upstream-facts.md §3).

bm is in bm.py, hilog in hilog_cmd.py.
"""

from __future__ import annotations

import re

from ohos_emulator.apps import AbilityStartError
from ohos_emulator.services.network import INTERFACES
from ohos_emulator.shell.commands.aa_test import aa_test
from ohos_emulator.shell.io import CommandContext

HIDUMPER_RULE = "-" * 31


def param(ctx: CommandContext) -> int:
    args = ctx.args[1:]
    params = ctx.device.params
    if args[:1] == ["get"] and len(args) == 1:
        ctx.print("".join(f"{key} = {value}\n" for key, value in sorted(params.items())))
        return 0
    if args[:1] == ["get"] and len(args) == 2:
        if args[1] not in params:
            ctx.print(f'Get parameter "{args[1]}" fail! errNum is:106!\n')
            return 1
        ctx.print(params[args[1]] + "\n")
        return 0
    if args[:1] == ["set"] and len(args) == 3:
        if args[1].startswith("const."):
            ctx.print(f"Set parameter {args[1]} {args[2]} fail! errNum is:103!\n")
            return 1
        params[args[1]] = args[2]
        ctx.print(f"Set parameter {args[1]} {args[2]} success\n")
        return 0
    ctx.print("Command list:\n    param get [key]\n    param set key value\n")
    return 1


def _battery_dump(ctx: CommandContext, options: list[str]) -> str:
    battery = ctx.device.battery
    if options == ["-i"]:
        return "\n".join(battery.info_lines()) + "\n"
    if options == ["-u"]:
        battery.mock_unplugged()
        return "unplugged battery charging state\n"
    if options == ["-r"]:
        battery.reset()
        return "reset battery state\n"
    if len(options) == 2 and options[0] == "--capacity" and options[1].isdigit():
        capacity = int(options[1])
        if not 0 <= capacity <= 100:
            return "capacity out of range\n"
        battery.mock_capacity(capacity)
        return f"battery capacity {capacity}\n"
    usage = (
        "usage: battery service dump [<options>]\n"
        "  -h: dump help\n  -i: dump battery info\n  -u: unplug battery charging state\n"
        "  -r: reset battery state\n"
        "  --capacity <capacity>: set battery capacity, the capacity range [0, 100]\n"
    )
    return ("" if options == ["-h"] else "cmd param is invalid\n") + usage


def hidumper(ctx: CommandContext) -> int:
    args = ctx.args[1:]
    if args == ["-ls"]:
        ctx.print("System ability list:\n")
        for sa_id, name, state in ctx.device.samgr.listing():
            ctx.print(f"{sa_id:<8}{name:<28}{state}\n")
        ctx.print("BatteryService\n")
        return 0
    if len(args) >= 2 and args[0] == "-s":
        service = args[1]
        options = args[3].split() if len(args) == 4 and args[2] == "-a" else (None if len(args) > 2 else [])
        if service != "BatteryService":
            ctx.print(f"hidumper: No such system ability: {service}\n")
            return 1
        if options is None:
            ctx.print("option pid missed. hidumper: option invalid\n")
            return 1
        body = _battery_dump(ctx, options) if options else "\n".join(ctx.device.battery.info_lines()) + "\n"
        ctx.print(
            f"\n{HIDUMPER_RULE}[ability]{HIDUMPER_RULE}\n\n\n"
            f"{HIDUMPER_RULE}BatteryService{HIDUMPER_RULE}\n{body}"
        )
        return 0
    ctx.print('usage:\n  -ls : list system abilities\n  -s [SA] -a ["options"] : dump a system ability\n')
    return 1


def _want_parameters(args: list[str]) -> dict[str, object] | str:
    parameters: dict[str, object] = {}
    i = 0
    while i < len(args):
        flag = args[i]
        if flag in ("--pi", "--ps", "--pb") and i + 2 < len(args):
            key, value = args[i + 1], args[i + 2]
            if flag == "--pi":
                if not re.fullmatch(r"-?\d+", value):
                    return f"--pi {key} {value}: not an integer"
                parameters[key] = int(value)
            elif flag == "--pb":
                parameters[key] = value == "true"
            else:
                parameters[key] = value
            i += 3
        else:
            i += 1
    return parameters


def aa(ctx: CommandContext) -> int:
    args = ctx.args[1:]
    apps = ctx.device.apps
    if args[:1] == ["start"]:
        options = dict(zip(args[1::2], args[2::2], strict=False))
        bundle, ability = options.get("-b"), options.get("-a")
        if not bundle or not ability:
            ctx.print("error: -a <ability-name> and -b <bundle-name> are expected\n")
            return 1
        parameters = _want_parameters(args[1:])
        if isinstance(parameters, str):
            ctx.print(f"error: {parameters}\n")
            return 1
        try:
            apps.start(bundle, ability, parameters)
        except AbilityStartError as exc:
            ctx.print(f"error: {exc}\n")
            return 1
        ctx.print("start ability successfully.\n")
        return 0
    if args[:1] == ["test"]:
        return aa_test(ctx, args[1:])
    if args[:1] == ["force-stop"] and len(args) == 2:
        apps.force_stop(args[1])
        ctx.print("force stop process successfully.\n")
        return 0
    if args[:2] == ["dump", "-l"]:
        for running in apps.running():
            ctx.print(
                f"  AbilityRecord ID #{running.pid}\n    main name [{running.ability}]\n"
                f"    bundle name [{running.bundle.name}]\n    state #FOREGROUND\n"
            )
        return 0
    ctx.print(
        "usage: aa start -a <ability> -b <bundle> [-m <module>] [--pi|--ps|--pb <key> <value>]\n"
        "       aa test -b <bundle> -m <module> -s unittest <test-runner> [-w <wait-time>]\n"
        "       aa force-stop <bundle>\n       aa dump -l\n"
    )
    return 1


def ifconfig(ctx: CommandContext) -> int:
    args = ctx.args[1:]
    network = ctx.device.network
    if not args:
        for name in INTERFACES:
            state = "UP BROADCAST RUNNING MULTICAST" if network.interface_up(name) else "BROADCAST MULTICAST"
            ctx.print(f"{name:<10}Link encap:Ethernet\n          {state}  MTU:1500  Metric:1\n\n")
        return 0
    if len(args) == 2 and args[0] in INTERFACES and args[1] in ("up", "down"):
        network.set_interface(args[0], args[1] == "up")
        return 0
    if args[0] not in INTERFACES:
        ctx.error(f"{args[0]}: No such device")
        return 1
    ctx.error("only 'ifconfig IFACE up|down' is supported")
    return 1


COMMANDS = {
    "param": param,
    "hidumper": hidumper,
    "aa": aa,
    "ifconfig": ifconfig,
}
