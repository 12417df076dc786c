"""Two independent hdc clients from PyPI (hdctool, hdc-rs-py) against the emulated hdc server.

Each test runs against the in-process HdcServer and against `ohos-hil emulator serve` in a subprocess.
Every server here is up before a client connects: hdctool runs `hdc start` when a connection is
refused, so it is never pointed at a closed port.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import hdctool
import pytest

from harness.hdc import HdcClient
from ohos_emulator.hap_package import shim_manifest, write_hap
from ohos_protocol.hap import load_variants

if TYPE_CHECKING:
    from tests.interop.conftest import Endpoint


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- hdctool 0.5 ------------------------------------------------------------------------------------


def test_hdctool_lists_exactly_the_targets(hdc_endpoint: Endpoint) -> None:
    client = hdctool.create_client(hdc_endpoint.host, hdc_endpoint.port, connect_timeout=5, read_timeout=10)
    assert sorted(client.list_targets()) == hdc_endpoint.serials
    assert len(hdc_endpoint.serials) == 2


def test_hdctool_shell_reads_to_the_end(hdc_endpoint: Endpoint) -> None:
    client = hdctool.create_client(hdc_endpoint.host, hdc_endpoint.port, connect_timeout=5, read_timeout=10)
    for serial in hdc_endpoint.serials:
        connection = client.get_target(serial).shell("param get ohos.boot.sn; echo one; echo two")
        try:
            assert connection.read_all() == f"{serial}\none\ntwo\n".encode()
        finally:
            connection.end()


def test_hdctool_forwards(hdc_endpoint: Endpoint) -> None:
    client = hdctool.create_client(hdc_endpoint.host, hdc_endpoint.port, connect_timeout=5, read_timeout=10)
    target = client.get_target(hdc_endpoint.serials[1])
    local = f"tcp:{_free_port()}"
    target.forward(local, "tcp:18620")
    assert target.list_forwards() == [
        {"target": hdc_endpoint.serials[1], "local": local, "remote": "tcp:18620"}
    ]
    target.remove_forward(local, "tcp:18620")
    assert client.list_forwards() == []


# -- hdc-rs-py 0.2 ----------------------------------------------------------------------------------
# hdc-rs-py blocks in Rust while holding the GIL, so against a server in this process it would
# deadlock: its calls run in a child interpreter, one fresh client per call (each call consumes
# the client's connection).

RS_RUNNER = """
import json, sys
import hdc_rs_py
address, calls = json.loads(sys.argv[1])
results = []
for key, method, args in calls:
    try:
        client = hdc_rs_py.HdcClient(address)
        if key:
            client.connect_device(key)
        results.append(["ok", getattr(client, method)(*args)])
    except Exception as exc:
        results.append(["error", str(exc)])
print(json.dumps(results))
"""


def hdc_rs(endpoint: Endpoint, *calls: tuple[str, str, list[str]]) -> list[object]:
    """Results of (connect key or "", method, args) calls made by hdc-rs-py in a child process."""
    argument = json.dumps([endpoint.address, calls])
    done = subprocess.run(
        [sys.executable, "-c", RS_RUNNER, argument], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    errors = [result for status, result in results if status == "error"]
    assert not errors, errors
    return [result for _, result in results]


def test_hdc_rs_py_lists_targets_and_checks_the_server(hdc_endpoint: Endpoint) -> None:
    targets, version = hdc_rs(hdc_endpoint, ("", "list_targets", []), ("", "check_server", []))
    assert sorted(targets) == hdc_endpoint.serials
    assert version == "Ver: 3.2.0f"


def test_hdc_rs_py_shell_on_a_connected_device(hdc_endpoint: Endpoint) -> None:
    # hdc-rs-py reads only the first frame of the reply: one write is one frame
    calls = [(serial, "shell", ["param get ohos.boot.sn"]) for serial in hdc_endpoint.serials]
    assert hdc_rs(hdc_endpoint, *calls) == [f"{serial}\n" for serial in hdc_endpoint.serials]


def test_hdc_rs_py_legacy_file_transfer(hdc_endpoint: Endpoint, tmp_path: Path) -> None:
    serial = hdc_endpoint.serials[0]
    source = tmp_path / "legacy.txt"
    source.write_text("sent by hdc-rs-py\n")
    sent, received = hdc_rs(
        hdc_endpoint,
        (serial, "file_send", [str(source), "/data/local/tmp/legacy.txt"]),
        (serial, "file_recv", ["/data/local/tmp/legacy.txt", str(tmp_path / "back.txt")]),
    )
    assert "FileTransfer finish, Size:18" in sent
    assert "FileTransfer finish, Size:18" in received
    ours = HdcClient(hdc_endpoint.host, hdc_endpoint.port, timeout=5)
    assert ours.shell(serial, "cat /data/local/tmp/legacy.txt") == b"sent by hdc-rs-py\n"
    assert (tmp_path / "back.txt").read_text() == "sent by hdc-rs-py\n"


def test_hdc_rs_py_installs_and_uninstalls_in_the_legacy_form(hdc_endpoint: Endpoint, tmp_path: Path) -> None:
    serial, bundle = hdc_endpoint.serials[0], "com.ohoshil.rs"
    document = shim_manifest(load_variants()["default"])
    document["app"]["bundleName"] = bundle
    document["module"]["requestPermissions"] = [{"name": "ohos.permission.INTERNET"}]
    hap = write_hap(document, tmp_path / "rs app.hap")
    ours = HdcClient(hdc_endpoint.host, hdc_endpoint.port, timeout=5)
    [installed] = hdc_rs(hdc_endpoint, (serial, "install", [[str(hap)]]))
    assert installed.startswith(f"[Info]App install path:{hap} msg:install bundle successfully.")
    assert bundle.encode() in ours.shell(serial, f"bm dump -n {bundle}")
    [uninstalled] = hdc_rs(hdc_endpoint, (serial, "uninstall", [bundle]))
    assert uninstalled.startswith("[Info]App uninstall path: msg:uninstall bundle successfully.")
    assert ours.shell(serial, "bm dump -a").count(bundle.encode()) == 0


def test_hdc_rs_py_unknown_device(hdc_endpoint: Endpoint) -> None:
    [output] = hdc_rs(hdc_endpoint, ("emu-9999", "shell", ["echo hi"]))
    assert output.startswith("[Fail]Not match target founded")


@pytest.mark.parametrize("verbose", [False, True])
def test_our_client_agrees(hdc_endpoint: Endpoint, verbose: bool) -> None:
    targets = HdcClient(hdc_endpoint.host, hdc_endpoint.port, timeout=5).list_targets(verbose)
    assert [line.split("\t")[0] for line in targets] == hdc_endpoint.serials
