"""The attacks of a hostile client on the same machine, against a live emulated farm: each must fail,
and the emulator must come out of it no bigger (docs/emulator.md, "Limits of the fronts"). Run with
`-s` to see the figures of each attack."""

from __future__ import annotations

import contextlib
import resource
import socket
import struct
import time

import pytest
from hostile import FRAME_TIMEOUT, Farm, MiB

from harness.errors import ShimError
from harness.shim.client import ShimClient, ShimRequestError
from ohos_protocol import hdc_wire as wire
from ohos_protocol.hap import load_variants

MODULE = "@ohos.file.cloudSync"
RSS_BUDGET = 64 * MiB


def report(name: str, farm: Farm, before, after) -> None:
    print(f"\n[attack] {name}: {before.line(after)}")


def test_remote_code_paths_of_the_shim_are_bad_params(farm: Farm, device) -> None:
    before = farm.figures()
    with device.shim(fresh=True) as shim:
        for cls in ("constructor.constructor", "GallerySync.constructor", "__proto__.constructor"):
            with pytest.raises(ShimRequestError) as refused:
                shim.create(MODULE, cls, "return process.mainModule.require('child_process').execSync('id')")
            assert refused.value.kind == "bad_params" and cls in str(refused.value)
    report("shim RCE paths", farm, before, farm.settled(before))


def test_a_shim_connection_without_the_token_is_refused(farm: Farm, device) -> None:
    device.shim(fresh=True).close()
    port = load_variants()["default"].port
    for token in ("", "guessed-token"):
        intruder = ShimClient(lambda: device.transport.open_stream(port), token=token, rpc_timeout=5)
        with pytest.raises(ShimError, match="refused the handshake"):
            intruder.open()


def _hold(farm: Farm, count: int, send: bytes, after_handshake: bool) -> list[socket.socket]:
    held = []
    for _ in range(count):
        sock = farm.connect()
        if after_handshake:
            sock.sendall(wire.encode_frame(wire.ClientHello(wire.server_banner(), farm.serial).encode()))
        sock.sendall(send)
        held.append(sock)
    return held


@pytest.mark.parametrize(
    ("length", "after_handshake"),
    [(16 * MiB, False), (16 * MiB, True), (wire.COMMAND_MAX, True)],
    ids=["16MiB-handshake", "16MiB-command", "2MiB-command"],
)
def test_200_length_prefixes_cost_no_memory(farm: Farm, length: int, after_handshake: bool) -> None:
    before = farm.figures()
    held = _hold(farm, 200, struct.pack(">I", length), after_handshake)
    during = farm.figures()
    for sock in held:
        sock.close()
    after = farm.settled(before)
    report(
        f"200 x {length} B length prefixes ({'command' if after_handshake else 'handshake'}; "
        f"{during.threads} threads while held)",
        farm,
        before,
        after,
    )
    assert after.peak - before.peak < RSS_BUDGET and after.rss - before.rss < RSS_BUDGET
    assert farm.client().list_targets() == [farm.serial]


def test_a_dripping_connection_is_closed_by_its_frame_deadline(farm: Farm) -> None:
    before = farm.figures()
    hello = wire.encode_frame(wire.ClientHello(wire.server_banner(), farm.serial).encode())
    started = time.monotonic()
    closed_after = None
    with farm.connect() as sock:
        for byte in hello:
            try:
                sock.sendall(bytes([byte]))
                sock.settimeout(0.25)
                if sock.recv(1) == b"":
                    closed_after = time.monotonic() - started
                    break
            except TimeoutError:
                continue
            except OSError:
                closed_after = time.monotonic() - started
                break
    report(f"drip (closed after {closed_after} s)", farm, before, farm.settled(before))
    assert closed_after is not None and closed_after < FRAME_TIMEOUT + 2


def test_after_descriptor_exhaustion_the_server_answers_again(farm: Farm) -> None:
    before = farm.figures()
    soft, hard = resource.prlimit(farm.process.pid, resource.RLIMIT_NOFILE)
    resource.prlimit(farm.process.pid, resource.RLIMIT_NOFILE, (before.fds + 64, hard))
    held: list[socket.socket] = []
    try:
        for _ in range(300):
            with contextlib.suppress(OSError):
                held.append(socket.create_connection((farm.host, farm.port), timeout=0.2))
        exhausted = farm.figures()
        for sock in held:
            sock.close()
        answered = False
        deadline = time.monotonic() + 15
        while not answered and time.monotonic() < deadline:
            try:
                answered = farm.client().list_targets() == [farm.serial]
            except Exception:
                time.sleep(0.2)
    finally:
        resource.prlimit(farm.process.pid, resource.RLIMIT_NOFILE, (soft, hard))
    after = farm.settled(before)
    report(f"fd exhaustion (fds at the limit: {exhausted.fds})", farm, before, after)
    assert answered
    assert "accept failed" in farm.log.read_text(errors="replace")


def test_legacy_host_paths_outside_the_allowed_folders_fail(farm: Farm, tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("host secret\n")
    (farm.allowed / "escape").symlink_to(tmp_path)
    fail = b"[Fail]Error opening file: no such file or directory"
    for line in (
        f"file send {secret} /data/local/tmp/stolen",
        f"file send {farm.allowed}/escape/secret.txt /data/local/tmp/stolen",
        f"file recv /system/etc/param/ohos.para {tmp_path}/planted",
        f"install {tmp_path}/x.hap",
        "file send /etc/passwd /data/local/tmp/stolen",
    ):
        frames = farm.command(line)
        assert frames and frames[0].startswith(fail), (line, frames)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret.txt"]
    assert farm.command("shell ls /data/local/tmp/stolen")[0].endswith(b"No such file or directory\n")


def test_dd_of_3_gib_stays_within_the_budget(farm: Farm) -> None:
    client = farm.client()
    client.shell(farm.serial, f"emuctl storage capacity {64 * MiB}")
    before = farm.figures()
    output = client.shell(farm.serial, "dd if=/dev/urandom of=/data/x bs=1G count=3; rm /data/x")
    after = farm.settled(before)
    report("dd if=/dev/urandom bs=1G count=3", farm, before, after)
    assert b"No space left on device" in output
    assert after.peak - before.peak < RSS_BUDGET
