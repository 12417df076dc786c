"""A device survives the trip inventory → exporter YAML → acquired place → the run's inventory."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from harness.errors import InfrastructureError
from harness.inventory import parse_inventory
from harness.labgrid.exporter_config import exporter_config
from harness.labgrid.place_device import PlaceResource, place_device
from harness.labgrid.reservation import parse_filter
from harness.yamlfile import parse_yaml

LAB_HOST = """
devices:
  - id: rk3568-01
    transports:
      hdc: {server: 10.0.0.5:8710, connect_key: 150100424a544434}
      ssh: {host: 10.0.0.7, port: 2222, user: root, key_file: /keys/rk, known_hosts: /keys/known}
      serial:
        url: socket://10.0.0.5:4001
        rfc2217: rfc2217://10.0.0.5:4002
        baud: 1500000
        login: {user: root, password_env: RK_PW}
    capabilities: [battery_control, root]
    shim_variants: [default, noperm]
    waivers: ohos-4.0
  - id: tty-board
    transports:
      serial: {url: /dev/ttyUSB0, baud: 115200}
"""


def inventory(text: str, tmp_path: Path):
    return parse_inventory(parse_yaml(text, "lab.yaml"), tmp_path / "lab.yaml")


def test_the_exporter_yaml_uses_labgrid_classes_and_keeps_what_the_harness_needs(tmp_path: Path) -> None:
    config = exporter_config(inventory(LAB_HOST, tmp_path))
    group = config["rk3568-01"]
    assert group["NetworkSerialPort"] == {
        "host": "10.0.0.5",
        "port": 4002,
        "speed": 1500000,
        "protocol": "rfc2217",
    }
    assert group["NetworkService"] == {"address": "10.0.0.7", "port": 2222, "username": "root"}
    assert group["OhosHdc"] == {"server": "10.0.0.5:8710", "connect_key": "150100424a544434"}
    assert group["OhosDevice"]["waivers"] == "ohos-4.0"
    assert config["tty-board"]["RawSerialPort"] == {"port": "/dev/ttyUSB0", "speed": 115200}
    assert all(
        isinstance(v, str | int | bool) for g in config.values() for r in g.values() for v in r.values()
    )


def test_an_acquired_place_becomes_the_same_device_in_the_run_inventory(tmp_path: Path) -> None:
    source = inventory(LAB_HOST, tmp_path).devices["rk3568-01"]
    group = exporter_config(inventory(LAB_HOST, tmp_path))["rk3568-01"]
    resources = [PlaceResource("hostA", "rk3568-01", cls, params) for cls, params in group.items()]
    entry = place_device("hostA-rk3568-01", resources)
    run = inventory(yaml.safe_dump({"devices": [entry]}), tmp_path).devices["hostA-rk3568-01"]
    assert run.transports["hdc"] == source.transports["hdc"]
    assert run.transports["ssh"] == source.transports["ssh"]
    assert run.transports["serial"].url == "rfc2217://10.0.0.5:4002"
    assert run.transports["serial"].login_user == "root"
    assert (run.capabilities, run.shim_variants, run.waivers) == (
        source.capabilities,
        ("default", "noperm"),
        "ohos-4.0",
    )
    assert "hostA" in run.description


def test_a_place_with_no_usable_transport_is_an_infrastructure_error() -> None:
    with pytest.raises(InfrastructureError, match="hostA/x/OhosDevice"):
        place_device("hostA-x", [PlaceResource("hostA", "x", "OhosDevice", {"capabilities": "root"})])


def test_reservation_filters_follow_labgrids_tag_rules() -> None:
    assert parse_filter("os=openharmony api=10") == {"os": "openharmony", "api": "10"}
    for bad in ("", "os", "OS=x", "a=1"):
        with pytest.raises(Exception, match="--reserve"):
            parse_filter(bad)
