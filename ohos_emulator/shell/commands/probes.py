"""Commands that inspect paths the way toybox does: test/[, find, file."""

from __future__ import annotations

import fnmatch
import re
import time

from ohos_emulator.fs import DeviceFsError
from ohos_emulator.shell.io import CommandContext

_ELF_MACHINES = {3: "Intel 80386", 40: "arm", 62: "x86-64", 183: "arm64", 243: "RISC-V"}
_INT_OPS = {
    "-eq": lambda a, b: a == b,
    "-ne": lambda a, b: a != b,
    "-lt": lambda a, b: a < b,
    "-le": lambda a, b: a <= b,
    "-gt": lambda a, b: a > b,
    "-ge": lambda a, b: a >= b,
}


class _TestError(Exception):
    """A malformed `test` expression (status 2, as toybox)."""


def _file_test(ctx: CommandContext, op: str, operand: str) -> bool:
    path = ctx.path(operand)
    if not ctx.fs.exists(path):
        return False
    if op == "-d":
        return ctx.fs.is_dir(path)
    if op == "-f":
        return not ctx.fs.is_dir(path)
    if op == "-s":
        return ctx.fs.stat(path).st_size > 0
    return True  # -e, -r, -w, -x: the shell runs as root


def _primary(ctx: CommandContext, args: list[str]) -> bool:
    if not args:
        return False
    if args[0] == "!":
        return not _primary(ctx, args[1:])
    if len(args) == 1:
        return args[0] != ""
    if len(args) == 2:
        op, operand = args
        if op == "-z":
            return operand == ""
        if op == "-n":
            return operand != ""
        if op in ("-e", "-f", "-d", "-s", "-r", "-w", "-x"):
            return _file_test(ctx, op, operand)
        raise _TestError(f"unknown operator '{op}'")
    if len(args) == 3:
        left, op, right = args
        if op in ("=", "=="):
            return left == right
        if op == "!=":
            return left != right
        if op in _INT_OPS:
            try:
                return _INT_OPS[op](int(left), int(right))
            except ValueError as exc:
                raise _TestError(f"not integer: {exc}") from exc
    raise _TestError("syntax error")


def _expression(ctx: CommandContext, args: list[str]) -> bool:
    """`-o` binds looser than `-a`, both looser than the primaries."""
    if "-o" in args:
        at = args.index("-o")
        return _expression(ctx, args[:at]) or _expression(ctx, args[at + 1 :])
    if "-a" in args[1:]:
        at = args.index("-a", 1)
        return _expression(ctx, args[:at]) and _expression(ctx, args[at + 1 :])
    return _primary(ctx, args)


def test(ctx: CommandContext) -> int:
    args = ctx.args[1:]
    if ctx.name == "[":
        if not args or args[-1] != "]":
            ctx.error("missing ]")
            return 2
        args = args[:-1]
    try:
        return 0 if _expression(ctx, args) else 1
    except _TestError as exc:
        ctx.error(str(exc))
        return 2


def _find_filters(args: list[str]) -> tuple[list, int | None] | str:
    filters = []
    depth = None
    i = 0
    while i < len(args):
        flag = args[i]
        if i + 1 >= len(args):
            return f"'{flag}' needs 1 arg"
        value = args[i + 1]
        if flag == "-type" and value in ("f", "d"):
            filters.append(lambda fs, p, st, want=value: fs.is_dir(p) == (want == "d"))
        elif flag in ("-name", "-iname"):
            fold = flag == "-iname"
            filters.append(
                lambda fs, p, st, g=value, f=fold: fnmatch.fnmatchcase(
                    p.rsplit("/", 1)[-1].lower() if f else p.rsplit("/", 1)[-1], g.lower() if f else g
                )
            )
        elif flag == "-mtime" and re.fullmatch(r"[+-]?\d+", value):
            filters.append(_mtime_filter(value))
        elif flag == "-maxdepth" and value.isdigit():
            depth = int(value)
        else:
            return f"bad arg '{flag}'"
        i += 2
    return filters, depth


def _mtime_filter(value: str):
    days = int(value.lstrip("+-"))

    def match(fs, path, info) -> bool:
        age = int((time.time() - info.st_mtime) // 86400)
        if value.startswith("+"):
            return age > days
        if value.startswith("-"):
            return age < days
        return age == days

    return match


def find(ctx: CommandContext) -> int:
    args = ctx.args[1:]
    split = next((i for i, a in enumerate(args) if a.startswith("-")), len(args))
    roots, parsed = args[:split] or ["."], _find_filters(args[split:])
    if isinstance(parsed, str):
        ctx.error(parsed)
        return 1
    filters, max_depth = parsed
    status = 0
    for root in roots:
        path = ctx.path(root)
        if not ctx.fs.exists(path):
            ctx.error(f"'{root}': No such file or directory")
            status = 1
            continue
        stack = [(path, root, 0)]
        while stack:
            device_path, shown, depth = stack.pop()
            info = ctx.fs.stat(device_path)
            if all(check(ctx.fs, device_path, info) for check in filters):
                ctx.print(shown + "\n")
            if ctx.fs.is_dir(device_path) and (max_depth is None or depth < max_depth):
                for name in reversed(sorted(ctx.fs.listdir(device_path))):
                    child = ctx.fs.normalize(name, device_path)
                    stack.append((child, shown.rstrip("/") + "/" + name, depth + 1))
    return status


def _describe(data: bytes) -> str:
    if not data:
        return "empty"
    if data[:4] == b"\x7fELF" and len(data) >= 20:
        bits = "64-bit" if data[4] == 2 else "32-bit"
        order = "LSB" if data[5] == 1 else "MSB"
        kind = {2: "executable", 3: "shared object"}.get(data[16], "relocatable")
        code = int.from_bytes(data[18:20], "little" if order == "LSB" else "big")
        machine = _ELF_MACHINES.get(code, "unknown")
        return f"ELF {kind}, {bits} {order} {machine}"
    if data[:4] == b"PK\x03\x04":
        return "Zip archive data"
    try:
        data.decode("ascii")
    except UnicodeDecodeError:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return "data"
        return "UTF-8 text"
    return "ASCII text"


def file(ctx: CommandContext) -> int:
    for target in ctx.args[1:]:
        path = ctx.path(target)
        if ctx.fs.is_dir(path):
            ctx.print(f"{target}: directory\n")
            continue
        try:
            head = next(iter(ctx.fs.iter_chunks(path, 4096)), b"")
        except DeviceFsError as exc:
            ctx.print(f"{target}: cannot open: {exc.strerror}\n")
            continue
        ctx.print(f"{target}: {_describe(head)}\n")
    return 0


COMMANDS = {"test": test, "[": test, "find": find, "file": file}
