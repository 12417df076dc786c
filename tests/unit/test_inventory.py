"""The device inventory: what it accepts, and the file and line of what it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import ConfigError
from harness.inventory import HdcTarget, SerialTarget, SshTarget, load_inventory

REPO = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lab.yaml"
    path.write_text(text)
    return path


def test_the_example_inventory_loads(monkeypatch):
    monkeypatch.setenv("HOME", "/home/lab")
    inventory = load_inventory(REPO / "devices" / "lab.example.yaml")
    board = inventory.device("rk3568-01")
    assert board.target(None) == ("hdc", HdcTarget("127.0.0.1", 8710, "150100424a544434520325ed86ae4f00"))
    _, serial = board.target("serial")
    assert (
        isinstance(serial, SerialTarget)
        and serial.baud == 1500000
        and serial.password_env == "RK3568_ROOT_PASSWORD"
    )
    assert board.waivers == "ohos-4.0" and "root" in board.capabilities
    _, ssh = inventory.device("tablet-ssh-01").target("ssh")
    assert (
        isinstance(ssh, SshTarget)
        and ssh.key_file == Path("/home/lab/.ssh/ohos_lab_ed25519")
        and ssh.check_host_key
    )


def test_relative_paths_are_relative_to_the_inventory(tmp_path):
    path = write(
        tmp_path,
        "devices:\n  - id: d1\n    transports:\n      ssh: {host: h, user: root, key_file: keys/id}\n",
    )
    _, ssh = load_inventory(path).device("d1").target(None)
    assert ssh.key_file == tmp_path / "keys" / "id" and ssh.port == 22 and ssh.known_hosts is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("devices: []\n", "lab.yaml:1: devices: the inventory lists no device"),
        (
            "devices:\n  - id: d1\n    transports: {}\n",
            "lab.yaml:3: devices[0].transports: a device needs at least one",
        ),
        (
            "devices:\n  - id: d1\n    transports:\n      hdc: {server: localhost, connect_key: k}\n",
            "lab.yaml:4: devices[0].transports.hdc.server: expected host:port, got 'localhost'",
        ),
        (
            "devices:\n  - id: d1\n    transports:\n      ssh: {host: h, user: u, key_file: k, port: 0}\n",
            "lab.yaml:4: devices[0].transports.ssh.port: port 0 is out of range",
        ),
        (
            "devices:\n  - id: d1\n    transports:\n      telnet: {host: h}\n",
            "lab.yaml:4: devices[0].transports.telnet: unknown key 'telnet'",
        ),
        (
            "devices:\n  - id: d1\n    transports:\n      serial: {url: COM3}\n",
            "lab.yaml:4: devices[0].transports.serial.url: expected a device path",
        ),
        (
            "devices:\n  - id: d1\n    transports:\n      serial: {url: /dev/ttyS0, login: {password: x}}\n",
            "login.password: unknown key 'password' (did you mean 'password_env'?)",
        ),
        (
            "devices:\n  - id: d1\n    capabilities: [battery_control, flying]\n    transports:\n"
            "      hdc: {server: '127.0.0.1:8710', connect_key: k}\n",
            "lab.yaml:3: devices[0].capabilities[1]: unknown value 'flying'",
        ),
        (
            "devices:\n  - id: d1\n    transports:\n      hdc: {server: '127.0.0.1:8710', connect_key: k}\n"
            "  - id: d1\n    transports:\n      hdc: {server: '127.0.0.1:8710', connect_key: k}\n",
            "lab.yaml:5: devices[1].id: duplicate device id 'd1' (first at",
        ),
        (
            "devices:\n  - id: d1\n    transports:\n      ssh: {host: h, user: u, key_file: '${NO_VAR}/k'}\n",
            "lab.yaml:4: devices[0].transports.ssh.key_file: environment variable NO_VAR is not set",
        ),
        ("devices:\n  - id: [d1\n", "lab.yaml:3: invalid YAML"),
    ],
)
def test_broken_inventories_name_the_file_and_line(tmp_path, monkeypatch, text, message):
    monkeypatch.delenv("NO_VAR", raising=False)
    with pytest.raises(ConfigError) as caught:
        load_inventory(write(tmp_path, text))
    assert message in str(caught.value)


def test_unknown_device_and_missing_transport_are_clear(tmp_path):
    inventory = load_inventory(
        write(
            tmp_path,
            "devices:\n  - id: d1\n    transports:\n      hdc: {server: '127.0.0.1:1', connect_key: k}\n",
        )
    )
    with pytest.raises(ConfigError, match=r"unknown device 'd2'.*has: d1"):
        inventory.device("d2")
    with pytest.raises(ConfigError, match=r"device d1 has no serial transport \(it has: hdc\)"):
        inventory.device("d1").target("serial")


ENDPOINTS = """{"profile": "api10-doc", "stateDir": "S", "hdc": "127.0.0.1:40001", "devices": [
 {"id": "emu-0001", "transports": {
   "hdc": {"server": "127.0.0.1:40001", "connect_key": "emu-0001"},
   "ssh": {"host": "127.0.0.1", "port": 40002, "user": "root", "key_file": "emu-0001/ssh/id_ed25519"}},
  "capabilities": ["root"]}]}"""


def test_devices_emulator_yaml_reads_the_served_endpoints_of_any_ports(tmp_path, monkeypatch):
    (tmp_path / "endpoints.json").write_text(ENDPOINTS)
    monkeypatch.setenv("OHOS_HIL_EMULATOR_STATE", str(tmp_path))
    inventory = load_inventory(REPO / "devices" / "emulator.yaml")
    device = inventory.device("emu-0001")
    assert device.target(None) == ("hdc", HdcTarget("127.0.0.1", 40001, "emu-0001"))
    _, ssh = device.target("ssh")
    assert ssh.port == 40002 and ssh.key_file == tmp_path / "emu-0001" / "ssh" / "id_ed25519"


def test_an_unset_variable_takes_its_default(tmp_path, monkeypatch):
    monkeypatch.delenv("OHOS_HIL_NO_SUCH_STATE", raising=False)
    (tmp_path / "served").mkdir()
    (tmp_path / "served" / "endpoints.json").write_text(ENDPOINTS)
    inventory = load_inventory(
        write(tmp_path, "endpoints: ${OHOS_HIL_NO_SUCH_STATE:-served}/endpoints.json\n")
    )
    assert list(inventory.devices) == ["emu-0001"]


def test_a_missing_endpoints_file_says_how_to_make_one(tmp_path, monkeypatch):
    monkeypatch.setenv("OHOS_HIL_EMULATOR_STATE", str(tmp_path / "nothing-served"))
    with pytest.raises(ConfigError, match=r"emulator.yaml:\d+.*no endpoints file .*nothing-served/endpoints"):
        load_inventory(REPO / "devices" / "emulator.yaml")
    with pytest.raises(ConfigError, match="lists its devices"):
        load_inventory(write(tmp_path, "profile: x\n"))
