"""The device inventory: what it accepts, and the file and line of what it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import ConfigError
from harness.inventory import load_inventory
from harness.transport.hdc_target import HdcTarget
from harness.transport.serial.target import SerialTarget
from harness.transport.ssh.target import SshTarget

REPO = Path(__file__).resolve().parents[2]
INVENTORIES = REPO / "fixtures" / "inventories"
REFUSED = INVENTORIES / "refused"


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


def test_relative_paths_are_relative_to_the_inventory():
    _, ssh = load_inventory(INVENTORIES / "relative-key.yaml").device("d1").target(None)
    assert ssh.key_file == INVENTORIES / "keys" / "id" and ssh.port == 22 and ssh.known_hosts is None


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("no-device", "no-device.yaml:1: devices: the inventory lists no device"),
        ("no-transport", "no-transport.yaml:3: devices[0].transports: a device needs at least one"),
        (
            "hdc-server-without-port",
            "hdc-server-without-port.yaml:4: devices[0].transports.hdc.server: "
            "expected host:port, got 'localhost'",
        ),
        ("ssh-port-0", "ssh-port-0.yaml:4: devices[0].transports.ssh.port: port 0 is out of range"),
        ("unknown-transport", "unknown-transport.yaml:4: devices[0].transports.telnet: unknown key 'telnet'"),
        (
            "serial-url-not-a-path",
            "serial-url-not-a-path.yaml:4: devices[0].transports.serial.url: expected a device path",
        ),
        (
            "serial-login-password",
            "serial-login-password.yaml:4: devices[0].transports.serial.login.password: "
            "unknown key 'password' (did you mean 'password_env'?)",
        ),
        (
            "unknown-capability",
            "unknown-capability.yaml:3: devices[0].capabilities[1]: unknown value 'flying'",
        ),
        ("duplicate-id", "duplicate-id.yaml:5: devices[1].id: duplicate device id 'd1' (first at"),
        (
            "unset-variable",
            "unset-variable.yaml:4: devices[0].transports.ssh.key_file: "
            "environment variable NO_VAR is not set",
        ),
        ("bad-yaml", "bad-yaml.yaml:3: invalid YAML"),
        ("no-devices-listed", "no-devices-listed.yaml:1: an inventory lists its devices"),
    ],
)
def test_broken_inventories_name_the_file_and_line(monkeypatch, name, message):
    monkeypatch.delenv("NO_VAR", raising=False)
    with pytest.raises(ConfigError) as caught:
        load_inventory(REFUSED / f"{name}.yaml")
    assert message in str(caught.value)


def test_every_refused_inventory_is_checked():
    checked = test_broken_inventories_name_the_file_and_line.pytestmark[0].args[1]
    assert sorted(name for name, _ in checked) == sorted(path.stem for path in REFUSED.glob("*.yaml"))


def test_unknown_device_and_missing_transport_are_clear():
    inventory = load_inventory(INVENTORIES / "one-hdc-device.yaml")
    with pytest.raises(ConfigError, match=r"unknown device 'd2'.*has: d1"):
        inventory.device("d2")
    with pytest.raises(ConfigError, match=r"device d1 has no serial transport \(it has: hdc\)"):
        inventory.device("d1").target("serial")


def test_devices_emulator_yaml_reads_the_served_endpoints_of_any_ports(monkeypatch):
    served = INVENTORIES / "served"
    monkeypatch.setenv("OHOS_HIL_EMULATOR_STATE", str(served))
    inventory = load_inventory(REPO / "devices" / "emulator.yaml")
    device = inventory.device("emu-0001")
    assert device.target(None) == ("hdc", HdcTarget("127.0.0.1", 40001, "emu-0001"))
    _, ssh = device.target("ssh")
    assert ssh.port == 40002 and ssh.key_file == served / "emu-0001" / "ssh" / "id_ed25519"


def test_an_unset_variable_takes_its_default(monkeypatch):
    monkeypatch.delenv("OHOS_HIL_NO_SUCH_STATE", raising=False)
    inventory = load_inventory(INVENTORIES / "served-by-default.yaml")
    assert list(inventory.devices) == ["emu-0001"]


def test_a_missing_endpoints_file_says_how_to_make_one(tmp_path, monkeypatch):
    monkeypatch.setenv("OHOS_HIL_EMULATOR_STATE", str(tmp_path / "nothing-served"))
    with pytest.raises(ConfigError, match=r"emulator.yaml:\d+.*no endpoints file .*nothing-served/endpoints"):
        load_inventory(REPO / "devices" / "emulator.yaml")
