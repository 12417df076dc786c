"""Terminal and kernel-log tools: nc (toybox netcat to a device port), stty, dmesg."""

from __future__ import annotations

import contextlib
import select
import socket
import threading

from ohos_emulator.fronts.resources import shut
from ohos_emulator.shell.io import CommandContext
from ohos_emulator.tty import COOKED, RAW, TtyInput, TtyModes

LOOPBACK = ("127.0.0.1", "localhost")
CONNECT_TIMEOUT = 5.0
POLL_MS = 100  # how often the relay looks at its cancellation while the socket is quiet
RELAY_CHUNK = 65536
JOIN_TIMEOUT = 2.0
INTERRUPTED = 130  # 128 + SIGINT, what sh reports for a command Ctrl-C killed


def nc(ctx: CommandContext) -> int:
    """`nc HOST PORT`: relay standard input to a device port and the port's data to standard output,
    until either side ends or the command is cancelled (Ctrl-C)."""
    if len(ctx.args) != 3:
        ctx.error("usage: nc HOST PORT (only loopback device ports on this device)")
        return 1
    host, port_text = ctx.args[1:]
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        ctx.error(f"bad port '{port_text}'")
        return 1
    if host not in LOOPBACK:
        ctx.error(f"connect {host}:{port_text}: Network is unreachable")
        return 1
    try:
        sock = ctx.device.ports.connect(int(port_text), timeout=CONNECT_TIMEOUT)
    except OSError:
        ctx.error(f"connect {host}:{port_text}: Connection refused")
        return 1
    done = threading.Event()
    pump = threading.Thread(target=_send_input, args=(ctx, sock, done), name="nc-stdin", daemon=True)
    pump.start()
    try:
        _receive_output(ctx, sock)
    finally:
        done.set()
        if isinstance(ctx.stdin, TtyInput):
            ctx.stdin.close()  # stop reading the terminal: what is typed next is the shell's
        shut(sock)
        pump.join(JOIN_TIMEOUT)
    return INTERRUPTED if ctx.cancel.is_set() else 0


def _send_input(ctx: CommandContext, sock: socket.socket, done: threading.Event) -> None:
    with contextlib.suppress(OSError):
        while not done.is_set():
            chunk = ctx.stdin.read(RELAY_CHUNK)
            if not chunk:
                break
            sock.sendall(chunk)
        sock.shutdown(socket.SHUT_WR)  # end of input: the far side sees EOF, its answers still come


def _receive_output(ctx: CommandContext, sock: socket.socket) -> None:
    """The port's data to standard output (the socket stays blocking for the input pump's sends)."""
    readable = select.poll()
    readable.register(sock, select.POLLIN)
    while not ctx.cancel.is_set():
        if not readable.poll(POLL_MS):
            continue
        try:
            data = sock.recv(RELAY_CHUNK)
        except OSError:
            return
        if not data:
            return
        ctx.out(data)


_FLAGS = frozenset(TtyModes.__dataclass_fields__)


def stty(ctx: CommandContext) -> int:
    """`stty [-a] [raw|-raw|cooked|sane|[-]echo|[-]icanon|[-]isig|[-]opost|[-]icrnl ...]` on the
    terminal that is standard input; where standard input is no terminal, nothing to do."""
    if not isinstance(ctx.stdin, TtyInput):
        return 0
    tty = ctx.stdin.tty
    args = ctx.args[1:]
    if not args or args == ["-a"]:
        ctx.print(tty.modes.describe())
        return 0
    changes: dict[str, bool] = {}
    for arg in args:
        if arg == "raw":
            changes.update(RAW)
        elif arg in ("-raw", "cooked"):
            changes.update(COOKED)
        elif arg == "sane":
            changes.update({name: getattr(TtyModes(), name) for name in _FLAGS})
        elif arg.lstrip("-") in _FLAGS:
            changes[arg.lstrip("-")] = not arg.startswith("-")
        else:
            ctx.error(f"invalid argument '{arg}'")
            return 1
    tty.set_modes(**changes)
    return 0


def dmesg(ctx: CommandContext) -> int:
    """`dmesg` prints the kernel ring buffer; `dmesg -n LEVEL` sets the console log level;
    `dmesg -c` prints and clears, `dmesg -C` clears."""
    args = ctx.args[1:]
    kmsg = ctx.device.kmsg
    if not args or args == ["-c"]:
        ctx.print("".join(record.format() + "\n" for record in kmsg.records()))
        if args:
            kmsg.clear()
        return 0
    if args == ["-C"]:
        kmsg.clear()
        return 0
    if args[0] == "-n" and len(args) == 2:
        try:
            kmsg.set_console_level(int(args[1]))
        except ValueError:
            ctx.error(f"bad level '{args[1]}' (1-8)")
            return 1
        return 0
    ctx.error("usage: dmesg [-c|-C] [-n LEVEL]")
    return 1


COMMANDS = {"nc": nc, "netcat": nc, "stty": stty, "dmesg": dmesg}
