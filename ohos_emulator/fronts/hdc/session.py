"""One connection of the emulated hdc server: handshake, target selection, command dispatch.

The server speaks first; the client's reply carries the connect key (`""` for server-local commands,
`any` for the only device). Each connection carries one command and ends with the server closing
it, except after `alive` (server-local commands keep coming) and a `wait` that found no target.
"""

from __future__ import annotations

import logging
import socket

from ohos_emulator.device import EmulatedDevice
from ohos_emulator.fronts.hdc import files, install, shell
from ohos_emulator.fronts.hdc.channel import Channel
from ohos_emulator.fronts.hdc.context import ServerContext
from ohos_emulator.fronts.hdc.forwards import FORWARD_PREFIXES, tcp_port
from ohos_emulator.fronts.hdc.shell_line import shell_request
from ohos_protocol import hdc_wire as wire
from ohos_protocol.shim import redact

KEEP, CLOSE = True, False

log = logging.getLogger(__name__)


def serve(ctx: ServerContext, sock: socket.socket, peer: tuple[str, int]) -> None:
    """Serve one client connection to its end; every failure ends only this connection."""
    channel = Channel(sock, peer, ctx.idle_timeout, ctx.frame_timeout)
    try:
        _serve(ctx, channel)
    except wire.FrameTimeout as exc:
        log.warning("hdc %s: %s; closing", channel.name, exc)
    except TimeoutError:
        log.warning("hdc %s: idle for %g s; closing", channel.name, ctx.idle_timeout)
    except wire.ProtocolError as exc:
        log.warning("hdc %s: bad input, closing: %s", channel.name, exc)
    except files.TransferFailed as exc:
        log.info("hdc %s: transfer failed: %s", channel.name, exc)
        channel.finish_with(str(exc))
    except OSError as exc:
        log.info("hdc %s: connection error: %s", channel.name, exc)
    finally:
        ctx.resources.release(sock)
        ctx.connections.leave()


def _serve(ctx: ServerContext, channel: Channel) -> None:
    channel.send(wire.ServerHello(wire.server_banner(), channel.id).encode())
    reply = channel.read(wire.CLIENT_HANDSHAKE_MAX)
    if reply is None:
        log.info("hdc %s: client closed before its handshake", channel.name)
        return
    hello = wire.ClientHello.decode(reply)
    key = hello.connect_key
    if key not in ("", "any") and key not in ctx.devices and not hello.wait:
        log.warning("hdc %s: unknown connect key %r; closing", channel.name, key)
        channel.send_text(wire.UNKNOWN_KEY, wire.FAIL)
        return
    keep_alive = False
    while True:
        frame = channel.read(wire.COMMAND_MAX)
        if frame is None:
            return
        line = frame.decode("utf-8", errors="replace")
        line = line[:-1] if line.endswith("\0") else line
        log.debug("hdc %s [%s]: %r", channel.name, key, redact(line))
        if line == "alive":
            keep_alive = True
            continue
        local = _server_local(ctx, channel, key, line)
        if local is None:
            _device_command(ctx, channel, key, line)
            return
        if not (local or keep_alive):
            return


def _server_local(ctx: ServerContext, channel: Channel, key: str, line: str) -> bool | None:
    """Handle a command the server answers itself: KEEP / CLOSE, or None if it is not one."""
    if line.startswith("list targets"):
        _list_targets(ctx, channel, verbose=" -v" in line)
    elif line == "version":
        channel.send_text(wire.VERSION)
    elif line.startswith("checkserver"):
        channel.send_command(wire.Command.CHECK_SERVER, wire.VERSION.encode())
    elif line.startswith("wait"):
        return _wait(ctx, channel, key)
    elif line.startswith("tconn"):
        channel.send_text(
            "Connect failed: the emulated hdc server serves a fixed set of devices; tconn cannot add one",
            wire.FAIL,
        )
    elif line == "fport ls":
        channel.send_text(ctx.forwards.listing() or wire.EMPTY)
    elif line.startswith("fport rm"):
        task = line[len("fport rm") :].strip()
        if ctx.forwards.remove(task):
            channel.send_text(f"Remove forward ruler success, ruler:{task}")
        else:
            channel.send_text(f"Remove forward ruler failed, ruler is not exist {task}", wire.FAIL)
    else:
        return None
    return CLOSE


