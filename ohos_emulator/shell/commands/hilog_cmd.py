"""`hilog`: read, clear and set levels of the emulated log; persist tasks (docs/upstream-facts.md §3)."""

from __future__ import annotations

import queue
import re

from ohos_emulator.hilog import LEVELS, LogEntry, PersistTask
from ohos_emulator.shell.io import CommandContext

_LEVEL_NAMES = {"DEBUG": "D", "INFO": "I", "WARN": "W", "ERROR": "E", "FATAL": "F"}
_VALUED = ("-b", "-T", "-e", "-v", "-w", "-t", "-f", "-l", "-n", "-m", "-j", "-D")
_DEFAULT_FILE_SIZE = 4 * 1024 * 1024
_SIZE_UNITS = {"": 1, "B": 1, "K": 1024, "KB": 1024, "M": 1024**2, "MB": 1024**2, "G": 1024**3, "GB": 1024**3}


def level_letter(text: str) -> str | None:
    """`D`/`DEBUG` (any case) to the level letter; None if it names no level."""
    upper = text.upper()
    letter = _LEVEL_NAMES.get(upper, upper)
    return letter if len(letter) == 1 and letter in LEVELS else None


def _options(args: list[str]) -> dict[str, str] | str:
    """-x, -r, --persist and the valued options; formats (-v) are accepted and ignored."""
    options: dict[str, str] = {}
    i = 0
    while i < len(args):
        flag = args[i]
        if flag in ("-x", "-r", "--persist"):
            options[flag] = ""
            i += 1
        elif flag in _VALUED and i + 1 < len(args):
            options[flag] = args[i + 1]
            i += 2
        else:
            return f"Invalid option: {flag}"
    return options


def _size(text: str) -> int | None:
    match = re.fullmatch(r"(\d+)([A-Za-z]*)", text)
    if not match or match.group(2).upper() not in _SIZE_UNITS:
        return None
    return int(match.group(1)) * _SIZE_UNITS[match.group(2).upper()]


def _persist(ctx: CommandContext, options: dict[str, str]) -> int:
    tasks = ctx.device.hilog.persist_tasks
    action = options["-w"]
    if action == "query":
        if not tasks:
            ctx.print("Persist task query failed\nNo running persistent task [CODE: -63]\n")
            return 0
        for task in tasks:
            size = f"{task.file_size / 1024**2:.1f}M"
            ctx.print(f"{task.job_id} {task.types} {task.compress} {task.path} {size} {task.file_num}\n")
        return 0
    if action == "stop":
        if not tasks:
            ctx.print("Persist task stop failed\nNo running persistent task [CODE: -63]\n")
            return 0
        for task in tasks:
            ctx.print(f"Persist task [jobid:{task.job_id}] stop successfully\n")
        tasks.clear()
        return 0
    if action != "start":
        ctx.print(f"Invalid persist action: {action}\n")
        return 1
    kmsg = options.get("-t") == "kmsg"
    job_id = int(options.get("-j", "2" if kmsg else "1"))
    size = _size(options.get("-l", str(_DEFAULT_FILE_SIZE)))
    if size is None or not options.get("-n", "1000").isdigit():
        ctx.print("Invalid persist parameter\n")
        return 1
    if any(task.job_id == job_id for task in tasks):
        ctx.print(f"Persist task [jobid:{job_id}] start failed\nPersist task is running [CODE: -61]\n")
        return 0
    name = options.get("-f", "hilog_kmsg" if kmsg else "hilog")
    task = PersistTask(
        job_id,
        "kmsg" if kmsg else "init,core,app",
        options.get("-m", "zlib"),
        f"/data/log/hilog/{name}",
        size,
        int(options.get("-n", "1000")),
    )
    tasks.append(task)
    ctx.print(f"Persist task [jobid:{job_id}][fileNum:{task.file_num}][fileSize:{size}] start successfully\n")
    return 0


def _set_level(ctx: CommandContext, options: dict[str, str]) -> int:
    letter = level_letter(options["-b"])
    if letter is None:
        ctx.print(f"Invalid log level: {options['-b']}\n")
        return 1
    if "-T" in options:
        ctx.print(f"Set tag {options['-T']} log level to {letter} successfully\n")
    elif "-D" in options:
        ctx.print(f"Set domain {options['-D']} log level to {letter} successfully\n")
    else:
        ctx.device.params["hilog.loggable.global"] = letter
        ctx.print(f"Set global log level to {letter} successfully\n")
        if "--persist" in options:
            ctx.print(f"Set persist global log level to {letter} successfully\n")
    return 0


def hilog(ctx: CommandContext) -> int:
    options = _options(ctx.args[1:])
    if isinstance(options, str):
        ctx.print(options + "\n")
        return 1
    log = ctx.device.hilog
    if "-w" in options:
        return _persist(ctx, options)
    if "-r" in options:
        log.clear()
        ctx.print("Log type core,app buffer clear successfully\n")
        return 0
    if "-b" in options:
        return _set_level(ctx, options)
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
    backlog, subscriber = log.subscribe_with_backlog()
    try:
        ctx.print("".join(entry.format() + "\n" for entry in backlog if selected(entry)))
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


COMMANDS = {"hilog": hilog}
