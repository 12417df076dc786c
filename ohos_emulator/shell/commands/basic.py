"""Shell built-ins and small utilities: echo, printf, true, false, sleep, cd, pwd, exit, sh, ..."""

from __future__ import annotations

import platform
import time

from ohos_emulator.shell.io import CommandContext, ShellExit, ShellIO


def echo(ctx: CommandContext) -> int:
    args = ctx.args[1:]
    newline = True
    if args and args[0] == "-n":
        newline = False
        args = args[1:]
    ctx.print(" ".join(args) + ("\n" if newline else ""))
    return 0


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "0": "\0"}


def _format(template: str, values: list[str]) -> str:
    """printf's %s, %d, %% and backslash escapes."""
    out: list[str] = []
    queue = list(values)
    i = 0
    while i < len(template):
        ch = template[i]
        if ch == "\\" and i + 1 < len(template):
            out.append(_ESCAPES.get(template[i + 1], template[i + 1]))
            i += 2
        elif ch == "%" and i + 1 < len(template):
            spec = template[i + 1]
            if spec == "%":
                out.append("%")
            elif spec in "sd":
                value = queue.pop(0) if queue else ""
                out.append(str(int(value or 0)) if spec == "d" else value)
            else:
                out.append(ch + spec)
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def printf(ctx: CommandContext) -> int:
    if len(ctx.args) < 2:
        ctx.error("needs 1 argument")
        return 1
    try:
        ctx.print(_format(ctx.args[1], ctx.args[2:]))
    except ValueError as exc:
        ctx.error(f"invalid number: {exc}")
        return 1
    return 0


def true(ctx: CommandContext) -> int:
    return 0


def false(ctx: CommandContext) -> int:
    return 1


def sleep(ctx: CommandContext) -> int:
    try:
        seconds = float(ctx.args[1])
    except (IndexError, ValueError):
        ctx.error("needs a number of seconds")
        return 1
    return 1 if ctx.cancel.wait(seconds) else 0


def whoami(ctx: CommandContext) -> int:
    ctx.print("root\n")
    return 0


def id_(ctx: CommandContext) -> int:
    ctx.print("uid=0(root) gid=0(root) groups=0(root) context=u:r:su:s0\n")
    return 0


def uname(ctx: CommandContext) -> int:
    if "-a" in ctx.args:
        ctx.print(f"Linux localhost 5.10.184 #1 SMP PREEMPT {platform.machine()} Toybox\n")
    else:
        ctx.print("Linux\n")
    return 0


_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%m%d%H%M%Y.%S",
    "%m%d%H%M%Y",
    "%m%d%H%M%y",
    "%m%d%H%M",
)


def _parse_date(text: str) -> float | None:
    """toybox's SET forms: `YYYY-MM-DD hh:mm[:ss]`, `MMDDhhmm[[CC]YY][.ss]`, `@SECONDS` (local time)."""
    if text.startswith("@") and text[1:].lstrip("-").isdigit():
        return float(text[1:])
    for form in _DATE_FORMATS:
        try:
            parsed = time.strptime(text, form)
        except ValueError:
            continue
        if "%Y" not in form and "%y" not in form:
            parsed = time.strptime(f"{time.localtime().tm_year}{text}", "%Y" + form)
        return time.mktime(parsed)
    return None


def date(ctx: CommandContext) -> int:
    """`date [+FORMAT] [SET]`: print the emulated clock, or set it (then print it, as toybox)."""
    clock = ctx.device.clock
    display = "%a %b %d %H:%M:%S %Z %Y"
    for arg in ctx.args[1:]:
        if arg.startswith("+"):
            display = arg[1:]
            continue
        when = _parse_date(arg)
        if when is None:
            ctx.error(f"bad date '{arg}'")
            return 1
        clock.set_now(when)
    now = clock.now()
    text = f"{int(now)}" if display == "%s" else time.strftime(display, time.localtime(now))
    ctx.print(text + "\n")
    return 0


def pwd(ctx: CommandContext) -> int:
    ctx.print(ctx.session.cwd + "\n")
    return 0


def cd(ctx: CommandContext) -> int:
    target = ctx.path(ctx.args[1] if len(ctx.args) > 1 else "/")
    if not ctx.fs.is_dir(target):
        ctx.error(f"{target}: No such file or directory")
        return 1
    ctx.session.cwd = target
    return 0


def exit_(ctx: CommandContext) -> int:
    try:
        status = int(ctx.args[1]) if len(ctx.args) > 1 else ctx.session.status
    except ValueError:
        ctx.error(f"{ctx.args[1]}: bad number")
        return 2
    raise ShellExit(status & 0xFF)


def export(ctx: CommandContext) -> int:
    for assignment in ctx.args[1:]:
        name, _, value = assignment.partition("=")
        ctx.session.env[name] = value
    return 0


def env(ctx: CommandContext) -> int:
    ctx.print("".join(f"{k}={v}\n" for k, v in sorted(ctx.session.env.items())))
    return 0


def sh(ctx: CommandContext) -> int:
    """`sh -c LINE`: run a line in a child shell (its `exit` ends only the child)."""
    if len(ctx.args) < 3 or ctx.args[1] != "-c":
        ctx.error("only 'sh -c COMMAND' is supported")
        return 2
    child = type(ctx.session)(ctx.device, dict(ctx.session.env))
    child.cwd = ctx.session.cwd
    try:
        return child.run(ctx.args[2], ShellIO(ctx.out, ctx.err, ctx.stdin, ctx.cancel))
    except ShellExit as exc:
        return exc.status


COMMANDS = {
    "echo": echo,
    "printf": printf,
    "true": true,
    "false": false,
    "sleep": sleep,
    "whoami": whoami,
    "id": id_,
    "uname": uname,
    "date": date,
    "pwd": pwd,
    "cd": cd,
    "exit": exit_,
    "export": export,
    "env": env,
    "sh": sh,
}