def _list_targets(ctx: ServerContext, channel: Channel, verbose: bool) -> None:
    if verbose:
        lines = [
            f"{serial}\t\tTCP\tConnected\t{device.params.get('const.product.model') or 'unknown...'}\n"
            for serial, device in sorted(ctx.devices.items())
        ]
    else:
        lines = [f"{serial}\n" for serial in sorted(ctx.devices)]
    channel.send_text("".join(lines) or wire.EMPTY)


def _wait(ctx: ServerContext, channel: Channel, key: str) -> bool:
    found = (
        key if key in ctx.devices else (next(iter(sorted(ctx.devices)), None) if key in ("", "any") else None)
    )
    if found is None:
        channel.send_text("No any connected target", wire.FAIL)
        return KEEP
    channel.send_text(f"Wait for connected target is {found}")
    return CLOSE


def _target(ctx: ServerContext, key: str) -> EmulatedDevice | None:
    if key == "any":
        return next(iter(ctx.devices.values())) if len(ctx.devices) == 1 else None
    return ctx.devices.get(key)


def _device_command(ctx: ServerContext, channel: Channel, key: str, line: str) -> None:
    device = _target(ctx, key)
    known = line.startswith(
        ("shell", "file send", "file recv", "fport ", "rport ", "hilog", "install", "uninstall", "target ")
    )
    if not known:
        channel.send_text("Unknown command...", wire.FAIL)
    elif device is None:
        channel.send_text(wire.NEED_KEY, wire.FAIL)
    elif line == "shell" or line.startswith("shell "):
        _shell(ctx, channel, device, line)
    elif line.startswith("target "):
        _target_command(channel, device, line)
    elif line.startswith("hilog"):
        shell.run_command(ctx, channel, device, "hilog -h" if " -h" in line else "hilog")
    elif line.startswith("file "):
        files.transfer(channel, device, line[len("file ") :], ctx.host_files)
    elif line.startswith("install"):
        install.install(channel, device, line[len("install") :].lstrip(), ctx.host_files)
    elif line.startswith("uninstall"):
        install.uninstall(channel, device, line[len("uninstall") :].lstrip())
    elif line.startswith("fport "):
        _forward(ctx, channel, device, line[len("fport ") :].split())
    elif line.startswith("rport "):
        channel.send_text("rport (reverse forwarding) is not supported by the emulated hdc server", wire.FAIL)
    else:
        channel.send_text("Unknown command...", wire.FAIL)


def _shell(ctx: ServerContext, channel: Channel, device: EmulatedDevice, line: str) -> None:
    request = shell_request(line)
    if request.error is not None:
        channel.send_text(request.error, wire.FAIL)
    elif request.command is None:
        shell.interactive(ctx, channel, device)
    else:
        shell.run_command(ctx, channel, device, request.command)


def _target_command(channel: Channel, device: EmulatedDevice, line: str) -> None:
    """`target mount` (the daemon remounts and says so) and `target boot` (reboots, says nothing)."""
    if line == "target mount":
        channel.send_text("Mount finish")
    elif line == "target boot" or line.startswith("target boot "):
        log.info("hdc %s: rebooting %s", channel.name, device.serial)
        device.reboot()
    else:
        channel.send_text("Unknown command...", wire.FAIL)


def _forward(ctx: ServerContext, channel: Channel, device: EmulatedDevice, nodes: list[str]) -> None:
    """`fport L R` answered with the real texts (docs/hdc-protocol.md §2)."""
    local, remote = (tcp_port(nodes[0]), tcp_port(nodes[1])) if len(nodes) == 2 else (None, None)
    if local is None or remote is None:
        known_schema = bool(nodes) and nodes[0].startswith(FORWARD_PREFIXES)
        parsed = known_schema and len(nodes) == 2
        message = "Forward parament failed" if parsed else "Incorrect forward command"
        channel.send_text(message, wire.FAIL)
        return
    if ctx.forwards.add(device.serial, device, local, remote):
        channel.send_text("Forwardport result:OK")
    else:
        channel.send_text(f"TCP Port listen failed at {local}", wire.FAIL)
