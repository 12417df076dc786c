"""Installing and uninstalling HAPs over any transport (docs/upstream-facts.md §3.6).

hdc has commands of its own (`hdc install`, `hdc uninstall`: a transport that is an
:class:`~harness.transport.base.AppInstall`). Elsewhere (SSH, serial) the HAP is pushed to
/data/local/tmp, installed with `bm install -p`, and removed. Success is judged by bm's text, as
xdevice does: the real bm exits 0 even when it failed. A refusal raises TransportError carrying
bm's text.
"""

from __future__ import annotations

import secrets
import shlex
from pathlib import Path

from harness.errors import TransportError
from harness.transport.base import (
    DEFAULT_COMMAND_TIMEOUT,
    DEFAULT_TRANSFER_TIMEOUT,
    AppInstall,
    Transport,
)

UPLOAD_DIR = "/data/local/tmp"
INSTALL_OK = "install bundle successfully"
UNINSTALL_OK = "uninstall bundle successfully"
BM_TIMEOUT = 60.0


def install_hap(
    transport: Transport, local: Path, replace: bool = True, timeout: float = DEFAULT_TRANSFER_TIMEOUT
) -> str:
    """Install the host file ``local`` on the transport's device; returns bm's text."""
    local = Path(local)
    if isinstance(transport, AppInstall):
        return transport.install(local, replace=replace, timeout=timeout)
    remote = f"{UPLOAD_DIR}/ohos-hil-{secrets.token_hex(4)}{local.suffix}"
    transport.push(local, remote, timeout)
    command = f"bm install {'-r ' if replace else ''}-p {shlex.quote(remote)}"
    try:
        text = transport.run(command, timeout=BM_TIMEOUT).output.strip()
    finally:
        transport.run(f"rm -f {shlex.quote(remote)}", timeout=DEFAULT_COMMAND_TIMEOUT)
    if INSTALL_OK not in text:
        raise TransportError(f"install {local}: {text}", device=transport.device_id, transport=transport.name)
    return text


def uninstall_bundle(transport: Transport, bundle: str, timeout: float = BM_TIMEOUT) -> str:
    """Remove ``bundle`` from the transport's device; returns bm's text."""
    if isinstance(transport, AppInstall):
        return transport.uninstall(bundle, timeout=timeout)
    text = transport.run(f"bm uninstall -n {shlex.quote(bundle)}", timeout=timeout).output.strip()
    if UNINSTALL_OK not in text:
        raise TransportError(
            f"uninstall {bundle}: {text}", device=transport.device_id, transport=transport.name
        )
    return text
