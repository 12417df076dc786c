"""OpenHarmony system tools: param, hidumper, aa, hilog, ifconfig (docs/upstream-facts.md §3; bm: bm.py)."""

from __future__ import annotations

import queue
import re

from ohos_emulator.apps import AbilityStartError
from ohos_emulator.hilog import LEVELS, LogEntry
from ohos_emulator.services.network import INTERFACES
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
        "       aa force-stop <bundle>\n       aa dump -l\n"
    )
    return 1


def _hilog_options(args: list[str]) -> dict[str, str] | str:
    """-x, -r and -b L, -T tags, -e regex, -v format (formats are accepted and ignored)."""
    options: dict[str, str] = {}
    i = 0
    while i < len(args):
        flag = args[i]
        if flag in ("-x", "-r"):
            options[flag] = ""
            i += 1
        elif flag in ("-b", "-T", "-e", "-v") and i + 1 < len(args):
            options[flag] = args[i + 1]
            i += 2
        else:
            return f"Invalid option: {flag}"
    return options


def hilog(ctx: CommandContext) -> int:
    options = _hilog_options(ctx.args[1:])
    if isinstance(options, str):
        ctx.print(options + "\n")
        return 1
    log = ctx.device.hilog
    if "-r" in options:
        log.clear()
        ctx.print("Log type core,app buffer clear successfully\n")
        return 0
    if "-b" in options:
        level = options["-b"].upper()
        if level not in LEVELS:
            ctx.print(f"Invalid log level: {options['-b']}\n")
            return 1
        ctx.print(f"Set global log level to {level} successfully\n")
        return 0
    tags = set(options["-T"].split(",")) if "-T" in options else None
    try:
        pattern = re.compile(options["-e"]) if "-e" in options else None
    except re.error:
        ctx.print(f"Invalid regex: {options['-e']}\n")
        return 1

    def selected(entry: LogEntry) -> bool:
        return (tags is None or entry.tag in tags) and (
            pattern is None or bool(pattern.search(entry.message))
        )

    if "-x" in options:
        ctx.print("".join(entry.format() + "\n" for entry in log.entries() if selected(entry)))
        return 0
    subscriber = log.subscribe()
    try:
        while not ctx.cancel.is_set():
            try:
                entry = subscriber.get(timeout=0.1)
            except queue.Empty:
                continue
            if selected(entry):
                ctx.print(entry.format() + "\n")
    finally:
        log.unsubscribe(subscriber)
    return 0


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
    "hilog": hilog,
    "ifconfig": ifconfig,
}
